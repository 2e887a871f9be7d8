/// The nightly shortcuts of the ingest: when the only change is new dossier files after the old ones,
/// the run starts from the stored dossier state and reads just those files; the linked exports are kept
/// as they were when no row of theirs can link, unlink or compare differently. Each rule below says why
/// the result is the one a cold run over the same files gives (a test checks it).
extension StageRunner {
    /// The new dossier files, when the dossier stage's inputs are those of its last run plus files that
    /// sort after every old one (so that reading them last into the stored state is reading them in
    /// order); nil otherwise (any other change, a forced run, no state).
    func appendedDossierFiles(_ p: PlannedStage) throws -> [String]? {
        guard let previous = p.previous, !options.force, options.only == nil, options.from == nil else { return nil }
        let now = p.fingerprint.inputs
        guard previous.inputs.allSatisfy({ now[$0.key] == $0.value }) else { return nil }
        let added = Set(now.keys.filter { previous.inputs[$0] == nil })
        let paths = try sourceFiles(.ingestDossiers)
        guard !added.isEmpty, added.count < paths.count else { return nil }
        let fresh = paths.suffix(added.count)
        guard Set(fresh.map { "file " + config.display($0) }) == added else { return nil }
        return Array(fresh)
    }

    /// Whether a linked source's rows, links and findings are exactly those of its last run after new
    /// dossier files were read into the stored state (positions below `oldCount` kept, new ones after):
    /// its own inputs are unchanged; none of its rows was an orphan whose id is now a dossier (it would
    /// link); and no dossier it links to changed unit (the unit-mismatch check would read differently).
    /// Orphans are compared by the text their findings show (NFC), so two ids that differ only in
    /// normalization count as the same: a doubt re-reads the source, never the reverse.
    func keepsLinks(_ p: PlannedStage, old: DossierStore, new: DossierStore, findings: [Finding]) -> Bool {
        guard let previous = p.previous, !options.force else { return false }
        let changed = p.fingerprint.changes(since: previous.inputs)
        guard changed.allSatisfy({ $0 == "upstream \(Stage.ingestDossiers.rawValue)" }) else { return false }
        let oldCount = old.dossiers.count
        let orphans = Set(findings.lazy.filter { $0.code == .orphanRecord }.map(\.dossierID))
        if !orphans.isEmpty {
            for i in oldCount..<new.dossiers.count where new.ids.withKey(i, { orphans.contains(ByteText.string($0)) }) { return false }
        }
        let source = p.stage.source!
        for i in 0..<oldCount where old.dossiers[i].unit != new.dossiers[i].unit {
            let l = new.links[i]
            switch source {
            case .late: if l.late != nil { return false }
            case .postal: if l.postalIntake != nil || l.postalReturn != nil { return false }
            default: if l.digitized != nil { return false }
            }
        }
        return true
    }
}
