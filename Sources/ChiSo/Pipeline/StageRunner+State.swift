import Foundation

/// What earlier stages left, from this run or the warehouse: registry, reorganization, references.
extension StageRunner {
    /// Every registry row (dossiers are resolved to these).
    func units() throws -> UnitRegistry {
        if let registry { return registry }
        let r = try warehouse.loadUnits(key, reportingDay: config.period.to)
        registry = r
        return r
    }

    /// How rows carry forward to reporting units (SPEC 10.3), from this run's ingest or the warehouse.
    func reorganization() throws -> Reorganization {
        if let reorganizationCache { return reorganizationCache }
        let walk: Crosswalk?
        if let crosswalk { walk = crosswalk } else { walk = try warehouse.loadLineage(key) }
        let r = Reorganization(registry: try units(), crosswalk: walk, lineageConfigured: config.sources.lineage != nil)
        reorganizationCache = r
        return r
    }

    /// The reporting units: what indices, awards and outputs are keyed by.
    func scoringUnits() throws -> UnitRegistry { try reorganization().reporting }

    /// The compare_to period as the warehouse holds it: its last day and ranks with tiers.
    func comparedPeriod(_ period: String) throws -> ComparedPeriod {
        try warehouse.comparedPeriod(pipeline: config.pipeline, period: period, indices: config.indices.map(\.key))
    }

    func loadedReferences() throws -> [SourceKind: ReferenceTable] {
        if let references { return references }
        var out: [SourceKind: ReferenceTable] = [:]
        for kind in [SourceKind.targets, .external] where graph.stages.contains(kind == .targets ? .ingestTargets : .ingestExternal) {
            if let t = try warehouse.loadReference(key, kind, registry: try units()) { out[kind] = t }
        }
        references = out
        return out
    }

    /// `CHISO_TRACE=1` prints the ingest's phases on stderr (for profiling).

    /// Every finding of the period, in the warehouse's order. When every stage that makes findings ran in
    /// this run they are already in memory, in the order they were committed (stage by stage); otherwise
    /// the warehouse has some from earlier runs and is read, once.
    func periodFindings() throws -> [Finding] {
        if let cached = periodFindingsCache { return cached }
        let producers = graph.stages.filter { $0.isIngest || $0 == .normalize || $0 == .indices }
        let findings = producers.allSatisfy { storedFindings[$0] != nil }
            ? producers.flatMap { storedFindings[$0]! }
            : try warehouse.loadFindings(key)
        periodFindingsCache = findings
        return findings
    }

    func allFiles() throws -> [FileReport] {
        try warehouse.loadFiles(key, stages: graph.stages.filter(\.isIngest).map(\.rawValue))
    }
}
