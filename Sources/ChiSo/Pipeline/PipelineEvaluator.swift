import Foundation

/// How a run ended, as the command line reports it (SPEC 8 exit codes).
public enum RunExit: Int32, Sendable {
    case success = 0
    /// An input file failed (SPEC 2.1): a defect in the data.
    case dataError = 1
    /// Usage or configuration error.
    case configError = 2
    /// The machine stopped the run: disk full, a corrupt warehouse, an output path taken (EX_IOERR).
    case environment = 74
    /// Another run holds the warehouse lock.
    case locked = 75
}

/// The result of a run: what happened, for the command line to print.
public struct RunResult: Sendable {
    /// How the run ended (the process exit code).
    public var exit: RunExit
    /// Folder the outputs were written to.
    public var outputDirectory: String
    /// Every input file as read (for the failed-files summary on stderr).
    public var files: [FileReport]
    /// Every finding of the run, for the terminal summary.
    public var findings: [Finding]
    var stages: [Manifest.Stage]
    /// The files written under `--out` (or the findings file of a failed run).
    public var written: [String]
}

/// Everything a run computed, before anything is written.
public struct Evaluation: Sendable {
    let config: PipelineConfig
    /// The period and `as_of` the figures were computed for.
    public let dates: RunDates
    /// The reporting units (SPEC 10.1), which the table, scores and decisions are keyed by.
    public let registry: UnitRegistry
    /// Every registry row and how it carries forward (SPEC 10.3).
    public let reorganization: Reorganization
    /// References keyed by reporting unit.
    public let references: [SourceKind: ReferenceTable]
    /// The dossiers and files as ingested (for `explain` to cite lines).
    public var ingest: IngestResult
    var table: IndicatorTable
    /// Per reporting unit's registry row, its ancestors in the compare_to period (SPEC 10.4).
    public var ancestors: [Int: [Int]] = [:]
    /// Per index key, one score per registry unit.
    public var scores: [String: [UnitScore]]
    /// Per award key, the decisions in output order.
    public var decisions: [String: [AwardDecision]]
    /// Every finding, ingest to awards.
    public var findings: [Finding]
    var stages: [Manifest.Stage]

    /// Every input file read: registry, references, exports.
    public var files: [FileReport] {
        [registry.file] + (reorganization.crosswalk.file.map { [$0] } ?? [])
            + references.keys.sorted().compactMap { references[$0]?.file } + ingest.files
    }
}

/// Times stages for the manifest and the log.
struct StageClock {
    var stages: [Manifest.Stage] = []

    mutating func time<T>(_ name: String, rows: ((T) -> Int)? = nil, _ body: () throws -> T) rethrows -> T {
        let t0 = Date()
        let value = try body()
        stages.append(Manifest.Stage(name: name, status: "ok", seconds: (Date().timeIntervalSince(t0) * 1000).rounded() / 1000,
                                     fingerprint: "", rows: rows?(value)))
        return value
    }
}

/// Evaluates a pipeline in memory straight from its exports, writing nothing and needing no warehouse:
/// what `chiso explain` shows. `chiso run` goes through ``StageRunner``, which shares these helpers.
public struct PipelineEvaluator {
    let config: PipelineConfig
    let options: StageOptions

    /// An evaluator of `config` with `options` (`as_of`, header style); reads files only when `evaluate` runs.
    public init(config: PipelineConfig, options: StageOptions) {
        self.config = config
        self.options = options
    }

    /// `OUT/PIPELINE/PERIOD`.
    public var outputDirectory: String {
        options.outputDirectory(config)
    }

    /// Reads and computes everything in memory, writing nothing (what `explain` shows).
    /// - Parameter compared: the compare_to period as a warehouse holds it, if any.
    /// - Throws: ``ConfigError``/``ConfigErrors`` for exit-2 problems.
    public func evaluate(compared: ComparedPeriod? = nil) throws -> Evaluation {
        guard let dates = RunDates(period: config.period, asOf: options.asOf) else {
            throw ConfigError(file: "--as-of", "ngày as_of trước ngày bắt đầu kỳ (\(PortalDate.iso(config.period.from)))")
        }
        var clock = StageClock()
        let registry = try clock.time("ingest.units", rows: { $0.units.count }) { try UnitRegistry.load(config: config) }
        let reorganization = Reorganization(registry: registry, crosswalk: try Crosswalk.load(config: config, registry: registry),
                                            lineageConfigured: config.sources.lineage != nil)
        var findings: [Finding] = []
        let references = try clock.time("ingest.references", rows: { $0.values.reduce(0) { $0 + ($1.file?.rows ?? 0) } }) {
            try PipelineEvaluator.loadReferences(config: config, registry: registry, findings: &findings)
        }
        let scoring = reorganization.reporting
        let reportingReferences = references.compactMapValues { reorganization.reportingTable($0) }
        let ingestor = Ingestor(config: config, registry: registry)
        _ = try ingestor.sourceFiles()  // configuration errors (empty globs) before reading anything
        let ingest = try clock.time("ingest", rows: { $0.files.reduce(0) { $0 + $1.rows } }) { try ingestor.run() }
        findings += ingest.findings
        var evaluation = Evaluation(config: config, dates: dates, registry: scoring, reorganization: reorganization,
                                    references: reportingReferences, ingest: ingest, table: IndicatorTable(rows: [], warnings: []), scores: [:],
                                    decisions: [:], findings: findings, stages: [])
        if ingest.failed {
            evaluation.stages = clock.stages
            return evaluation
        }
        let normalized = clock.time("normalize", rows: { (_: ComputingStages.Normalized) in ingest.store.dossiers.count }) {
            ComputingStages.normalize(ingest, registry: registry, reorganization: reorganization, dates: dates,
                                      checkLateList: ingest.configured.contains(.late), registryFile: registry.file.file)
        }
        evaluation.table = normalized.table
        evaluation.findings += normalized.findings
        let facts = UnitFacts(indicators: normalized.table.rows, targets: reportingReferences[.targets],
                              external: reportingReferences[.external])
        let scored = clock.time("indices", rows: { (_: ComputingStages.Scored) in config.indices.count * scoring.units.count }) {
            ComputingStages.indices(config: config, reorganization: reorganization, facts: facts, compared: compared)
        }
        evaluation.ancestors = scored.ancestors
        evaluation.scores = scored.scores
        evaluation.findings += scored.findings
        evaluation.decisions = clock.time("awards", rows: { (d: [String: [AwardDecision]]) in d.values.reduce(0) { $0 + $1.count } }) {
            ComputingStages.awards(config: config, units: scoring.units, facts: facts) { scored.scores[$0.key]! }
        }
        evaluation.stages = clock.stages
        return evaluation
    }

    /// Reads `targets` and `external` (or only `only`) and checks that they have every key the pipeline uses.
    public static func loadReferences(config: PipelineConfig, registry: UnitRegistry, findings: inout [Finding],
                                      only: SourceKind? = nil) throws -> [SourceKind: ReferenceTable] {
        var references: [SourceKind: ReferenceTable] = [:]
        let used = config.referenceKeys()
        for (kind, path) in [(SourceKind.targets, config.sources.targets), (.external, config.sources.external)] {
            guard let path, only == nil || only == kind else { continue }
            let table = try ReferenceTable.load(kind: kind, relativePath: path, config: config, registry: registry,
                                                findings: &findings)
            try table.requireKeys(used[kind] ?? [], of: kind, config: config)
            references[kind] = table
        }
        return references
    }
}
