import ChiSoCore
import Foundation

/// What the report's workbook needs besides normalize's result, gathered on the run's thread while it may
/// still read the warehouse, so that the workbook can be started from any thread the moment normalize's
/// table exists: on a night, on the core that computed normalize while the ingest was still committing.
/// The workbook is the report's longest output (about 0.18 s of libxlsxwriter and zlib on a 5M night), so
/// it decides when the run ends.
struct EarlyWorkbookPlan: Sendable {
    let config: PipelineConfig
    let reorganization: Reorganization
    let asOf: Day
    /// The `targets` and `external` tables the indices and awards will read.
    let references: [SourceKind: ReferenceTable]
    /// The ranks of the `compare_to` period, when the pipeline has one.
    let compared: ComparedPeriod?
    /// The stages whose findings the report shows, in the graph's order.
    let producers: [Stage]
    /// The findings of the ingest stages this run runs, per stage, as they will be committed (set once
    /// the ingest has read every file).
    var ingestFindings: [Stage: [Finding]]
    /// The findings of the producers this run does not run (nor normalize nor indices), as the warehouse
    /// holds them.
    let earlierFindings: [Finding]
    let outputDirectory: String

    /// The workbook's inputs over normalize's `table` and `findings`: the indices and the awards computed
    /// as their stages will compute them, the tables and the findings as the report will build them.
    func inputs(table: IndicatorTable, normalizeFindings: [Finding]) -> WorkbookInputs {
        let registry = reorganization.reporting
        let facts = UnitFacts(indicators: table.rows, targets: reorganization.reportingTable(references[.targets]),
                              external: reorganization.reportingTable(references[.external]))
        let scored = ComputingStages.indices(config: config, reorganization: reorganization, facts: facts, compared: compared)
        let scores = { (index: IndexConfig) in scored.scores[index.key] ?? [] }
        let decided = ComputingStages.awards(config: config, units: registry.units, facts: facts, scores: scores)
        let sheets = StageRunner.reportSheets(config: config, reorganization: reorganization, rows: table.rows,
                                              inPeriod: { table.inPeriodByRow }, external: references[.external],
                                              decisions: decided, scores: scores, ancestors: { scored.ancestors })
            .map { (name: $0.sheet, table: $0.build(.vi)) }
        let held = ingestFindings.merging([.normalize: normalizeFindings, .indices: scored.findings]) { $1 }
        let findings = StageRunner.assembleFindings(producers: producers, held: held) { _ in earlierFindings }
        return WorkbookInputs(config: config, asOf: asOf, sheets: sheets, findings: Reports.sortedFindings(findings),
                              overview: Overview.table(config: config, asOf: asOf, registry: registry, decisions: decided))
    }

    /// Starts the workbook on another core, in the report's staging folder made now (its temporary files
    /// where the report's own go; a run that dies leaves it to the next run's clean-up, one that fails
    /// removes it when the folder goes).
    /// - Throws: ``OutputError`` when the staging folder cannot be made (the report meets it again).
    func start(table: IndicatorTable, normalizeFindings: [Finding]) throws -> EarlyWorkbook {
        let inputs = inputs(table: table, normalizeFindings: normalizeFindings)
        let output = try OutputFolder(target: outputDirectory)
        return EarlyWorkbook(inputs: inputs, bytes: inputs.start(besides: output.staging + "/bao-cao.xlsx"), output: output)
    }
}

/// A workbook started before the report stage, with what it is built from and the folder it is built in.
/// Handed once from the thread that started it to the run's thread (through ``Ahead``), which alone uses
/// the folder from then on.
struct EarlyWorkbook: @unchecked Sendable {
    let inputs: WorkbookInputs
    let bytes: Ahead<Result<[UInt8], any Error>>
    let output: OutputFolder

    /// Waits for the workbook's writer: its temporary files are closed before the folder can go.
    func finish() { _ = bytes.take() }
}
