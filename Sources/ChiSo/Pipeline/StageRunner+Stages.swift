import Foundation

/// The normalize, indices and awards stages, each committing in its own transaction.
extension StageRunner {
    func runNormalize(_ p: PlannedStage, _ runID: Int64) throws -> Int {
        let registry = try units()
        let result: IngestResult
        // The SHA-256 of each chunk of the state counted, when known: what normalize's tables per chunk are
        // stored and found under.
        var hashes = stateHashes
        if let ingest { result = ingest } else {
            var r = IngestResult()
            (r.files, r.fileIDs) = try warehouse.loadExportFiles(key)
            (r.store, hashes) = try storedDossiers(registry: registry)
            result = r
        }
        let reorganization = try reorganization()
        let checkLateList = graph.stages.contains(.ingestLate)
        // Computed ahead from this run's ingest (the same inputs), or now.
        var ahead = self.normalized?.take() ?? nil
        self.normalized = nil
        if ingest == nil { ahead?.early?.finish(); ahead = nil }
        let done: NormalizedParts
        if let ahead { done = ahead } else {
            let stored = try storedIndicatorParts ?? warehouse.loadIndicatorParts(key)
            let parts = IndicatorParts(reorganization: reorganization, dates: dates, checkLateList: checkLateList,
                                       chunkHashes: hashes ?? [:], stored: stored)
            guard let counted = parts.count(result.store, reorganization: reorganization, dates: dates, checkLateList: checkLateList) else {
                throw EnvironmentError(path: warehouse.location.display,
                                       reason: "trạng thái hồ sơ đã lưu không đọc được; chạy lại với --force để đọc lại mọi tệp hồ sơ")
            }
            done = NormalizedParts(
                normalized: ComputingStages.normalize(result, registry: registry, reorganization: reorganization, dates: dates,
                                                      checkLateList: checkLateList,
                                                      registryFile: config.display(config.resolve(config.sources.units)),
                                                      table: counted.table, knownIDs: counted.knownIDs),
                counted: counted.counted, reused: counted.reused)
        }
        trace("indicators: \(done.reused) chunk(s) of the state taken as counted before, \(done.counted.count) counted")
        let normalized = done.normalized
        // The chunks counted now, stored under their bytes' hash and this run's parameters.
        let fresh = IndicatorParts(reorganization: reorganization, dates: dates, checkLateList: checkLateList,
                                   chunkHashes: hashes ?? [:], stored: [:]).toStore(done.counted)
        let chunks = StoreSnapshot.chunkCount(result.store.dossiers.count)
        let (table, findings) = (normalized.table, normalized.findings)
        self.table = table
        if let early = done.early { earlyWorkbook = early } else { startWorkbookEarly(normalizeFindings: findings) }
        let scoring = reorganization.reporting
        try warehouse.write { db in
            try Warehouse.saveIndicatorParts(db, key, fresh, chunks: chunks)
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
}

