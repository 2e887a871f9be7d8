import Foundation

extension Ingestor {
    /// Reads one big linked export on both cores, as a big dossier file is (``ingestDossierFileInParts``):
    /// the head (its start to the end of a line near the middle) here, the tail on the other core at the
    /// same time. Both parts only resolve their rows (each row's dossier, its warning, orphan and unit
    /// findings) while the dossiers are read, never written; then the head's rows and the tail's are given
    /// to their dossiers in file order, so that a later row replaces an earlier one, with the same
    /// findings in the same order, as reading the file whole does. When the parts do not fit together (a
    /// record over the cut, a part that failed, too many bad rows in the whole), the file is read whole.
    /// - Returns: `.notSplit`, with `result` untouched, for a file not to split (see ``cut(_:minimumBytes:)``;
    ///   its hash must be known, a part is not hashed).
    func ingestLinkedInParts(_ kind: SourceKind, _ path: String, into result: inout IngestResult,
                             minimumBytes: Int = Ingestor.partsFromBytes) -> PartsOutcome {
        guard knownHashes[path] != nil, let cut = Ingestor.cut(path, minimumBytes: minimumBytes) else { return .notSplit }
        let display = config.display(path)
        let fileIndex = result.nextFileID(kind)
        // The ids and dossiers, read by both parts; the links stay with `result` alone, so that giving the
        // rows to their dossiers afterwards copies nothing.
        let dossiers = DossierStore(ids: result.store.ids, dossiers: result.store.dossiers, links: [])
        let tail = LinkedTailSlot()
        let group = DispatchGroup()
        let me = self
        DispatchQueue.global().async(group: group) {
            guard let firstLine = LineCount.line(at: cut, of: path) else { return }
            tail.value = me.resolveLinked(kind, path, display: display, fileIndex: fileIndex, dossiers: dossiers,
                                          part: .tail(cut: cut, firstLine: firstLine)).map { ($0, firstLine) }
        }
        let head = resolveLinked(kind, path, display: display, fileIndex: fileIndex, dossiers: dossiers, part: .head(cut: cut))
        group.wait()
        guard let head, let (rest, firstLine) = tail.value, head.nextLine == firstLine, !head.report.failed, !rest.report.failed
        else {
            StageRunner.trace("\(display): the parts did not fit together (a record over the cut, or a part failed); read whole")
            ingestLinked(kind, path, into: &result)
            return .readWhole
        }
        var report = head.report
        report.rows += rest.report.rows
        report.quarantined += rest.report.quarantined
        report.size = rest.report.size
        if reader(kind).tooManyBadRows(report) != nil {
            ingestLinked(kind, path, into: &result)
            return .readWhole
        }
        var linker = LinkedRowLinker(kind: kind, display: display, fileIndex: fileIndex, registry: registry)
        var store = result.store
        result.store = DossierStore()  // moved out: the links are written in place
        head.actions.apply(with: &linker, in: &store)
        rest.actions.apply(with: &linker, in: &store)
        result.store = store
        result.append(report, id: fileIndex)
        result.findings += head.readFindings + rest.readFindings
        result.findings += linker.findings
        return .inParts
    }

    /// One part of a linked file, read and resolved against `dossiers` (nil when a row would not fit the
    /// packed record of its action).
    private func resolveLinked(_ kind: SourceKind, _ path: String, display: String, fileIndex: Int, dossiers: DossierStore,
                               part: ExportPart) -> ResolvedLinkedPart? {
        var resolver = LinkedPartResolver(linker: LinkedRowLinker(kind: kind, display: display, fileIndex: fileIndex, registry: registry),
                                          dossiers: dossiers)
        let (report, readFindings, nextLine) = reader(kind).read(path: path, display: display, part: part, begin: { map, _ in
            resolver.parser = LinkedParser(kind: kind, columns: map)
        }, row: { row in try resolver.take(row) })
        resolver.resolve()
        guard resolver.fits else { return nil }
        resolver.actions.findings = resolver.linker.findings
        return ResolvedLinkedPart(report: report, readFindings: readFindings, nextLine: nextLine, actions: resolver.actions)
    }
}

/// What one part of a linked file keeps while it is read: its rows are resolved a batch at a time (their
/// dossiers looked up side by side), in file order. One value the reader's closures reach through a single
/// access per row: as separate captured variables, each of them was checked for exclusive access at every
/// use (a tenth of the part's time).
private struct LinkedPartResolver {
    var parser: LinkedParser?
    var linker: LinkedRowLinker
    let dossiers: DossierStore
    var actions = LinkedActions()
    var batch = LinkedRowBatch()
    /// False once a row does not fit the packed record of its action.
    var fits = true

    init(linker: LinkedRowLinker, dossiers: DossierStore) {
        self.linker = linker
        self.dossiers = dossiers
    }

    /// Adds a row to the batch, resolving the batch when it is full.
    mutating func take(_ row: ExportRow) throws {
        let parsed = try parser!.parse(row)
        batch.append(parsed, id: parser!.idCell(row), unit: parser!.unitCell(row), unitRaw: parser!.unitRawCell(row), line: row.line)
        if batch.isFull { resolve() }
    }

    /// Resolves the rows in the batch, in order.
    mutating func resolve() {
        batch.lookUp(in: dossiers)
        Self.drain(&batch, through: &linker, into: &actions, fits: &fits, dossiers: dossiers)
    }

    /// The batch's rows given to the linker and their actions recorded (each part of the resolver passed
    /// on its own, so that the batch can be drained while the linker and the actions change).
    private static func drain(_ batch: inout LinkedRowBatch, through linker: inout LinkedRowLinker, into actions: inout LinkedActions,
                              fits: inout Bool, dossiers: DossierStore) {
        batch.drain { parsed, found, id, unit, unitRaw, line in
            guard let index = linker.resolve(parsed, found: found, id: id, unit: unit, unitRaw: unitRaw, line: line, in: dossiers)
            else { return }
            fits = actions.record(index, line: line, payload: parsed.payload, unit: unit, findingsEnd: linker.findings.count) && fits
        }
    }
}

/// A part of a linked file as ``Ingestor/ingestLinkedInParts(_:_:into:minimumBytes:)`` reads it.
private struct ResolvedLinkedPart {
    var report: FileReport
    /// The reader's findings (bad rows), in line order.
    var readFindings: [Finding]
    /// For a head: the line the next record starts on, when it ended between records.
    var nextLine: Int?
    var actions: LinkedActions
}

/// What the tail of a linked file read in two parts hands back, with the line it began on. Written once
/// by the tail's worker, read after it is done.
private final class LinkedTailSlot: @unchecked Sendable {
    var value: (part: ResolvedLinkedPart, firstLine: Int)?
}
