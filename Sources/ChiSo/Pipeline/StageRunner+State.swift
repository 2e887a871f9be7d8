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

    /// Every finding of the period, in the warehouse's order. The stages that make findings and ran in this
    /// run have theirs in memory, in the order they were committed (stage by stage); the warehouse is read,
    /// once, for the others' only (a night's `ingest.units`, skipped, rather than its 6,849 findings at 5M
    /// dossiers). Those were committed by earlier runs, so they come first, as the warehouse orders them.
    func periodFindings() throws -> [Finding] {
        if let cached = periodFindingsCache { return cached }
        let findings = try StageRunner.assembleFindings(producers: findingProducers, held: storedFindings) { ran in
            ran.isEmpty ? try warehouse.loadFindings(key) : try warehouse.loadFindings(key, except: ran.map(\.rawValue))
        }
        periodFindingsCache = findings
        return findings
    }

    /// The stages that make findings, in the graph's order.
    var findingProducers: [Stage] { graph.stages.filter { $0.isIngest || $0 == .normalize || $0 == .indices } }

    /// The period's findings from those `held` in memory, per producer, and the `earlier` ones of the
    /// producers not held (the warehouse's, asked for with the producers that are held; not asked when every
    /// producer is held): those come first, as the warehouse orders them, then the held ones stage by stage.
    static func assembleFindings(producers: [Stage], held: [Stage: [Finding]],
                                 earlier: ([Stage]) throws -> [Finding]) rethrows -> [Finding] {
        let ran = producers.filter { held[$0] != nil }
        let mine = ran.flatMap { held[$0]! }
        return ran.count == producers.count ? mine : try earlier(ran) + mine
    }

    func allFiles() throws -> [FileReport] {
        try warehouse.loadFiles(key, stages: graph.stages.filter(\.isIngest).map(\.rawValue))
    }
}
