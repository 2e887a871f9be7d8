import Foundation

/// One row of the stage table (SPEC 8): what a stage's fingerprint is made of beside its upstream
/// stages' fingerprints and the tool version, which warehouse tables it writes, and how it runs.
/// `fingerprints()` and `execute` loop over the table; adding a stage is a row here and the file that
/// runs it.
struct StageDefinition: Sendable {
    /// How a stage runs.
    enum Runner: Sendable {
        /// With every other ingest stage: all sources read, then one transaction (a failed file changes nothing).
        case ingestPass
        /// On its own, in its own transaction; returns what it did.
        case alone(@Sendable (StageRunner, PlannedStage, _ runID: Int64, StageRunner.ExecutionSoFar) throws -> StageOutcome)
    }

    let stage: Stage
    /// The warehouse tables the stage replaces for its period (documentation, and the README's stage table).
    let writes: [String]
    /// The named inputs of its fingerprint (files are hashed by `fingerprints()` for the ingest stages).
    let inputs: @Sendable (StageRunner) throws -> [String: String]
    let runner: Runner
}

/// What a stage that ran did: rows (or files) made, and the files it wrote under `--out`.
struct StageOutcome {
    var rows: Int
    var written: [String] = []
}

extension StageRunner {
    /// What `execute` has done before a stage runs (the report lists the stages before it).
    struct ExecutionSoFar {
        let started: Date
        let reports: [StageReport]
    }

    /// The stage table, one row per stage of `Stage.allCases`.
    static let stageTable: [Stage: StageDefinition] = {
        let rows = [
            StageDefinition(stage: .ingestUnits, writes: ["units", "lineage", "source_files", "findings"],
                            inputs: { $0.ingestInputs(.ingestUnits) }, runner: .ingestPass),
            StageDefinition(stage: .ingestTargets, writes: ["reference_keys", "reference_values", "source_files", "findings"],
                            inputs: { $0.ingestInputs(.ingestTargets) }, runner: .ingestPass),
            StageDefinition(stage: .ingestExternal, writes: ["reference_keys", "reference_values", "source_files", "findings"],
                            inputs: { $0.ingestInputs(.ingestExternal) }, runner: .ingestPass),
            StageDefinition(stage: .ingestDossiers, writes: ["periods", "dossiers", "dossier_snapshot", "source_files", "findings"],
                            inputs: { $0.ingestInputs(.ingestDossiers) }, runner: .ingestPass),
            StageDefinition(stage: .ingestLate, writes: ["late_rows", "dossier_snapshot", "source_files", "findings"],
                            inputs: { $0.ingestInputs(.ingestLate) }, runner: .ingestPass),
            StageDefinition(stage: .ingestPostal, writes: ["postal_rows", "dossier_snapshot", "source_files", "findings"],
                            inputs: { $0.ingestInputs(.ingestPostal) }, runner: .ingestPass),
            StageDefinition(stage: .ingestDigitized, writes: ["digitized_rows", "dossier_snapshot", "source_files", "findings"],
                            inputs: { $0.ingestInputs(.ingestDigitized) }, runner: .ingestPass),
            StageDefinition(stage: .normalize, writes: ["indicators", "unit_attribution", "findings"],
                            inputs: { r in ["period": r.periodBounds, "as_of": PortalDate.iso(r.dates.asOf)] },
                            runner: .alone { r, p, run, _ in StageOutcome(rows: try r.runNormalize(p, run)) }),
            StageDefinition(stage: .indices, writes: ["index_scores", "component_scores", "unit_ancestors", "findings"],
                            inputs: { try $0.indicesInputs() },
                            runner: .alone { r, p, run, _ in StageOutcome(rows: try r.runIndices(p, run)) }),
            StageDefinition(stage: .awards, writes: ["award_decisions"],
                            inputs: { r in ["awards": r.sections["awards"], "indices": r.sections["indices"], "tiers": r.sections["tiers"]] },
                            runner: .alone { r, p, run, _ in StageOutcome(rows: try r.runAwards(p, run)) }),
            StageDefinition(stage: .report, writes: ["report_outputs"],
                            inputs: { r in ["header_style": r.options.headerStyle.rawValue, "out": r.outputDirectory,
                                            "title": r.sections["title"]] },
                            runner: .alone { r, p, run, soFar in
                                let written = try r.runReport(p, run, started: soFar.started, reports: soFar.reports)
                                return StageOutcome(rows: written.count, written: written)
                            }),
        ]
        precondition(rows.map(\.stage) == Stage.allCases, "the stage table lists every stage once, in order")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.stage, $0) })
    }()

    /// `from..to` of the period, as the registry's reporting units and normalize depend on it.
    var periodBounds: String { "\(PortalDate.iso(dates.from))..\(PortalDate.iso(dates.to))" }

    /// The pipeline-file sections an ingest stage reads (its files are hashed separately).
    func ingestInputs(_ stage: Stage) -> [String: String] {
        let source = stage.source!.rawValue
        var inputs = ["sources.\(source)": sections["sources.\(source)"], "sources.delimiter": sections["sources.delimiter"]]
        if stage == .ingestUnits {
            inputs["tiers"] = sections["tiers"]
            // Reporting units are the rows active on the period's last day (SPEC 10.1).
            inputs["period"] = periodBounds
            if config.sources.lineage != nil { inputs["sources.lineage"] = sections["sources.lineage"] }
        }
        if ![.ingestUnits, .ingestTargets, .ingestExternal].contains(stage) {
            inputs["sources.max_bad_row_ratio"] = sections["sources.max_bad_row_ratio"]
        }
        if stage != .ingestTargets && stage != .ingestExternal {
            inputs["sources.aliases.\(source)"] = sections["sources.aliases.\(source)"]
        }
        return inputs
    }

    /// The indices' sections, and with `compare_to` the compared period's end and ranks (SPEC 10.4).
    func indicesInputs() throws -> [String: String] {
        var inputs = ["indices": sections["indices"], "tiers": sections["tiers"]]
        if let previous = config.compareTo {
            inputs["compare_to"] = previous
            let compared = try comparedPeriod(previous)
            if let end = compared.end { inputs["compare_to end"] = PortalDate.iso(end) }
            for index in config.indices {
                let ranks = compared.ranks[index.key] ?? [:]
                inputs["prev_rank \(index.key)"] = Hashing.sha256(ranks.keys.sorted().map { "\($0)=\(ranks[$0]!.rank)@\(ranks[$0]!.tier)" }.joined(separator: ","))
            }
        }
        return inputs
    }
}
