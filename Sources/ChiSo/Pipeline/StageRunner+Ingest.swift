import Foundation

/// The ingest stages: every source read, then one transaction, so that a failed file changes nothing.
extension StageRunner {
    func runIngest(_ plan: [PlannedStage], runID: Int64) throws -> IngestOutcome {
        trace("ingest begins")
        let runs = Set(plan.filter(\.run).map(\.stage))
        var findings: [Finding] = []
        var newFiles: [FileReport] = []
        // The registry.
        let registry: UnitRegistry
        if runs.contains(.ingestUnits) {
            registry = try UnitRegistry.load(config: config)
            newFiles.append(registry.file)
            let walk = try Crosswalk.load(config: config, registry: registry)
            if let file = walk?.file { newFiles.append(file) }
            crosswalk = .some(walk)
            reorganizationCache = nil
        } else {
            registry = try units()
        }
        self.registry = registry
        // References, checked against the keys the pipeline uses.
        // The reference stages that do not run keep what the warehouse holds (a failure to read it is an error).
        // (A night that reads only new dossiers still scores with them: leaving them out when neither reference
        // stage ran gave its indices no `target.*` or `external.*` values.)
        var refs = try loadedReferences()
        for kind in [SourceKind.targets, .external] {
            let stage: Stage = kind == .targets ? .ingestTargets : .ingestExternal
            guard runs.contains(stage) else { continue }
            let one = try PipelineEvaluator.loadReferences(config: config, registry: registry, findings: &findings, only: kind)
            refs[kind] = one[kind]
            if let f = one[kind]?.file { newFiles.append(f) }
        }
        references = refs
        try checkReferenceKeys(refs)
        // Exports: dossiers first; linked sources against the dossiers of this run or of the warehouse.
        var ingestor = Ingestor(config: config, registry: registry)
        ingestor.knownHashes = fileHashes.mapValues(\.sha256)
        // Exports hashed in the background: not hashed again by their readers (their reports get the hash below).
        for path in pendingHashes?.paths ?? [] { ingestor.knownHashes[path] = "" }
        ingestor.knownLines = lineCounts
        var result = IngestResult()
        let exportStages: [Stage] = [.ingestDossiers, .ingestLate, .ingestPostal, .ingestDigitized].filter(graph.stages.contains)
        let linkedRuns = exportStages.filter { $0 != .ingestDossiers && runs.contains($0) }
        var planned = Dictionary(uniqueKeysWithValues: plan.map { ($0.stage, $0) })
        // The stored dossier state, when it is that of the tables now (same export fingerprints) and the
        // registry it indexes has not changed: what is compared against to rewrite only what changed.
        let exportsRun = exportStages.contains(where: runs.contains)
        let stamp = { (next: Bool) in
            self.dossierStamp { s in next && runs.contains(s) ? planned[s]!.fingerprint.value : planned[s]!.previous?.fingerprint }
        }
        // Normalize's tables of the stored chunks, read now: normalize is counted while the writer holds
        // the warehouse.
        let storedParts = exportsRun && graph.stages.contains(.normalize) ? try warehouse.loadIndicatorParts(key) : [:]
        // A run that appends new dossier files reads every stored id but the dossiers and links only of the
        // chunks it changes or counts (``PendingChunks``): a chunk whose stored table normalize will reuse
        // (its key is the chunk's SHA-256 and this run's parameters) is left pending; the others are decoded
        // as they are read, rather than read twice.
        let appended = try runs.contains(.ingestDossiers) && !runs.contains(.ingestUnits) ? appendedDossierFiles(planned[.ingestDossiers]!) : nil
        var leavePending: (@Sendable (Int, String) -> Bool)?
        if appended != nil {
            if !graph.stages.contains(.normalize) {
                leavePending = { _, _ in true }
            } else if let reorganization = try? self.reorganization() {
                let parts = IndicatorParts(reorganization: reorganization, dates: dates, checkLateList: graph.stages.contains(.ingestLate),
                                           chunkHashes: [:], stored: storedParts)
                leavePending = { k, sha in parts.stored[k]?.key == parts.key(sha256: sha) }
            }
        }
        // Such a run reads its new files on the other core while this one decodes the stored state, and adds
        // them after it once decoded, as if read there (on a 5M night, the 10,000-row file's 30 ms leave the
        // critical path). Whatever the ingest does next, the reader is done before it ends.
        let apart = try appended.map { try readApart($0, ingestor: ingestor) }
        defer { _ = apart?.files.take() }
        var stored = exportsRun && !runs.contains(.ingestUnits)
            ? try warehouse.loadDossierSnapshot(key, stamp: stamp(false), units: registry.units.count, pending: leavePending) : nil
        trace("stored dossier state: \(stored.map { "\($0.store.dossiers.count) dossiers" } ?? "none usable")")
        var (kept, base, relinked) = try readDossiers(into: &result, runs: runs, linkedRuns: linkedRuns, planned: planned,
                                                      stored: &stored, registry: registry, ingestor: ingestor, apart: apart)
        if result.store.pending != nil, let state = stored, let base {
            fillPendingChunks(&result.store, base: base, chunkHashes: state.hashes, storedParts: storedParts)
        }
        if result.store.pendingFailed {
            // A stored chunk whose CRC-32 checked but whose records do not decode: the state is not used,
            // and the dossiers are read as when no state is usable (every dossier file, when they run).
            trace("stored dossier state: a chunk's records did not decode; every dossier file is read again")
            result = IngestResult()
            stored = nil
            (kept, base, relinked) = try readDossiers(into: &result, runs: runs, linkedRuns: linkedRuns, planned: planned,
                                                      stored: &stored, registry: registry, ingestor: ingestor)
        }
        let previousState = stored  // its chunk hashes (and its store when every dossier file was read again)
        let firstNew = runs.contains(.ingestDossiers) ? 0 : result.files.count
        // The positions whose dossier rows differ from the stored state's (nil: no usable state).
        let dossierChanges = previousState.map { old in
            if let base { return StoreDiff.appended(count: base.count, replaced: base.replaced, dossiers: result.store.dossiers) }
            return runs.contains(.ingestDossiers) ? StoreDiff.dossiers(old.store, dossiers: result.store.dossiers, ids: result.store.ids) : []
        }
        trace("dossiers read: \(result.store.dossiers.count) dossiers (capacity \(result.store.dossiers.capacity)), ids \(result.store.ids.footprint)")
        let key = self.key
        let stages = graph.stages

        // With fresh dossiers, one core writes them to the warehouse while the other reads the linked
        // exports; the transaction commits only once everything is read and no file failed.
        let handoff = IngestHandoff()
        let writer: DispatchGroup? = runs.contains(.ingestDossiers) ? DispatchGroup() : nil
        // Normalize will need the reorganization: loaded now, before the writer holds the warehouse, so that
        // normalize can be computed while the writer commits (a failure here is met again by normalize).
        if writer != nil && graph.stages.contains(.normalize) { _ = try? reorganization() }
        // And the report's workbook, started with normalize when the stages after it run: what it reads from
        // the warehouse is read now too (a failure here leaves the workbook to the report, which meets it).
        let ingestRuns = stages.filter { $0.isIngest && runs.contains($0) }
        var workbookPlan = writer != nil && startsWorkbookEarly ? try? earlyWorkbookPlan(ingestRuns: ingestRuns) : nil
        if let writer {
            let dossiers = result.store.dossiers, ids = result.store.ids
            let warehouse = self.warehouse
            var only = dossierChanges
            if let ranges = only, Warehouse.worthRewriting(ranges, of: dossiers.count) { only = nil }
            DispatchQueue.global().async(group: writer) { [only] in
                do {
                    try warehouse.writeLarge { db in
                        let started = Date()
                        try Warehouse.saveDossiers(db, key, dossiers, ids: ids, registry: registry, only: only)
                        if StageRunner.tracing {
                            let seconds = Date().timeIntervalSince(started)
                            FileHandle.standardError.write(Data("trace dossiers written: \(dossiers.count) rows in \(String(format: "%.3f", seconds)) s = \(Int(Double(dossiers.count) / max(seconds, 1e-9))) rows/s\n".utf8))
                        }
                        while true {
                            switch handoff.next() {
                            case let .write(step): try step(db)
                            case let .finish(rest):
                                guard let rest else { throw IngestHandoff.Abandoned() }
                                return try rest(db)
                            }
                        }
                    }
                } catch is IngestHandoff.Abandoned {
                } catch {
                    handoff.error = error
                }
            }
        }
        var handedOff = false
        defer {
            // An error before the handoff (say, a glob matching nothing): the writer rolls back and ends.
            if let writer, !handedOff {
                handoff.send(.finish(nil))
                writer.wait()
            }
        }
        // With no stored state (every row is written afresh), the biggest linked source is read first and its
        // rows go to the writer at once: they are written while the others are read, instead of after the
        // last. (Only that one: the writer holds the links as they were, so the next source's linking copies
        // them once; the small sources' rows are written at the end, as before.)
        let early = writer != nil && previousState == nil
        let linkedStages = exportStages.filter { $0 != .ingestDossiers }
        var readOrder = linkedStages
        if early { readOrder = StageRunner.biggestFirst(try linkedStages.map { ($0, try sourceFiles($0)) }) }
        var writtenEarly: Set<SourceKind> = []
        let (filesBefore, findingsBefore) = (result.files.count, result.findings.count)
        var segments: [SourceKind: (files: Range<Int>, findings: Range<Int>)] = [:]
        for stage in readOrder {
            let source = stage.source!
            result.configured.insert(source)
            guard runs.contains(stage) else { continue }
            let (f0, g0) = (result.files.count, result.findings.count)
            defer { segments[source] = (f0..<result.files.count, g0..<result.findings.count) }
            if kept.sources.contains(source) {
                for (file, id) in kept.files where file.source == source { result.append(file, id: id) }
                continue
            }
            for path in try sourceFiles(stage) {
                // Without fresh dossiers to write, the other core is free: a big file is read on both.
                if writer == nil, ingestor.ingestLinkedInParts(source, path, into: &result) != .notSplit { continue }
                ingestor.ingestLinked(source, path, into: &result)
            }
            if early && stage == readOrder.first && !result.files[f0...].contains(where: \.failed) {
                let store = result.store  // as read so far: this source's links are complete
                writtenEarly.insert(source)
                handoff.send(.write { db in
                    let started = Date()
                    try Warehouse.saveLinks(db, key, source, store)
                    StageRunner.trace("\(source.rawValue) rows written in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
                })
            }
        }
        if readOrder != linkedStages {
            // Files and findings in the sources' order, as if read in it.
            let (files, ids, found) = (result.files, result.fileIDs, result.findings)
            result.files.removeSubrange(filesBefore...)
            result.fileIDs.removeSubrange(filesBefore...)
            result.findings.removeSubrange(findingsBefore...)
            for stage in linkedStages {
                guard let segment = segments[stage.source!] else { continue }
                result.files += files[segment.files]
                result.fileIDs += ids[segment.files]
                result.findings += found[segment.findings]
            }
        }
        trace("linked exports read")
        // The exports' hashes, if they were left for now: the fingerprints the run records, the reports' hashes.
        var hashedLater: [String] = []
        if let pending = pendingHashes {
            hashedLater = pending.paths
            let prints = try resolveDeferredHashes()!
            resolvedFingerprints = prints
            planned = planned.mapValues { $0.with(prints[$0.stage]!) }
            let byDisplay = Dictionary(hashedLater.map { (config.display($0), fileHashes[$0]!.sha256) }) { first, _ in first }
            for i in result.files.indices where result.files[i].sha256.isEmpty {
                result.files[i].sha256 = byDisplay[result.files[i].file] ?? ""
            }
        }
        findings += result.findings + kept.findings
        newFiles += result.files[firstNew...]
        // The files were hashed before they were read: one that changed meanwhile would be recorded wrongly.
        for (path, stamp) in fileStamps where (try? Warehouse.fileStamp(path)) != stamp {
            let i = newFiles.firstIndex { $0.file == config.display(path) }
            findings.append(Finding(.error, .encoding, source: i.map { newFiles[$0].source } ?? .dossiers, file: config.display(path),
                                    line: nil, message: "Tệp thay đổi trong lúc đang đọc; chạy lại khi việc xuất dữ liệu đã xong"))
            if let i { newFiles[i].failed = true }
        }
        let failed = newFiles.contains(where: \.failed)
        ingest = failed ? nil : result
        let store = result.store
        let allFiles = result.files
        let allIDs = result.fileIDs
        let exportIDs = Dictionary(grouping: allFiles.indices.filter { $0 >= firstNew }, by: { allFiles[$0].source })
            .mapValues { $0.map { allIDs[$0] } }
        let ingestFindings = findings, files = newFiles
        let walk = crosswalk ?? nil
        // Per linked source, the positions whose rows changed (nil: rewrite the period's rows).
        let linkChanges = failed ? nil : previousState.map { old in
            guard let base else { return relinked.map { StoreDiff.links($0, now: store.links) } ?? StoreDiff.links(old.store, store) }
            // Appended files: the stored positions' links are those stored unless a source was read again.
            if let relinked = base.relinked { return StoreDiff.links(relinked, now: store.links) }
            let tail = base.count..<max(base.count, store.links.count)
            return ([tail], [tail], [tail])
        }
        let nextStamp = stamp(true)
        // The stored state: its chunks are encoded on this thread while the writer does the rest.
        let snapshot = failed || !exportsRun ? nil : Warehouse.snapshotWrite(store, previous: previousState)
        let encoder = DispatchGroup()
        defer { snapshot?.feed.close(); encoder.wait() }  // an error on this side: the encoder stops
        let stamps = fileStamps, hashes = fileHashes
        let rest: (any SQLSession) throws -> Void = { db in
            for path in hashedLater { try Warehouse.saveFileHash(db, path: path, stamp: stamps[path]!, sha256: hashes[path]!.sha256) }
            for stage in stages where stage.isIngest && runs.contains(stage) {
                let source = stage.source!
                let stageFiles = files.filter { stage.reads($0.source) }
                switch stage {
                case .ingestUnits:
                    try Warehouse.saveUnits(db, key, registry)
                    try Warehouse.saveLineage(db, key, walk, registry: registry)
                case .ingestTargets, .ingestExternal:
                    if let table = refs[source] { try Warehouse.saveReference(db, key, source, table, registry: registry) }
                case .ingestDossiers: break  // written by the writer above
                default:
                    var only: [Range<Int>]?
                    switch source {
                    case .late: only = linkChanges?.late
                    case .postal: only = linkChanges?.postal
                    default: only = linkChanges?.digitized
                    }
                    if let ranges = only, Warehouse.worthRewriting(ranges, of: store.links.count) { only = nil }
                    if !writtenEarly.contains(source) {
                        let started = Date()
                        try Warehouse.saveLinks(db, key, source, store, only: only)
                        StageRunner.trace("\(source.rawValue) rows written in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
                    }
                }
                try Warehouse.saveFiles(db, key, stage: stage.rawValue, stageFiles, ids: stage.isExport ? exportIDs[source] ?? [] : nil)
                try Warehouse.saveFindings(db, key, stage: stage.rawValue, ingestFindings.filter { $0.source == source })
                try Warehouse.saveStageState(db, key, stage: stage.rawValue, fingerprint: planned[stage]!.fingerprint, run: runID,
                                             rows: stageFiles.reduce(0) { $0 + $1.rows })
            }
            if let snapshot {
                let started = Date()
                try Warehouse.saveDossierSnapshot(db, key, snapshot, stamp: nextStamp)
                StageRunner.trace("dossier state saved in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
            }
            StageRunner.trace("ingest written, committing")
        }
        // The SHA-256 of the state's chunks that the save does not encode (they are the stored ones), then
        // of every chunk once it has: what names the chunks whose indicator tables normalize may reuse.
        var unchangedHashes: [Int: String] = [:]
        let encoded = EncodedHashes()
        if let snapshot {
            let changed = dossierChanges.map { d in linkChanges.map { d + $0.late + $0.postal + $0.digitized } ?? d }
            // The id index depends on the ids alone: unchanged when no dossier row changed.
            let idsChanged = dossierChanges?.isEmpty != true
            let encodes = Warehouse.snapshotCandidates(dossiers: store.dossiers.count, previous: previousState,
                                                       changed: changed, idsChanged: idsChanged)
            let chunks = StoreSnapshot.chunkCount(store.dossiers.count)
            unchangedHashes = previousState?.hashes.filter { $0.key >= 0 && $0.key < chunks && !encodes.contains($0.key) } ?? [:]
            DispatchQueue.global().async(group: encoder) {
                encoded.set(Warehouse.encodeSnapshot(store, previous: previousState, changed: changed, idsChanged: idsChanged,
                                                     indexDelta: snapshot.indexDelta, into: snapshot.feed))
            }
        }
        if let writer {
            handedOff = true
            handoff.send(.finish(failed ? nil : rest))
            if !failed {
                workbookPlan?.ingestFindings = StageRunner.findingsByStage(ingestFindings, stages: ingestRuns)
                normalizeAhead(result, chunkHashes: unchangedHashes, stored: storedParts, workbook: workbookPlan)
            }
            writer.wait()
            trace("ingest committed")
            if let error = handoff.error { throw error }
        } else if !failed {
            try warehouse.writeLarge(rest)  // linked rows and the state: copied back into the file on another core
        }
        if snapshot != nil && !failed {
            encoder.wait()
            stateHashes = unchangedHashes.merging(encoded.value) { $1 }
            storedIndicatorParts = storedParts
        }
        if !failed { storedFindings.merge(StageRunner.findingsByStage(ingestFindings, stages: ingestRuns)) { $1 } }
        return IngestOutcome(files: newFiles, findings: findings, failed: failed)
    }

    /// What names a stored dossier state: the fingerprint of each export stage of the pipeline.
    func dossierStamp(_ fingerprint: (Stage) -> String?) -> String {
        [Stage.ingestDossiers, .ingestLate, .ingestPostal, .ingestDigitized].filter(graph.stages.contains)
            .map { "\($0.rawValue)=\(fingerprint($0) ?? "-")" }.joined(separator: ";")
    }

    /// The dossiers as the warehouse holds them: from the stored state when it is that of the tables,
    /// else read back from the tables.
    /// - Returns: the store, and with the stored state the SHA-256 of each of its chunks.
    func storedDossiers(registry: UnitRegistry) throws -> (store: DossierStore, chunkHashes: [Int: String]?) {
        let states = try warehouse.stageStates(key)
        let stamp = dossierStamp { states[$0.rawValue]?.fingerprint }
        if let state = try warehouse.loadDossierSnapshot(key, stamp: stamp, units: registry.units.count) {
            return (state.store, state.hashes.filter { $0.key >= 0 })
        }
        return (try warehouse.loadDossiers(key, registry: registry), nil)
    }

    /// Hands the ingest's writes, step by step, to the writer that is already inside the transaction.
    final class IngestHandoff: @unchecked Sendable {
        struct Abandoned: Error {}
        enum Step {
            /// Rows to write now (a linked source's, as soon as it is read).
            case write((any SQLSession) throws -> Void)
            /// The rest of the transaction, then the commit; nil when a file failed: the writer rolls back.
            case finish(((any SQLSession) throws -> Void)?)
        }
        private var steps: [Step] = []
        private let condition = NSCondition()
        /// What the writer failed with, if it did (read once it has ended).
        var error: Error?

        func send(_ step: Step) {
            condition.withLock { steps.append(step); condition.signal() }
        }

        /// The next step, waiting for it.
        func next() -> Step {
            condition.lock(); defer { condition.unlock() }
            while steps.isEmpty { condition.wait() }
            return steps.removeFirst()
        }
    }

    /// The linked stages in the order to read them when each is written as soon as it is read: the one
    /// with the most bytes first (its rows take longest to write), the others as configured.
    static func biggestFirst(_ stages: [(Stage, [String])]) -> [Stage] {
        func bytes(_ paths: [String]) -> Int {
            paths.reduce(0) { $0 + (((try? FileManager.default.attributesOfItem(atPath: $1))?[.size] as? Int) ?? 0) }
        }
        guard let biggest = stages.max(by: { bytes($0.1) < bytes($1.1) })?.0 else { return stages.map(\.0) }
        return [biggest] + stages.map(\.0).filter { $0 != biggest }
    }

    /// Every `target.KEY` / `external.KEY` the pipeline uses must be a column of its reference file, also
    /// of a table kept from an earlier run (the pipeline may have started using a new key since).
    func checkReferenceKeys(_ refs: [SourceKind: ReferenceTable]) throws {
        for (kind, keys) in config.referenceKeys() {
            try refs[kind]?.requireKeys(keys, of: kind, config: config)
        }
    }

    /// Starts normalize's computation on another core while the writer finishes the ingest's transaction
    /// (the linked rows, the stored state, the commit): its inputs are all in memory by then. The stage
    /// itself still runs after the ingest, in its own transaction, and takes the result (``Ahead``). Only
    /// with the reorganization already loaded: the writer holds the warehouse until it commits.
    /// The chunks whose bytes are known (`chunkHashes`: the stored state's that this run keeps) take their
    /// table from `stored` when it was counted from them with this run's parameters (``IndicatorParts``).
    /// With a `workbook` plan, the report's workbook is started on the same core as soon as normalize's
    /// table is there (``EarlyWorkbookPlan``), rather than once the ingest has committed.
    func normalizeAhead(_ result: IngestResult, chunkHashes: [Int: String], stored: [Int: Warehouse.StoredIndicatorPart],
                        workbook: EarlyWorkbookPlan?) {
        guard graph.stages.contains(.normalize), let registry, let reorganization = reorganizationCache else { return }
        let ahead = Ahead<NormalizedParts?>()
        normalized = ahead
        let (dates, checkLateList) = (dates, graph.stages.contains(.ingestLate))
        let registryFile = config.display(config.resolve(config.sources.units))
        let parts = IndicatorParts(reorganization: reorganization, dates: dates, checkLateList: checkLateList,
                                   chunkHashes: chunkHashes, stored: stored)
        ahead.start {
            guard let counted = parts.count(result.store, reorganization: reorganization, dates: dates, checkLateList: checkLateList)
            else { return nil }
            let normalized = ComputingStages.normalize(result, registry: registry, reorganization: reorganization, dates: dates,
                                                       checkLateList: checkLateList, registryFile: registryFile,
                                                       table: counted.table, knownIDs: counted.knownIDs)
            StageRunner.trace("normalize computed ahead")
            let early = workbook.flatMap { try? $0.start(table: normalized.table, normalizeFindings: normalized.findings) }
            if early != nil { StageRunner.trace("workbook started with normalize") }
            return NormalizedParts(normalized: normalized, counted: counted.counted, reused: counted.reused, early: early)
        }
    }

    /// Normalize's result with the chunks whose tables were counted (not reused), for the warehouse.
    struct NormalizedParts: Sendable {
        var normalized: ComputingStages.Normalized
        var counted: [Int: [UInt8]]
        var reused: Int
        /// The report's workbook, when it was started with normalize.
        var early: EarlyWorkbook?
    }

    /// The findings of each of `stages` (ingest stages) among an ingest's `findings`, by their source.
    static func findingsByStage(_ findings: [Finding], stages: [Stage]) -> [Stage: [Finding]] {
        Dictionary(uniqueKeysWithValues: stages.map { stage in (stage, findings.filter { $0.source == stage.source! }) })
    }
}

/// The chunk hashes the stored state's encoder computed, handed to the thread that waits for it.
private final class EncodedHashes: @unchecked Sendable {
    private var hashes: [Int: String] = [:]
    private let lock = NSLock()
    func set(_ value: [Int: String]) { lock.withLock { hashes = value } }
    var value: [Int: String] { lock.withLock { hashes } }
}
