import Foundation

/// The normalize, indices and awards stages, each committing in its own transaction.
extension StageRunner {
    func runNormalize(_ p: PlannedStage, _ runID: Int64) throws -> Int {
        let registry = try units()
        let result: IngestResult
        if let ingest { result = ingest } else {
            var r = IngestResult()
            (r.files, r.fileIDs) = try warehouse.loadExportFiles(key)
            r.store = try storedDossiers(registry: registry)
            result = r
        }
        let reorganization = try reorganization()
        // Computed ahead from this run's ingest (the same inputs), or now.
        let ahead = ingest != nil ? self.normalized?.take() : nil
        self.normalized = nil
        let checkLateList = graph.stages.contains(.ingestLate)
        let normalized = ahead ?? ComputingStages.normalize(
            result, registry: registry, reorganization: reorganization, dates: dates, checkLateList: checkLateList,
            registryFile: config.display(config.resolve(config.sources.units)),
            table: StageRunner.countIndicators(result.store, reorganization: reorganization, dates: dates, checkLateList: checkLateList))
        let (table, findings) = (normalized.table, normalized.findings)
        self.table = table
        let scoring = reorganization.reporting
        try warehouse.write { db in
            try Warehouse.saveIndicators(db, key, table, registry: scoring)
            if reorganization.followsReorganization { try Warehouse.saveAttribution(db, key, reorganization, inPeriod: table.inPeriodByRow) }
            try Warehouse.saveFindings(db, key, stage: Stage.normalize.rawValue, findings)
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID,
                                         rows: result.store.dossiers.count)
        }
        storedFindings[.normalize] = findings
        return result.store.dossiers.count
    }

    /// After normalize no stage needs the run's dossier state (indices, awards and the report work from the
    /// indicator table and the findings): the report gives its memory (670 MB on a 5M history) back while
    /// it waits for the workbook, instead of leaving it to the exit.
    func releaseDossierState() {
        guard var done = ingest else { return }
        ingest = nil
        let store = done.store
        done.store = DossierStore()  // the release gets the state's only owner: nothing is copied
        MemoryPolicy.release(consume store)
    }

    func facts() throws -> UnitFacts {
        let reorganization = try reorganization()
        let rows = try table?.rows ?? warehouse.loadIndicators(key, registry: reorganization.reporting)
        let refs = try loadedReferences()
        return UnitFacts(indicators: rows, targets: reorganization.reportingTable(refs[.targets]),
                         external: reorganization.reportingTable(refs[.external]))
    }

    func runIndices(_ p: PlannedStage, _ runID: Int64) throws -> Int {
        let reorganization = try reorganization()
        let registry = reorganization.reporting
        let facts = try facts()
        let compared = try config.compareTo.map(comparedPeriod)
        let scored = ComputingStages.indices(config: config, reorganization: reorganization, facts: facts, compared: compared)
        let ancestors = scored.ancestors
        self.ancestors = ancestors
        scores.merge(scored.scores) { $1 }
        try warehouse.write { db in
            try Warehouse.saveFindings(db, key, stage: Stage.indices.rawValue, scored.findings)
            if reorganization.followsReorganization {
                try Warehouse.saveAncestors(db, key, ancestors, registry: reorganization.registry)
            }
            for index in config.indices { try Warehouse.saveScores(db, key, index, scores[index.key]!, registry: registry) }
            try Warehouse.pruneScoring(db, key, indices: config.indices.map(\.key), awards: nil)
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID,
                                         rows: config.indices.count * registry.units.count)
        }
        storedFindings[.indices] = scored.findings
        return config.indices.count * registry.units.count
    }

    func indexScores(_ index: IndexConfig) throws -> [UnitScore] {
        if let s = scores[index.key] { return s }
        guard let s = try warehouse.loadScores(key, index, registry: try scoringUnits()) else {
            throw ConfigError(file: config.path, "chỉ số '\(index.key)' chưa được tính trong kho dữ liệu; chạy 'chiso run \(config.path) --stage indices'")
        }
        scores[index.key] = s
        return s
    }

    func runAwards(_ p: PlannedStage, _ runID: Int64) throws -> Int {
        let registry = try scoringUnits()
        let facts = try facts()
        decisions.merge(try ComputingStages.awards(config: config, units: registry.units, facts: facts, scores: indexScores)) { $1 }
        let count = decisions.values.reduce(0) { $0 + $1.count }
        try warehouse.write { db in
            for award in config.awards { try Warehouse.saveDecisions(db, key, award, decisions[award.key]!, registry: registry) }
            try Warehouse.pruneScoring(db, key, indices: nil, awards: config.awards.map(\.key))
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID, rows: count)
        }
        return count
    }

    /// SPEC 4's indicator table, the dossiers counted in two halves on both cores when there are enough
    /// to pay (5M dossiers: 0.1 s on one core), the halves combined in order: the same table as one pass.
    static func countIndicators(_ store: DossierStore, reorganization: Reorganization, dates: RunDates,
                                checkLateList: Bool) -> IndicatorTable {
        let count = store.dossiers.count
        guard count >= 200_000 else { return reorganization.indicators(store, dates: dates, checkLateList: checkLateList) }
        let halves = [0..<count / 2, count / 2..<count]
        let tables = HalfTables()
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            tables.set(k, reorganization.indicators(store, dates: dates, checkLateList: checkLateList, positions: halves[k]))
        }
        return IndicatorTable.combined(tables.all)
    }
}

/// The two halves' tables, each written by one worker.
private final class HalfTables: @unchecked Sendable {
    private var tables: [IndicatorTable?] = [nil, nil]
    private let lock = NSLock()
    func set(_ k: Int, _ table: IndicatorTable) { lock.withLock { tables[k] = table } }
    var all: [IndicatorTable] { lock.withLock { tables.map { $0! } } }
}
