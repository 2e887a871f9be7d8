import Foundation
import GRDB
import Yams

/// Options of `chiso run` that control stages (SPEC 8).
public struct StageOptions: Sendable {
    public var asOf: Day?
    public var outDirectory = "out"
    public var headerStyle = HeaderStyle.vi
    /// Rerun stages even when up to date.
    public var force = false
    /// `--stage`: run only these, from the persisted upstream.
    public var only: [String]?
    /// `--from`: run this stage and everything downstream.
    public var from: String?
    public var command = "chiso run"

    public init() {}
}

/// One stage of the plan: run or skip, and why.
public struct PlannedStage: Sendable {
    public let stage: Stage
    public let run: Bool
    public let reason: String
    public let fingerprint: Fingerprint
    /// The last successful run, if any.
    public let previous: StageState?
}

/// A stage's line in the log.
public struct StageReport: Sendable {
    public let stage: Stage
    public let fingerprint: String
    public let ran: Bool
    public let reason: String
    public let seconds: Double
    public let rows: Int?
    public let bytes: Int?
}

/// Runs a pipeline as a graph of stages over the warehouse: plans from fingerprints, skips what is up to
/// date, runs the rest, each stage committing in one transaction (SPEC 7.2, 8).
public final class StageRunner {
    public let config: PipelineConfig
    public let options: StageOptions
    public let warehouse: Warehouse
    public let graph: StageGraph
    public let key: PeriodKey
    public let dates: RunDates
    let sections: PipelineSections
    /// Called once per finished stage (ran or skipped).
    public var onStage: (StageReport) -> Void = { _ in }

    // What this run computed, so later stages need not reload it.
    private var registry: UnitRegistry?
    /// The crosswalk of this run's ingest (the outer optional: not loaded yet).
    private var crosswalk: Crosswalk??
    private var reorganizationCache: Reorganization?
    /// Per reporting unit's registry row, its ancestors in the compare_to period (SPEC 10.4).
    private var ancestors: [Int: [Int]]?
    private var references: [SourceKind: ReferenceTable]?
    private var ingest: IngestResult?
    private var table: IndicatorTable?
    private var scores: [String: [UnitScore]] = [:]
    private var decisions: [String: [AwardDecision]] = [:]
    private var fileHashes: [String: (sha256: String, size: Int)] = [:]
    /// Size, mtime and inode of each file when it was hashed.
    private var fileStamps: [String: [Int64]] = [:]

    public init(config: PipelineConfig, root: Node, options: StageOptions, warehouse: Warehouse) throws {
        self.config = config
        self.options = options
        self.warehouse = warehouse
        graph = StageGraph(config: config)
        key = PeriodKey(pipeline: config.pipeline, period: config.period.key)
        guard let dates = RunDates(period: config.period, asOf: options.asOf) else {
            throw ConfigError(file: "--as-of", "ngày as_of trước ngày bắt đầu kỳ (\(PortalDate.iso(config.period.from)))")
        }
        self.dates = dates
        sections = PipelineSections(root: root)
    }

    /// `OUT/PIPELINE/PERIOD`.
    public var outputDirectory: String { options.outDirectory + "/" + config.pipeline + "/" + config.period.key }

    // MARK: Planning

    private func hash(_ path: String) throws -> (sha256: String, size: Int) {
        if let h = fileHashes[path] { return h }
        fileStamps[path] = try Warehouse.fileStamp(path)
        let h = try warehouse.fileHash(path)
        fileHashes[path] = h
        return h
    }

    private func sourceFiles(_ stage: Stage) throws -> [String] {
        switch stage {
        case .ingestUnits: return [config.resolve(config.sources.units)] + (config.sources.lineage.map { [config.resolve($0)] } ?? [])
        case .ingestTargets: return [config.resolve(config.sources.targets!)]
        case .ingestExternal: return [config.resolve(config.sources.external!)]
        default:
            return try config.exportFiles().first { $0.0 == stage.source }?.1 ?? []
        }
    }

    /// The named inputs of each stage, upstream fingerprints included.
    public func fingerprints() throws -> [Stage: Fingerprint] {
        // Hash every input file first, the new ones on both cores.
        var paths: [String] = []
        for stage in graph.stages where stage.isIngest {
            for path in try sourceFiles(stage) {
                let kind = config.sources.lineage.map(config.resolve) == path ? SourceKind.lineage : stage.source!
                guard FileManager.default.fileExists(atPath: path) else { throw config.missingFile(kind, resolved: path) }
                try config.requireRegularFile(kind, path)  // before hashing: /dev/zero would never end
                try checkOutsideOutput(kind, path)
                if fileHashes[path] == nil { paths.append(path) }
            }
        }
        for path in paths { fileStamps[path] = try Warehouse.fileStamp(path) }
        for (path, h) in try warehouse.fileHashes(paths) { fileHashes[path] = h }
        var out: [Stage: Fingerprint] = [:]
        for stage in graph.stages {
            var inputs: [String: String] = ["tool": ChiSoVersion.current]
            for up in graph.upstream(of: stage) { inputs["upstream \(up.rawValue)"] = out[up]!.value }
            switch stage {
            case .ingestUnits, .ingestTargets, .ingestExternal, .ingestDossiers, .ingestLate, .ingestPostal, .ingestDigitized:
                for path in try sourceFiles(stage) {
                    guard FileManager.default.fileExists(atPath: path) else {
                        throw config.missingFile(config.sources.lineage.map(config.resolve) == path ? .lineage : stage.source!, resolved: path)
                    }
                    inputs["file \(config.display(path))"] = try hash(path).sha256
                }
                let source = stage.source!.rawValue
                inputs["sources.\(source)"] = sections["sources.\(source)"]
                inputs["sources.delimiter"] = sections["sources.delimiter"]
                if stage == .ingestUnits {
                    inputs["tiers"] = sections["tiers"]
                    // Reporting units are the rows active on the period's last day (SPEC 10.1).
                    inputs["period"] = "\(PortalDate.iso(dates.from))..\(PortalDate.iso(dates.to))"
                    if config.sources.lineage != nil { inputs["sources.lineage"] = sections["sources.lineage"] }
                }
                if ![.ingestUnits, .ingestTargets, .ingestExternal].contains(stage) {
                    inputs["sources.max_bad_row_ratio"] = sections["sources.max_bad_row_ratio"]
                }
                if stage != .ingestTargets && stage != .ingestExternal {
                    inputs["sources.aliases.\(source)"] = sections["sources.aliases.\(source)"]
                }
            case .normalize:
                inputs["period"] = "\(PortalDate.iso(dates.from))..\(PortalDate.iso(dates.to))"
                inputs["as_of"] = PortalDate.iso(dates.asOf)
            case .indices:
                inputs["indices"] = sections["indices"]
                inputs["tiers"] = sections["tiers"]
                if let previous = config.compareTo {
                    inputs["compare_to"] = previous
                    let compared = try comparedPeriod(previous)
                    if let end = compared.end { inputs["compare_to end"] = PortalDate.iso(end) }
                    for index in config.indices {
                        let ranks = compared.ranks[index.key] ?? [:]
                        inputs["prev_rank \(index.key)"] = Hashing.sha256(ranks.keys.sorted().map { "\($0)=\(ranks[$0]!.rank)@\(ranks[$0]!.tier)" }.joined(separator: ","))
                    }
                }
            case .awards:
                inputs["awards"] = sections["awards"]
                inputs["indices"] = sections["indices"]
                inputs["tiers"] = sections["tiers"]
            case .report:
                inputs["header_style"] = options.headerStyle.rawValue
                inputs["out"] = outputDirectory
                inputs["title"] = sections["title"]
            }
            out[stage] = Fingerprint(inputs: inputs)
        }
        return out
    }

    /// An input inside the output folder would make every later run read its own outputs.
    /// - Throws: ``ConfigError`` at the source's place in the pipeline file.
    private func checkOutsideOutput(_ kind: SourceKind, _ path: String) throws {
        let out = RunLock.realPath(options.outDirectory)
        let input = RunLock.realPath(path)
        guard input.hasPrefix(out + "/") else { return }
        let mark = config.sources.marks[kind]
        throw ConfigError(file: config.path, line: mark?.line, column: mark?.column,
                          "sources.\(kind.rawValue): \(config.display(path)) nằm trong thư mục đầu ra \(out); đầu vào và đầu ra phải tách nhau (đổi mẫu đường dẫn hoặc --out)")
    }

    /// Decides, stage by stage, what runs and why.
    public func plan() throws -> [PlannedStage] {
        let prints = try fingerprints()
        let states = try warehouse.stageStates(key)
        var selected: Set<Stage>?
        if let only = options.only { selected = Set(try graph.resolve(only)) }
        if let from = options.from {
            guard let s = try graph.resolve([from]).first else { throw ConfigError(file: "--from", "không có giai đoạn '\(from)'") }
            selected = Set(graph.downstream(from: s))
        }
        if let selected {
            // Selected stages run from the persisted state of everything upstream of them.
            for stage in graph.stages where selected.contains(stage) {
                for up in graph.upstream(of: stage) where !selected.contains(up) && states[up.rawValue] == nil {
                    throw ConfigError(file: config.path, "giai đoạn \(stage.rawValue) cần kết quả của \(up.rawValue), nhưng kho dữ liệu \(warehouse.path) chưa có cho \(config.pipeline)/\(config.period.key); chạy 'chiso run \(config.path)' trước (hoặc thêm --stage \(up.rawValue))")
                }
            }
        }
        var planned: [PlannedStage] = []
        var running: Set<Stage> = []
        for stage in graph.stages {
            let fp = prints[stage]!
            let previous = states[stage.rawValue]
            var reason: String?
            if let selected {
                reason = selected.contains(stage) ? (options.from != nil ? "--from" : "--stage") : nil
            } else if options.force {
                reason = "--force"
            } else if let previous {
                if previous.fingerprint != fp.value {
                    let changed = fp.changes(since: previous.inputs)
                    let upstreamRuns = graph.upstream(of: stage).filter(running.contains)
                    reason = upstreamRuns.isEmpty || changed.contains(where: { !$0.hasPrefix("upstream ") })
                        ? "thay đổi: " + changed.map(describe).joined(separator: ", ")
                        : "giai đoạn trước chạy lại: " + upstreamRuns.map(\.rawValue).joined(separator: ", ")
                } else if stage == .report, let problem = try outputProblem() {
                    reason = problem
                }
            } else {
                reason = "chưa chạy lần nào"
            }
            if reason != nil { running.insert(stage) }
            planned.append(PlannedStage(stage: stage, run: reason != nil, reason: reason ?? "không đổi", fingerprint: fp,
                                        previous: previous))
        }
        return planned
    }

    private func describe(_ input: String) -> String {
        input.hasPrefix("upstream ") ? String(input.dropFirst(9)) : input
    }

    /// Why the report's files on disk are not those the last report wrote, if they are not: a file
    /// missing or changed since (its SHA-256 differs from the one recorded), or never recorded.
    func outputProblem() throws -> String? {
        let recorded = try warehouse.reportOutputs(key)
        if recorded.isEmpty { return "chưa ghi lại các tệp đầu ra" }
        for name in recorded.keys.sorted() {
            let path = outputDirectory + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { return "thiếu tệp đầu ra \(name)" }
            guard let hash = try? Hashing.sha256(file: path), hash == recorded[name] else { return "tệp đầu ra \(name) đã bị thay đổi" }
        }
        return nil
    }

    // MARK: Running

    /// Runs the plan. Throws ``ConfigError``/``ConfigErrors`` (exit 2); a data failure returns exit 1.
    public func run(_ plan: [PlannedStage]) throws -> RunResult {
        OutputFolder.cleanLeftovers(target: outputDirectory)
        let runID = try warehouse.beginRun(key, asOf: PortalDate.iso(dates.asOf), pipelineSHA: config.sha256,
                                           command: options.command, outDirectory: options.outDirectory,
                                           headerStyle: options.headerStyle.rawValue)
        do {
            let result = try execute(plan, runID: runID)
            if result.exit == .success {
                try warehouse.write { db in try Warehouse.saveSnapshot(db, key, asOf: PortalDate.iso(dates.asOf), run: runID) }
            }
            try warehouse.finishRun(runID, status: result.exit == .success ? "ok" : "failed", exitCode: result.exit.rawValue,
                                    message: result.exit == .success ? nil : "dữ liệu đầu vào lỗi")
            return result
        } catch let error as DatabaseError {
            let environment = Warehouse.environment(error, path: warehouse.path)
            try? warehouse.finishRun(runID, status: "failed", exitCode: RunExit.environment.rawValue, message: environment.description)
            throw environment
        } catch let error as EnvironmentError {
            try? warehouse.finishRun(runID, status: "failed", exitCode: RunExit.environment.rawValue, message: error.description)
            throw error
        } catch let error as OutputError {
            try? warehouse.finishRun(runID, status: "failed", exitCode: RunExit.environment.rawValue, message: error.description)
            throw error
        } catch {
            try? warehouse.finishRun(runID, status: "failed", exitCode: RunExit.configError.rawValue, message: "\(error)")
            throw error
        }
    }

    private func execute(_ plan: [PlannedStage], runID: Int64) throws -> RunResult {
        let started = Date()
        var reports: [StageReport] = []
        func record(_ p: PlannedStage, seconds: Double, rows: Int?, bytes: Int? = nil) throws {
            let r = StageReport(stage: p.stage, fingerprint: p.fingerprint.value, ran: p.run, reason: p.reason, seconds: seconds, rows: rows, bytes: bytes)
            reports.append(r)
            try warehouse.recordStage(run: runID, stage: p.stage.rawValue, status: p.run ? "ran" : "skipped", reason: p.reason,
                                      seconds: p.run ? seconds : nil, fingerprint: p.fingerprint.value, rows: rows)
            onStage(r)
        }
        let byStage = Dictionary(uniqueKeysWithValues: plan.map { ($0.stage, $0) })

        // Ingest: every source first, then one transaction, so that a failed file changes nothing.
        let ingestPlan = plan.filter { $0.stage.isIngest }
        if ingestPlan.contains(where: \.run) {
            let t0 = Date()
            let outcome = try runIngest(ingestPlan, runID: runID)
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

        for stage in [Stage.normalize, .indices, .awards] {
            let p = byStage[stage]!
            guard p.run else { try record(p, seconds: 0, rows: p.previous?.rows); continue }
            let t0 = Date()
            let rows: Int
            switch stage {
            case .normalize: rows = try runNormalize(p, runID)
            case .indices: rows = try runIndices(p, runID)
            default: rows = try runAwards(p, runID)
            }
            try record(p, seconds: Date().timeIntervalSince(t0), rows: rows)
        }

        let p = byStage[.report]!
        var written: [String] = []
        if p.run {
            let t0 = Date()
            written = try runReport(p, runID, started: started, reports: reports)
            try record(p, seconds: Date().timeIntervalSince(t0), rows: written.count)
        } else {
            try record(p, seconds: 0, rows: p.previous?.rows)
        }
        return RunResult(exit: .success, outputDirectory: outputDirectory, files: try allFiles(), findings: try warehouse.loadFindings(key),
                         stages: [], written: written)
    }

    private struct IngestOutcome {
        var files: [FileReport]
        var findings: [Finding]
        var failed: Bool
    }

    /// Every registry row (dossiers are resolved to these).
    private func units() throws -> UnitRegistry {
        if let registry { return registry }
        let r = try warehouse.loadUnits(key, reportingDay: config.period.to)
        registry = r
        return r
    }

    /// How rows carry forward to reporting units (SPEC 10.3), from this run's ingest or the warehouse.
    private func reorganization() throws -> Reorganization {
        if let reorganizationCache { return reorganizationCache }
        let walk: Crosswalk?
        if let crosswalk { walk = crosswalk } else { walk = try warehouse.loadLineage(key) }
        let r = Reorganization(registry: try units(), crosswalk: walk, lineageConfigured: config.sources.lineage != nil)
        reorganizationCache = r
        return r
    }

    /// The reporting units: what indices, awards and outputs are keyed by.
    private func scoringUnits() throws -> UnitRegistry { try reorganization().reporting }

    /// The compare_to period as the warehouse holds it: its last day and ranks with tiers.
    private func comparedPeriod(_ period: String) throws -> ComparedPeriod {
        try warehouse.comparedPeriod(pipeline: config.pipeline, period: period, indices: config.indices.map(\.key))
    }

    private func loadedReferences() throws -> [SourceKind: ReferenceTable] {
        if let references { return references }
        var out: [SourceKind: ReferenceTable] = [:]
        for kind in [SourceKind.targets, .external] where graph.stages.contains(kind == .targets ? .ingestTargets : .ingestExternal) {
            if let t = try warehouse.loadReference(key, kind, registry: try units()) { out[kind] = t }
        }
        references = out
        return out
    }

    /// `CHISO_TRACE=1` prints the ingest's phases on stderr (for profiling).
    private static let tracing = ProcessInfo.processInfo.environment["CHISO_TRACE"] == "1"
    private let traceStart = Date()
    private func trace(_ what: String) {
        guard StageRunner.tracing else { return }
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS") }.map(String.init) ?? ""
        FileHandle.standardError.write(Data("trace \(String(format: "%.3f", Date().timeIntervalSince(traceStart))) \(what) \(rss)\n".utf8))
    }

    private func runIngest(_ plan: [PlannedStage], runID: Int64) throws -> IngestOutcome {
        trace("ingest begins")
        let runs = Set(plan.filter(\.run).map(\.stage))
        var findings: [Finding] = []
        var newFiles: [FileReport] = []
        // The registry.
        let registry: UnitRegistry
        if runs.contains(.ingestUnits) {
            registry = try UnitRegistry.load(config: config)
            newFiles.append(registry.file)
            let walk = try Crosswalk.load(config: config, registry: registry)
            if let file = walk?.file { newFiles.append(file) }
            crosswalk = .some(walk)
            reorganizationCache = nil
        } else {
            registry = try units()
        }
        self.registry = registry
        // References, checked against the keys the pipeline uses.
        // The reference stages that do not run keep what the warehouse holds (a failure to read it is an error).
        var refs = runs.contains(.ingestTargets) || runs.contains(.ingestExternal) ? try loadedReferences() : [:]
        for kind in [SourceKind.targets, .external] {
            let stage: Stage = kind == .targets ? .ingestTargets : .ingestExternal
            guard runs.contains(stage) else { continue }
            let one = try PipelineEvaluator.loadReferences(config: config, registry: registry, findings: &findings, only: kind)
            refs[kind] = one[kind]
            if let f = one[kind]?.file { newFiles.append(f) }
        }
        references = refs
        try checkReferenceKeys(refs)
        // Exports: dossiers first; linked sources against the dossiers of this run or of the warehouse.
        var ingestor = Ingestor(config: config, registry: registry)
        ingestor.knownHashes = fileHashes.mapValues(\.sha256)
        var result = IngestResult()
        let exportStages: [Stage] = [.ingestDossiers, .ingestLate, .ingestPostal, .ingestDigitized].filter(graph.stages.contains)
        let linkedRuns = exportStages.filter { $0 != .ingestDossiers && runs.contains($0) }
        if runs.contains(.ingestDossiers) {
            // Portal exports run at about 250 bytes a row; reserve for rows of 150 so that the arrays never
            // grow by copying (which would briefly hold them twice).
            let bytes = try sourceFiles(.ingestDossiers).reduce(0) { $0 + (try hash($1).size) }
            ingestor.ingestDossierFiles(try sourceFiles(.ingestDossiers), into: &result,
                                        reserve: (bytes / 150 + 1024, bytes / 250 + 1024))
        } else if !linkedRuns.isEmpty {
            result.files = try warehouse.loadExportFiles(key)
            result.store = try warehouse.loadDossiers(key, registry: registry)
            for stage in linkedRuns { clearLinks(stage.source!, in: &result.store) }
        }
        let firstNew = runs.contains(.ingestDossiers) ? 0 : result.files.count
        trace("dossiers read: \(result.store.dossiers.count) dossiers (capacity \(result.store.dossiers.capacity)), ids \(result.store.ids.footprint)")
        let planned = Dictionary(uniqueKeysWithValues: plan.map { ($0.stage, $0) })
        let key = self.key
        let stages = graph.stages

        // With fresh dossiers, one core writes them to the warehouse while the other reads the linked
        // exports; the transaction commits only once everything is read and no file failed.
        let handoff = IngestHandoff()
        let writer: DispatchGroup? = runs.contains(.ingestDossiers) ? DispatchGroup() : nil
        if let writer {
            let dossiers = result.store.dossiers, ids = result.store.ids
            let warehouse = self.warehouse
            DispatchQueue.global().async(group: writer) {
                do {
                    try warehouse.write { db in
                        try Warehouse.saveDossiers(db, key, dossiers, ids: ids, registry: registry)
                        if StageRunner.tracing { FileHandle.standardError.write(Data("trace dossiers written\n".utf8)) }
                        handoff.ready.wait()
                        guard let rest = handoff.rest else { throw IngestHandoff.Abandoned() }
                        try rest(db)
                    }
                } catch is IngestHandoff.Abandoned {
                } catch {
                    handoff.error = error
                }
            }
        }
        var handedOff = false
        defer {
            // An error before the handoff (say, a glob matching nothing): the writer rolls back and ends.
            if let writer, !handedOff {
                handoff.rest = nil
                handoff.ready.signal()
                writer.wait()
            }
        }
        for stage in exportStages where stage != .ingestDossiers {
            result.configured.insert(stage.source!)
            guard runs.contains(stage) else { continue }
            for path in try sourceFiles(stage) { ingestor.ingestLinked(stage.source!, path, into: &result) }
        }
        trace("linked exports read")
        findings += result.findings
        newFiles += result.files[firstNew...]
        // The files were hashed before they were read: one that changed meanwhile would be recorded wrongly.
        for (path, stamp) in fileStamps where (try? Warehouse.fileStamp(path)) != stamp {
            let i = newFiles.firstIndex { $0.file == config.display(path) }
            findings.append(Finding(.error, .encoding, source: i.map { newFiles[$0].source } ?? .dossiers, file: config.display(path),
                                    line: nil, message: "Tệp thay đổi trong lúc đang đọc; chạy lại khi việc xuất dữ liệu đã xong"))
            if let i { newFiles[i].failed = true }
        }
        let failed = newFiles.contains(where: \.failed)
        ingest = failed ? nil : result
        let store = result.store
        let allFiles = result.files
        let exportIDs = Dictionary(grouping: allFiles.indices.filter { $0 >= firstNew }, by: { allFiles[$0].source })
        let ingestFindings = findings, files = newFiles
        let walk = crosswalk ?? nil
        let rest: (Database) throws -> Void = { db in
            for stage in stages where stage.isIngest && runs.contains(stage) {
                let source = stage.source!
                let stageFiles = files.filter { stage.reads($0.source) }
                switch stage {
                case .ingestUnits:
                    try Warehouse.saveUnits(db, key, registry)
                    try Warehouse.saveLineage(db, key, walk, registry: registry)
                case .ingestTargets, .ingestExternal:
                    if let table = refs[source] { try Warehouse.saveReference(db, key, source, table, registry: registry) }
                case .ingestDossiers: break  // written by the writer above
                default: try Warehouse.saveLinks(db, key, source, store)
                }
                try Warehouse.saveFiles(db, key, stage: stage.rawValue, stageFiles, ids: stage.isExport ? exportIDs[source] ?? [] : nil)
                try Warehouse.saveFindings(db, key, stage: stage.rawValue, ingestFindings.filter { $0.source == source })
                try Warehouse.saveStageState(db, key, stage: stage.rawValue, fingerprint: planned[stage]!.fingerprint, run: runID,
                                             rows: stageFiles.reduce(0) { $0 + $1.rows })
            }
        }
        if let writer {
            handoff.rest = failed ? nil : rest
            handedOff = true
            handoff.ready.signal()
            writer.wait()
            trace("ingest committed")
            if let error = handoff.error { throw error }
        } else if !failed {
            try warehouse.write(rest)
        }
        return IngestOutcome(files: newFiles, findings: findings, failed: failed)
    }

    /// Hands the rest of the ingest writes to the writer that is already inside the transaction.
    private final class IngestHandoff: @unchecked Sendable {
        struct Abandoned: Error {}
        let ready = DispatchSemaphore(value: 0)
        /// nil when a file failed: the writer then rolls back.
        var rest: ((Database) throws -> Void)?
        var error: Error?
    }

    /// Every `target.KEY` / `external.KEY` the pipeline uses must be a column of its reference file.
    private func checkReferenceKeys(_ refs: [SourceKind: ReferenceTable]) throws {
        for (kind, keys) in config.referenceKeys() {
            guard let table = refs[kind] else { continue }
            let missing = keys.filter { !table.has($0) }.sorted()
            if !missing.isEmpty {
                let path = kind == .targets ? config.sources.targets! : config.sources.external!
                throw ConfigError(file: config.display(config.resolve(path)), line: 1,
                                  "thiếu cột \(missing.joined(separator: ", ")) mà \(config.path) dùng; tệp có: \(table.keys.joined(separator: ", "))")
            }
        }
    }

    private func clearLinks(_ kind: SourceKind, in store: inout DossierStore) {
        for i in store.links.indices {
            switch kind {
            case .late: store.links[i].late = nil; store.links[i].apology = false
            case .postal:
                store.links[i].postalIntake = nil; store.links[i].postalReturn = nil; store.links[i].returnDelivered = false
            case .digitized:
                store.links[i].digitized = nil; store.links[i].digitizedInputs = false; store.links[i].reused = false
                store.links[i].eResult = false; store.links[i].eSigned = false
            default: break
            }
        }
    }


    private func allFiles() throws -> [FileReport] {
        try warehouse.loadFiles(key, stages: graph.stages.filter(\.isIngest).map(\.rawValue))
    }

    private func runNormalize(_ p: PlannedStage, _ runID: Int64) throws -> Int {
        let registry = try units()
        let result: IngestResult
        if let ingest { result = ingest } else {
            var r = IngestResult()
            r.files = try warehouse.loadExportFiles(key)
            r.store = try warehouse.loadDossiers(key, registry: registry)
            result = r
        }
        let reorganization = try reorganization()
        let table = reorganization.indicators(result.store, dates: dates, checkLateList: graph.stages.contains(.ingestLate))
        var findings = PipelineEvaluator(config: config, options: RunOptions()).crossCheckFindings(table.warnings, ingest: result, registry: registry)
        if reorganization.followsReorganization {
            findings += reorganization.findings(direct: table.inPeriodByRow, registryFile: config.display(config.resolve(config.sources.units)))
        }
        self.table = table
        let scoring = reorganization.reporting
        try warehouse.write { db in
            try Warehouse.saveIndicators(db, key, table, registry: scoring)
            if reorganization.followsReorganization { try Warehouse.saveAttribution(db, key, reorganization, inPeriod: table.inPeriodByRow) }
            try Warehouse.saveFindings(db, key, stage: Stage.normalize.rawValue, findings)
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID,
                                         rows: result.store.dossiers.count)
        }
        return result.store.dossiers.count
    }

    private func facts() throws -> UnitFacts {
        let reorganization = try reorganization()
        let rows = try table?.rows ?? warehouse.loadIndicators(key, registry: reorganization.reporting)
        let refs = try loadedReferences()
        return UnitFacts(indicators: rows, targets: reorganization.reportingTable(refs[.targets]),
                         external: reorganization.reportingTable(refs[.external]))
    }

    private func runIndices(_ p: PlannedStage, _ runID: Int64) throws -> Int {
        let reorganization = try reorganization()
        let registry = reorganization.reporting
        let facts = try facts()
        let compared = try config.compareTo.map(comparedPeriod)
        let ancestors = reorganization.ancestors(comparedPeriodEnd: compared?.end)
        self.ancestors = ancestors
        var mismatches: [Finding] = []
        for index in config.indices {
            let previous = reorganization.previousRanks(compared?.ranks[index.key] ?? [:], ancestors: ancestors)
            scores[index.key] = computeIndex(index, units: registry.units, facts: facts, previousRanks: previous)
            mismatches += index.portalMismatches(scores[index.key]!, registry: registry, external: facts.external,
                                                 externalFile: config.sources.external.map { config.display(config.resolve($0)) } ?? "")
        }
        try warehouse.write { db in
            try Warehouse.saveFindings(db, key, stage: Stage.indices.rawValue, mismatches)
            if reorganization.followsReorganization {
                try Warehouse.saveAncestors(db, key, ancestors, registry: reorganization.registry)
            }
            for index in config.indices { try Warehouse.saveScores(db, key, index, scores[index.key]!, registry: registry) }
            try Warehouse.pruneScoring(db, key, indices: config.indices.map(\.key), awards: nil)
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID,
                                         rows: config.indices.count * registry.units.count)
        }
        return config.indices.count * registry.units.count
    }

    private func indexScores(_ index: IndexConfig) throws -> [UnitScore] {
        if let s = scores[index.key] { return s }
        guard let s = try warehouse.loadScores(key, index, registry: try scoringUnits()) else {
            throw ConfigError(file: config.path, "chỉ số '\(index.key)' chưa được tính trong kho dữ liệu; chạy 'chiso run \(config.path) --stage indices'")
        }
        scores[index.key] = s
        return s
    }

    private func runAwards(_ p: PlannedStage, _ runID: Int64) throws -> Int {
        let registry = try scoringUnits()
        let facts = try facts()
        for award in config.awards {
            let index = config.indices.first { $0.key == award.index }!
            let context = PredicateContext(index: index, facts: facts, scores: try indexScores(index))
            decisions[award.key] = selectAward(award, context: context, units: registry.units, tierOrder: config.tierOrder)
        }
        let count = decisions.values.reduce(0) { $0 + $1.count }
        try warehouse.write { db in
            for award in config.awards { try Warehouse.saveDecisions(db, key, award, decisions[award.key]!, registry: registry) }
            try Warehouse.pruneScoring(db, key, indices: nil, awards: config.awards.map(\.key))
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID, rows: count)
        }
        return count
    }

    private func runReport(_ p: PlannedStage, _ runID: Int64, started: Date, reports: [StageReport]) throws -> [String] {
        let reorganization = try reorganization()
        let registry = reorganization.reporting
        let predecessors = reorganization.lineageConfigured
            ? reorganization.predecessorColumn(
                inPeriod: try table?.inPeriodByRow ?? warehouse.loadAttribution(key, rowCount: reorganization.registry.units.count),
                ancestors: try ancestors ?? warehouse.loadAncestors(key, registry: reorganization.registry))
            : nil
        let style = options.headerStyle
        let dir = outputDirectory
        let output = try OutputFolder(target: dir)
        var written: [String] = []
        var hashes: [String: String] = [:]
        func put(_ bytes: [UInt8], _ name: String) throws {
            try output.stage(bytes, as: name)
            written.append(dir + "/" + name)
            hashes[name] = Hashing.sha256(Data(bytes))
        }
        // Each table is built once in Vietnamese for the workbook, and again with keys when the CSVs want keys.
        var sheets: [(name: String, table: ReportTable)] = []
        func stage(_ name: String, _ sheet: String, _ build: (HeaderStyle) -> ReportTable) throws {
            let vi = build(.vi)
            try put((style == .vi ? vi : build(style)).bytes, name)
            sheets.append((sheet, vi))
        }
        let rows = try table?.rows ?? warehouse.loadIndicators(key, registry: registry)
        try stage("chi-tieu.csv", "Chỉ tiêu") {
            Reports.indicators(IndicatorTable(rows: rows, warnings: []), registry: registry, config: config, style: $0, predecessors: predecessors)
        }
        for index in config.indices {
            let scores = try indexScores(index)
            let external = reorganization.reportingTable(try loadedReferences()[.external])
            try stage("chi-so-\(index.key).csv", "Chỉ số \(index.key)") {
                Reports.index(index, scores: scores, registry: registry, config: config, style: $0, predecessors: predecessors,
                              external: external)
            }
        }
        var allDecisions: [String: [AwardDecision]] = [:]
        for award in config.awards {
            let d: [AwardDecision]
            if let mem = decisions[award.key] { d = mem } else if let stored = try warehouse.loadDecisions(key, award, registry: registry) { d = stored } else {
                throw ConfigError(file: config.path, "khen thưởng '\(award.key)' chưa được xét trong kho dữ liệu; chạy 'chiso run \(config.path) --stage awards'")
            }
            allDecisions[award.key] = d
            let scores = try indexScores(config.indices.first { $0.key == award.index }!)
            try stage("khen-thuong-\(award.key).csv", "Khen thưởng \(award.key)") {
                Reports.award(d, scores: scores, registry: registry, style: $0)
            }
        }
        let findings = try warehouse.loadFindings(key)
        try stage("chat-luong-du-lieu.csv", "Chất lượng dữ liệu") { Reports.findings(findings, style: $0) }
        let workbook = OfficeWorkbook(config: config, asOf: dates.asOf,
                                      overview: Overview.table(config: config, asOf: dates.asOf, registry: registry, decisions: allDecisions),
                                      tables: sheets.map(\.table), sheetNames: sheets.map(\.name))
        try put(try XlsxFile.bytes(workbook, besides: output.staging + "/bao-cao.xlsx"), "bao-cao.xlsx")
        var scoresByIndex: [String: [UnitScore]] = [:]
        var history: [String: [String: [(period: String, score: Double?, rank: Int?)]]] = [:]
        for index in config.indices {
            scoresByIndex[index.key] = try indexScores(index)
            history[index.key] = try warehouse.periodHistory(pipeline: config.pipeline, index: index.key)
        }
        let council = CouncilReport(config: config, asOf: dates.asOf, registry: registry, scores: scoresByIndex,
                                    decisions: allDecisions, findings: findings, files: try allFiles(), history: history,
                                    external: reorganization.reportingTable(try loadedReferences()[.external]))
        try put(Array(try council.html().utf8), "bao-cao.html")
        let files = try allFiles()
        var counts: [String: Int] = [:]
        for f in findings { counts[f.severity.rawValue, default: 0] += 1 }
        let iso = ISO8601DateFormatter()
        let stages = reports.map { r in
            Manifest.Stage(name: r.stage.rawValue, status: r.ran ? "ran" : "skipped", seconds: (r.seconds * 1000).rounded() / 1000,
                           fingerprint: r.fingerprint, rows: r.rows)
        } + [Manifest.Stage(name: Stage.report.rawValue, status: "ran", seconds: 0, fingerprint: p.fingerprint.value, rows: nil)]
        var manifest = Manifest(
            tool: "chiso", version: ChiSoVersion.current, pipeline: config.pipeline,
            pipelineFile: (config.path as NSString).lastPathComponent, pipelineSHA256: config.sha256,
            period: ["key": config.period.key, "from": PortalDate.iso(config.period.from), "to": PortalDate.iso(config.period.to)],
            asOf: PortalDate.iso(dates.asOf), startedAt: iso.string(from: started), status: "ok",
            inputs: files.map(Manifest.input), stages: stages, findings: counts)
        if reorganization.lineageConfigured {
            let inPeriod = try table?.inPeriodByRow ?? warehouse.loadAttribution(key, rowCount: reorganization.registry.units.count)
            var summary = [
                "registry_rows": reorganization.registry.units.count, "reporting_units": registry.units.count,
                "crosswalk_rows": reorganization.crosswalk.successions.count,
                "dossiers_counted_for_a_successor": inPeriod.indices.filter {
                    reorganization.target[$0] != nil && reorganization.target[$0] != $0
                }.reduce(0) { $0 + inPeriod[$1] },
            ]
            for code in [FindingCode.unitInactiveOnDate, .retiredUnit, .splitUnit] {
                summary[code.rawValue] = findings.filter { $0.code == code }.count
            }
            manifest.reorganization = summary
        }
        try put(try manifest.encoded(), "manifest.json")
        // The whole folder switches at once (loi/ and outputs of removed indices or awards go with the old
        // one); only then does the warehouse record the report, with each file's hash, so that a run killed
        // in between redoes the report and a file changed or lost later is noticed (see `plan`).
        try output.commit()
        try warehouse.write { db in
            try Warehouse.saveReportOutputs(db, key, hashes)
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID, rows: written.count)
        }
        return written
    }
}

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
        evaluation.ingest.files = try warehouse.loadExportFiles(key)
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
