import Foundation

/// One stage of the plan: run or skip, and why.
public struct PlannedStage: Sendable {
    /// The stage planned.
    public let stage: Stage
    /// Whether it runs (false: up to date, skipped).
    public let run: Bool
    /// Why, in Vietnamese, as `--dry-run` and `--verbose` print it.
    public let reason: String
    let fingerprint: Fingerprint
    /// The last successful run, if any.
    public let previous: StageState?

    /// The same plan with the fingerprint it could not have before its inputs were hashed.
    func with(_ fingerprint: Fingerprint) -> PlannedStage {
        PlannedStage(stage: stage, run: run, reason: reason, fingerprint: fingerprint, previous: previous)
    }
}

/// A stage's line in the log.
public struct StageReport: Sendable {
    /// The stage finished.
    public let stage: Stage
    let fingerprint: String
    /// Whether it ran (false: skipped as up to date).
    public let ran: Bool
    /// Why it ran, or why it was skipped.
    public let reason: String
    /// Wall time of the stage (for ingest, of the whole ingest pass).
    public let seconds: Double
    /// Rows it read or wrote; for a skipped stage, those of its last run.
    public let rows: Int?
    /// Bytes of input read (ingest stages), for the terminal's MB/s.
    public let bytes: Int?
}

/// Runs a pipeline as a graph of stages over the warehouse: plans from fingerprints, skips what is up to
/// date, runs the rest, each stage committing in one transaction (SPEC 7.2, 8).
public final class StageRunner {
    let config: PipelineConfig
    let options: StageOptions
    let warehouse: Warehouse
    let graph: StageGraph
    let key: PeriodKey
    /// The period and `as_of` this run computes.
    public let dates: RunDates
    let sections: PipelineSections
    /// Called once per finished stage (ran or skipped).
    public var onStage: (StageReport) -> Void = { _ in }

    // What this run computed, so later stages need not reload it.
    var registry: UnitRegistry?
    /// The crosswalk of this run's ingest (the outer optional: not loaded yet).
    var crosswalk: Crosswalk??
    var reorganizationCache: Reorganization?
    /// Per reporting unit's registry row, its ancestors in the compare_to period (SPEC 10.4).
    var ancestors: [Int: [Int]]?
    var references: [SourceKind: ReferenceTable]?
    var ingest: IngestResult?
    var table: IndicatorTable?
    var scores: [String: [UnitScore]] = [:]
    var decisions: [String: [AwardDecision]] = [:]
    /// Findings each stage of this run committed, as the warehouse holds them (see `periodFindings`).
    var storedFindings: [Stage: [Finding]] = [:]
    /// Normalize's result, computed from this run's ingest while the ingest committed (see `normalizeAhead`).
    var normalized: Ahead<NormalizedParts?>?
    /// The SHA-256 of each chunk of this run's dossier state, once its ingest saved it (nil: not saved).
    var stateHashes: [Int: String]?
    /// Normalize's stored tables per chunk, as this run's ingest read them.
    var storedIndicatorParts: [Int: Warehouse.StoredIndicatorPart]?
    /// The period's findings once assembled or loaded.
    var periodFindingsCache: [Finding]?
    /// The stages this run runs (not skipped as up to date).
    var willRun: Set<Stage> = []
    /// The report's workbook, started with normalize (``EarlyWorkbookPlan``) or once normalize had its table
    /// (``startWorkbookEarly(normalizeFindings:)``), with what it was built from.
    var earlyWorkbook: EarlyWorkbook?
    var fileHashes: [String: (sha256: String, size: Int)] = [:]
    /// Size, mtime and inode of each file when it was hashed.
    var fileStamps: [String: [Int64]] = [:]
    /// A lone big dossier file's line ends before its cut, counted while the inputs were hashed (see
    /// ``Ingestor/knownLines``).
    var lineCounts: [String: (cut: Int, line: Int)] = [:]
    /// Let a run that plans every stage whatever its inputs (the period's first, or `--force`) hash its
    /// exports while it reads them rather than before (``DeferredHashes``). The plan's fingerprints are then
    /// placeholders until the ingest has read the exports; `chiso run` sets it, `--dry-run` and `status` do not.
    public var deferInputHashes = false
    /// The exports being hashed in the background, until the ingest asks for them.
    var pendingHashes: DeferredHashes?
    /// Set once the planning deferred the exports' hashes (the fingerprints made again later do not).
    var hashesDeferred = false
    /// What the plan's fingerprints were made of (see ``fingerprints(of:)``).
    var plannedInputs = PlannedInputs()
    /// Every stage's fingerprint once the deferred hashes came in (nil: the plan's are the run's).
    var resolvedFingerprints: [Stage: Fingerprint]?

    /// A runner over `warehouse`; checks `as_of` against the period. Plans nothing until `plan()`.
    public init(config: PipelineConfig, sections: PipelineSections, options: StageOptions, warehouse: Warehouse) throws {
        if StageRunner.tracing { _ = StageRunner.traceStart }  // the trace clock starts with the run
        self.config = config
        self.options = options
        self.warehouse = warehouse
        graph = StageGraph(config: config)
        key = PeriodKey(pipeline: config.pipeline, period: config.period.key)
        guard let dates = RunDates(period: config.period, asOf: options.asOf) else {
            throw ConfigError(file: "--as-of", "ngày as_of trước ngày bắt đầu kỳ (\(PortalDate.iso(config.period.from)))")
        }
        self.dates = dates
        self.sections = sections
    }

    /// `OUT/PIPELINE/PERIOD`.
    public var outputDirectory: String { options.outputDirectory(config) }

    // MARK: Running

    /// Runs the plan. Throws ``ConfigError``/``ConfigErrors`` (exit 2); a data failure returns exit 1.
    public func run(_ plan: [PlannedStage]) throws -> RunResult {
        trace("run begins")
        defer { pendingHashes?.cancel() }  // a run that ends before its ingest asked for them
        OutputFolder.cleanLeftovers(target: outputDirectory)
        let runID = try warehouse.beginRun(key, asOf: PortalDate.iso(dates.asOf), pipelineSHA: config.sha256,
                                           command: options.command, outDirectory: options.outDirectory,
                                           headerStyle: options.headerStyle.rawValue)
        defer {
            warehouse.settle()  // the run ends with its writes copied into the warehouse file
            OutputFolder.waitForRemovals()  // and the output folder it replaced removed
            trace("warehouse settled")
        }
        do {
            let result = try execute(plan, runID: runID)
            trace("stages done")
            if result.exit == .success {
                try warehouse.write { db in try Warehouse.saveSnapshot(db, key, asOf: PortalDate.iso(dates.asOf), run: runID) }
            }
            try warehouse.finishRun(runID, status: result.exit == .success ? "ok" : "failed", exitCode: result.exit.rawValue,
                                    message: result.exit == .success ? nil : "dữ liệu đầu vào lỗi")
            trace("run recorded")
            return result
        } catch let error where warehouse.environmentError(error) != nil {
            let environment = warehouse.environmentError(error)!
            try? warehouse.finishRun(runID, status: "failed", exitCode: RunExit.environment.rawValue, message: environment.description)
            throw environment
        } catch let error as OutputError {
            try? warehouse.finishRun(runID, status: "failed", exitCode: RunExit.environment.rawValue, message: error.description)
            throw error
        } catch {
            try? warehouse.finishRun(runID, status: "failed", exitCode: RunExit.configError.rawValue, message: "\(error)")
            throw error
        }
    }

    func execute(_ planned: [PlannedStage], runID: Int64) throws -> RunResult {
        var plan = planned
        let started = Date()
        var reports: [StageReport] = []
        willRun = Set(planned.filter(\.run).map(\.stage))
        // A workbook started early and not taken (a stage after it failed) finishes, and removes its
        // temporary files, before the run returns.
        defer {
            if let early = earlyWorkbook { early.finish(); earlyWorkbook = nil }
            if let ahead = normalized?.take(), let early = ahead?.early { early.finish() }  // started with normalize, never taken
            normalized = nil
        }
        func record(_ p: PlannedStage, seconds: Double, rows: Int?, bytes: Int? = nil) throws {
            let r = StageReport(stage: p.stage, fingerprint: p.fingerprint.value, ran: p.run, reason: p.reason, seconds: seconds, rows: rows, bytes: bytes)
            reports.append(r)
            try warehouse.recordStage(run: runID, stage: p.stage.rawValue, status: p.run ? "ran" : "skipped", reason: p.reason,
                                      seconds: p.run ? seconds : nil, fingerprint: p.fingerprint.value, rows: rows)
            onStage(r)
        }
        // The ingest pass: every source first, then one transaction, so that a failed file changes nothing.
        var ingestPlan = plan.filter { if case .ingestPass = StageRunner.stageTable[$0.stage]!.runner { return true } else { return false } }
        if ingestPlan.contains(where: \.run) {
            let t0 = Date()
            let outcome = try runIngest(ingestPlan, runID: runID)
            if let prints = resolvedFingerprints {  // the exports were hashed during the ingest
                plan = plan.map { $0.with(prints[$0.stage]!) }
                ingestPlan = ingestPlan.map { $0.with(prints[$0.stage]!) }
            }
            if outcome.failed {
                let dir = outputDirectory
                let output = AtomicOutput()
                try output.stage(Reports.findings(outcome.findings, style: options.headerStyle).bytes, to: dir + "/loi/chat-luong-du-lieu.csv")
                try output.commit()
                for p in ingestPlan where p.run { try warehouse.recordStage(run: runID, stage: p.stage.rawValue, status: "failed",
                                                                             reason: p.reason, seconds: nil, fingerprint: nil, rows: nil) }
                return RunResult(exit: .dataError, outputDirectory: dir, files: outcome.files, findings: outcome.findings,
                                 stages: [], written: [dir + "/loi/chat-luong-du-lieu.csv"])
            }
            let seconds = Date().timeIntervalSince(t0)
            for p in ingestPlan {
                let files = outcome.files.filter { p.stage.reads($0.source) }
                try record(p, seconds: p.run ? seconds : 0, rows: p.run ? files.reduce(0) { $0 + $1.rows } : p.previous?.rows,
                           bytes: p.run ? files.reduce(0) { $0 + $1.size } : nil)
            }
        } else {
            for p in ingestPlan { try record(p, seconds: 0, rows: p.previous?.rows) }
        }

        let byStage = Dictionary(uniqueKeysWithValues: plan.map { ($0.stage, $0) })
        // Every other stage on its own, in graph order, as the stage table says.
        var written: [String] = []
        for stage in graph.stages where !stage.isIngest {
            let p = byStage[stage]!
            guard p.run, case let .alone(run) = StageRunner.stageTable[stage]!.runner else {
                try record(p, seconds: 0, rows: p.previous?.rows)
                continue
            }
            let t0 = Date()
            let outcome = try run(self, p, runID, ExecutionSoFar(started: started, reports: reports))
            written += outcome.written
            try record(p, seconds: Date().timeIntervalSince(t0), rows: outcome.rows)
        }
        return RunResult(exit: .success, outputDirectory: outputDirectory, files: try allFiles(), findings: try periodFindings(),
                         stages: [], written: written)
    }

    struct IngestOutcome {
        var files: [FileReport]
        var findings: [Finding]
        var failed: Bool
    }

    /// Every registry row (dossiers are resolved to these).
    /// `CHISO_TRACE=1` prints the ingest's phases on stderr (for profiling).
    static let tracing = ProcessInfo.processInfo.environment["CHISO_TRACE"] == "1"
    /// When the process began tracing (the first use of the clock): every trace line's time counts from it.
    static let traceStart = Date()
    /// Starts the trace's clock (the command line calls it first, so that trace times count from the
    /// process's start).
    public static func startTraceClock() { _ = traceStart }
    /// A timing line without the run's clock (from the writer thread).
    public static func trace(_ what: String) {
        guard tracing else { return }
        FileHandle.standardError.write(Data("trace \(String(format: "%.3f", Date().timeIntervalSince(traceStart))) \(what)\n".utf8))
    }

    func trace(_ what: String) {
        guard StageRunner.tracing else { return }
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS") }.map(String.init) ?? ""
        FileHandle.standardError.write(Data("trace \(String(format: "%.3f", Date().timeIntervalSince(StageRunner.traceStart))) \(what) \(rss)\n".utf8))
    }
}
