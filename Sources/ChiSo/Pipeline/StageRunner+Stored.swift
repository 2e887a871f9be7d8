import Foundation


extension StageRunner {
    /// The period's results as the warehouse holds them (what the last run wrote to the CSVs), assembled
    /// for `explain`: no export is read, so the figures are exactly those of the outputs.
    /// - Throws: ``ConfigError`` when a stage's results are missing (the period never ran).
    public func storedEvaluation() throws -> Evaluation {
        let reorganization = try reorganization()
        let registry = reorganization.reporting
        let refs = try loadedReferences()
        let rows = try warehouse.loadIndicators(key, registry: registry)
        let inPeriod = reorganization.followsReorganization
            ? try warehouse.loadAttribution(key, rowCount: reorganization.registry.units.count) : []
        var evaluation = Evaluation(
            config: config, dates: dates, registry: registry, reorganization: reorganization,
            references: refs.compactMapValues { reorganization.reportingTable($0) }, ingest: IngestResult(),
            table: IndicatorTable(rows: rows, warnings: [], inPeriodByRow: inPeriod), scores: [:], decisions: [:],
            findings: try warehouse.loadFindings(key), stages: [])
        // The dossiers as ingested, so that explain can list a unit's late ones.
        evaluation.ingest.store = try warehouse.loadDossiers(key, registry: reorganization.registry)
        (evaluation.ingest.files, evaluation.ingest.fileIDs) = try warehouse.loadExportFiles(key)
        evaluation.ancestors = try warehouse.loadAncestors(key, registry: reorganization.registry)
        for index in config.indices { evaluation.scores[index.key] = try indexScores(index) }
        for award in config.awards {
            guard let d = try warehouse.loadDecisions(key, award, registry: registry) else {
                throw ConfigError(file: config.path, "khen thưởng '\(award.key)' chưa được xét trong kho dữ liệu; chạy 'chiso run \(config.path)'")
            }
            evaluation.decisions[award.key] = d
        }
        return evaluation
    }
}
