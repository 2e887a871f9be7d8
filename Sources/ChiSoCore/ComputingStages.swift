/// The three computing stages (normalize, indices, awards) as pure functions over what the ingest
/// produced. `chiso run` calls them one stage at a time and stores each result; `chiso explain` calls them
/// in a row and keeps the results in memory. One path, so the two can never compute different figures.
package enum ComputingStages {
    /// What normalize produces: the indicator table and its findings (SPEC 4's cross-checks, SPEC 10's).
    package struct Normalized {
        package var table: IndicatorTable
        package var findings: [Finding]
    }

    /// SPEC 3–4 (and 10.3): indicators per reporting unit.
    /// - Parameters:
    ///   - checkLateList: whether a `late` export is configured (SPEC 4's late-list cross-checks).
    ///   - registryFile: the registry as findings name it.
    ///   - table: the indicator table when the caller counted it already (on several cores, in parts).
    ///   - knownIDs: the ids of warned dossiers the caller knows (by position) where the store may not
    ///     (parts of the table taken as stored, see ``IndicatorTable/StoredPart``).
    package static func normalize(_ ingest: IngestResult, registry: UnitRegistry, reorganization: Reorganization,
                          dates: RunDates, checkLateList: Bool, registryFile: String, table: IndicatorTable? = nil,
                          knownIDs: [Int: String] = [:]) -> Normalized {
        let table = table ?? reorganization.indicators(ingest.store, dates: dates, checkLateList: checkLateList)
        var findings = ComputingStages.crossCheckFindings(table.warnings, ingest: ingest, registry: registry, knownIDs: knownIDs)
        if reorganization.followsReorganization {
            findings += reorganization.findings(direct: table.inPeriodByRow, registryFile: registryFile)
        }
        return Normalized(table: table, findings: findings)
    }

    /// What indices produces: scores per index key, each unit's ancestors, and portal mismatches.
    package struct Scored {
        package var scores: [String: [UnitScore]]
        package var ancestors: [Int: [Int]]
        package var findings: [Finding]
    }

    /// SPEC 5 (and 10.4): every index of the pipeline, ranks compared with the `compare_to` period.
    package static func indices(config: PipelineConfig, reorganization: Reorganization, facts: UnitFacts,
                        compared: ComparedPeriod?) -> Scored {
        let units = reorganization.reporting.units
        let ancestors = reorganization.ancestors(comparedPeriodEnd: compared?.end)
        let externalFile = config.sources.external.map { config.display(config.resolve($0)) } ?? ""
        var out = Scored(scores: [:], ancestors: ancestors, findings: [])
        for index in config.indices {
            let previous = reorganization.previousRanks(compared?.ranks[index.key] ?? [:], ancestors: ancestors)
            let scores = computeIndex(index, units: units, facts: facts, previousRanks: previous)
            out.scores[index.key] = scores
            out.findings += index.portalMismatches(scores, registry: reorganization.reporting, external: facts.external,
                                                   externalFile: externalFile)
        }
        return out
    }

    /// SPEC 6: every award of the pipeline, over its index's scores (`scores` may read them from the warehouse).
    package static func awards(config: PipelineConfig, units: [Unit], facts: UnitFacts,
                       scores: (IndexConfig) throws -> [UnitScore]) rethrows -> [String: [AwardDecision]] {
        var out: [String: [AwardDecision]] = [:]
        for award in config.awards {
            let index = config.indices.first { $0.key == award.index }!
            let context = PredicateContext(index: index, facts: facts, scores: try scores(index))
            out[award.key] = selectAward(award, context: context, units: units, tierOrder: config.tierOrder)
        }
        return out
    }

    /// SPEC 4's cross-checks between the exports, as warnings at the row that shows them, each naming its
    /// dossier by the id `knownIDs` gives for its position, else the store's.
    package static func crossCheckFindings(_ checks: [CrossCheck], ingest: IngestResult, registry: UnitRegistry,
                                           knownIDs: [Int: String] = [:]) -> [Finding] {
        checks.map { c in
            let id = knownIDs[c.dossier] ?? ingest.store.id(c.dossier)
            let file = ingest.file(c.ref.file)?.file ?? ""
            let unit = registry.units[Int(c.unit)].code
            switch c.kind {
            case .lateListMismatch:
                return Finding(.warning, .lateListMismatch, source: .late, file: file, line: Int(c.ref.line),
                               column: "dossier_id", value: id, dossierID: id, unitCode: unit,
                               message: "Hồ sơ có trong danh sách trễ hạn nhưng theo ngày hẹn trả và ngày có kết quả thì không trễ hạn")
            case .lateUnlisted:
                return Finding(.warning, .lateUnlisted, source: .dossiers, file: file, line: Int(c.ref.line),
                               column: "dossier_id", value: id, dossierID: id, unitCode: unit,
                               message: "Hồ sơ trễ hạn nhưng không có trong danh sách hồ sơ trễ hạn")
            case .postalChannelMismatch:
                return Finding(.warning, .postalChannelMismatch, source: .postal, file: file, line: Int(c.ref.line),
                               column: "dossier_id", value: id, dossierID: id, unitCode: unit,
                               message: "Có lượt BCCI tiếp nhận hồ sơ nhưng kênh nộp của hồ sơ không phải BCCI")
            }
        }
    }
}
