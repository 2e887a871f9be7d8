/// The nightly shortcuts of the ingest: when the only change is new dossier files after the old ones,
/// the run starts from the stored dossier state and reads just those files; the linked exports are kept
/// as they were when no row of theirs can link, unlink or compare differently. Each rule below says why
/// the result is the one a cold run over the same files gives (a test checks it).
extension StageRunner {
    /// The linked sources an appending run keeps as stored: their files and findings.
    struct KeptLinks {
        var sources: Set<SourceKind> = []
        var findings: [Finding] = []
        var files: [(FileReport, Int)] = []
    }

    /// What a run that appended files to the stored state knows of that state, which has become the
    /// run's own store (moved, not copied): enough to tell which positions and rows changed.
    struct AppendedBase {
        /// The stored dossier count: positions from it on are new.
        var count: Int
        /// The stored rows of the positions that a new file's duplicate replaced, as they were.
        var replaced: [Int: Dossier]
        /// The stored links of the linked sources read again; nil when every one was kept, so that the
        /// links of the stored positions are those stored.
        var relinked: StoreDiff.Relinked?
    }

    /// The dossier side of the ingest, the one way that applies: new files appended to the stored state;
    /// every dossier file read; or, when only linked sources run, the stored state (else the tables)
    /// with those sources' links cleared to be read again.
    /// - Returns: the linked sources kept; with appended files what the state was; with only linked
    ///   sources read again, their links as they were. When the stored state was used, `stored` then
    ///   holds its chunk hashes only: its store became the run's (moved, never copied).
    func readDossiers(into result: inout IngestResult, runs: Set<Stage>, linkedRuns: [Stage], planned: [Stage: PlannedStage],
                      stored: inout Warehouse.StoredDossiers?, registry: UnitRegistry, ingestor: Ingestor,
                      apart: FilesReadApart? = nil) throws -> (kept: KeptLinks, base: AppendedBase?, relinked: StoreDiff.Relinked?) {
        var kept = KeptLinks()
        let appended = try runs.contains(.ingestDossiers) && stored != nil ? appendedDossierFiles(planned[.ingestDossiers]!) : nil
        if let appended, var state = stored {
            // New files after the old ones: the stored state, then just the new files, in order. The state
            // moves into the run's store, which is then its only owner: appending copies nothing, and the
            // rows that duplicates replace are recorded as they go (``DossierStore/replaced``).
            let (files, ids) = try warehouse.loadExportFiles(key)
            for (file, id) in zip(files, ids) where file.source == .dossiers { result.append(file, id: id) }
            result.store = state.store
            state.store = DossierStore()
            stored = state
            let count = result.store.dossiers.count
            result.store.replaced = [:]
            // Room for the new files' rows (the decoded state has some already, then this is free); the id
            // table keeps its slots (it grows by itself past three-quarters full, rather than rehashing now).
            let bytes = try appended.reduce(0) { $0 + (try size($1)) }
            result.store.reserve(count + bytes / 150 + 1024, expected: 0)
            result.findings = try warehouse.loadFindings(key, stage: Stage.ingestDossiers.rawValue)
            if let apart, apart.paths == appended, apart.firstFileID == result.nextFileID(.dossiers), let files = apart.files.take() {
                ingestor.mergeApart(files, into: &result)
                trace("\(files.count) new dossier file(s) read apart while the state was decoded, added after it")
            } else {
                for path in appended { ingestor.ingestDossiers(path, into: &result) }
            }
            let replaced = result.store.replaced ?? [:]
            result.store.replaced = nil
            var reread: [SourceKind] = []
            for stage in linkedRuns {
                let old = try warehouse.loadFindings(key, stage: stage.rawValue)
                if keepsLinks(planned[stage]!, count: count, replaced: replaced, new: result.store, findings: old) {
                    kept.sources.insert(stage.source!)
                    kept.findings += old
                } else {
                    reread.append(stage.source!)
                }
            }
            // A source read again links rows to any position: every chunk holds its own first.
            if !reread.isEmpty { result.store.fillAllPending() }
            // The appended positions have no links yet: only the stored ones are recorded as they were.
            let relinked = reread.isEmpty ? nil : StoreDiff.Relinked.clearing(reread, in: &result.store.links, stored: count)
            for (file, id) in zip(files, ids) where kept.sources.contains(file.source) { kept.files.append((file, id)) }
            trace("appended \(appended.count) dossier file(s) to the stored state; linked sources kept: \(kept.sources.map(\.rawValue).sorted())")
            return (kept, AppendedBase(count: count, replaced: replaced, relinked: relinked), nil)
        } else if runs.contains(.ingestDossiers) {
            // Portal exports run at about 250 bytes a row; reserve for rows of 150 so that the arrays never
            // grow by copying (which would briefly hold them twice).
            let bytes = try sourceFiles(.ingestDossiers).reduce(0) { $0 + (try size($1)) }
            ingestor.ingestDossierFiles(try sourceFiles(.ingestDossiers), into: &result,
                                        reserve: (bytes / 150 + 1024, bytes / 250 + 1024))
        } else if !linkedRuns.isEmpty {
            // The files of the sources read again are read anew (their ids restart at their source's first).
            let (files, ids) = try warehouse.loadExportFiles(key)
            let rereading = Set(linkedRuns.map { $0.source! })
            for (file, id) in zip(files, ids) where !rereading.contains(file.source) { result.append(file, id: id) }
            if var state = stored {
                // The stored state becomes the run's store (moved: clearing links copies nothing), and the
                // links it had of the sources read again are recorded for the comparison after.
                result.store = state.store
                state.store = DossierStore()
                stored = state
                // (Only a run that appends leaves chunks pending; should one reach here undecodable, the
                // caller reads the dossiers again without the stored state.)
                guard result.store.fillAllPending() else { return (kept, nil, nil) }
                let relinked = StoreDiff.Relinked.clearing(linkedRuns.map { $0.source! }, in: &result.store.links,
                                                           stored: result.store.links.count)
                trace("linked source(s) to read again: \(relinked.before.count) dossier(s) had rows of them")
                return (kept, nil, relinked)
            }
            result.store = try warehouse.loadDossiers(key, registry: registry)
            _ = StoreDiff.Relinked.clearing(linkedRuns.map { $0.source! }, in: &result.store.links, stored: 0)
        }
        return (kept, nil, nil)
    }

    /// Fills the pending chunks of a store that new files were appended to (``PendingChunks``) that the run
    /// will read: every one when the dossier or linked rows are rewritten whole (the appended rows are a
    /// quarter of the state or more: ``Warehouse/worthRewriting(_:of:)``) or normalize's tables cannot be
    /// checked, otherwise those whose stored indicator table normalize cannot reuse. The others stay
    /// pending: nothing reads their dossiers or links (the save encodes only the chunks that changed,
    /// normalize takes their tables as stored, the tables are rewritten only at the changed positions).
    func fillPendingChunks(_ store: inout DossierStore, base: AppendedBase, chunkHashes: [Int: String],
                           storedParts: [Int: Warehouse.StoredIndicatorPart]) {
        let count = store.dossiers.count
        let changes = StoreDiff.appended(count: base.count, replaced: base.replaced, dossiers: store.dossiers)
        let tail = base.count..<count
        let reorganization = graph.stages.contains(.normalize) ? try? self.reorganization() : nil
        if Warehouse.worthRewriting(changes, of: count) || Warehouse.worthRewriting([tail], of: count)
            || (graph.stages.contains(.normalize) && reorganization == nil) {
            store.fillAllPending()
            return
        }
        guard let reorganization, let waiting = store.pending else { return }
        let parts = IndicatorParts(reorganization: reorganization, dates: dates, checkLateList: graph.stages.contains(.ingestLate),
                                   chunkHashes: chunkHashes.filter { $0.key >= 0 }, stored: storedParts)
        var filled = 0
        for k in waiting.chunks.sorted() where parts.reusable(chunk: k, positions: IndicatorParts.positions(chunk: k, of: count)) == nil {
            store.fillPending(chunk: k)
            filled += 1
        }
        trace("\(waiting.chunks.count - filled) chunk(s) of the stored state left undecoded, \(filled) decoded for normalize")
    }

    /// New dossier files being read on another core, each on its own store (``Ingestor/readApart(_:firstFileID:)``).
    struct FilesReadApart {
        let paths: [String]
        /// The file id the first of them has (those of the stored state's dossier files come before).
        let firstFileID: Int
        let files: Ahead<[DossierFileApart]>
    }

    /// Starts reading `paths`, the files ``appendedDossierFiles(_:)`` found, on another core, numbered after
    /// the dossier files the warehouse records.
    func readApart(_ paths: [String], ingestor: Ingestor) throws -> FilesReadApart {
        let storedFiles = try warehouse.loadExportFiles(key).files.filter { $0.source == .dossiers }.count
        let first = FileIDs.id(.dossiers, storedFiles)
        let files = Ahead<[DossierFileApart]>()
        files.start { ingestor.readApart(paths, firstFileID: first) }
        return FilesReadApart(paths: paths, firstFileID: first, files: files)
    }

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
    /// The stored positions changed only where a duplicate replaced their row (`replaced` holds those
    /// rows as they were), so only those are compared.
    func keepsLinks(_ p: PlannedStage, count oldCount: Int, replaced: [Int: Dossier], new: DossierStore, findings: [Finding]) -> Bool {
        guard let previous = p.previous, !options.force else { return false }
        let changed = p.fingerprint.changes(since: previous.inputs)
        guard changed.allSatisfy({ $0 == "upstream \(Stage.ingestDossiers.rawValue)" }) else { return false }
        let orphans = Set(findings.lazy.filter { $0.code == .orphanRecord }.map(\.dossierID))
        if !orphans.isEmpty {
            for i in oldCount..<new.dossiers.count where new.ids.withKey(i, { orphans.contains(ByteText.string($0)) }) { return false }
        }
        let source = p.stage.source!
        for (i, old) in replaced where i < oldCount && old.unit != new.dossiers[i].unit {
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
