import Foundation

/// Planning: the inputs of each stage, their fingerprints, and what runs and why.
extension StageRunner {
    // MARK: Planning

    func hash(_ path: String) throws -> (sha256: String, size: Int) {
        if let h = fileHashes[path] { return h }
        fileStamps[path] = try Warehouse.fileStamp(path)
        let h = try warehouse.fileHash(path)
        fileHashes[path] = h
        return h
    }

    /// A planned input's size as it was stamped (an export hashed later has no hash yet).
    func size(_ path: String) throws -> Int {
        if let stamp = fileStamps[path] { return Int(stamp[0]) }
        return try hash(path).size
    }

    func sourceFiles(_ stage: Stage) throws -> [String] {
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
        // A run whose plan does not depend on the files (every stage runs) hashes the exports later, in
        // time the run leaves idle (see ``DeferredHashes``); the other inputs are small, hashed now.
        var later: Set<String> = []
        if deferInputHashes, !hashesDeferred, try everyStageRunsWhateverItsInputs() {
            hashesDeferred = true
            for stage in graph.stages where stage.isExport { later.formUnion(try sourceFiles(stage)) }
            later.formIntersection(paths)
            paths.removeAll { later.contains($0) }
            if !later.isEmpty {
                pendingHashes = DeferredHashes(Array(later), sizes: fileStamps.mapValues { Int($0[0]) })
                trace("inputs hashed later: \(later.count) files")
            }
        }
        // A lone big dossier file will be read in two parts, its tail numbering its lines from a count of
        // the head's line ends: counted now, beside the hashing, where a core waits for the biggest file's
        // hash anyway (only when that file is hashed: unchanged, it may not be read at all, and alone the
        // count would delay the run).
        var count: (path: String, work: @Sendable () -> Void)?
        let lines = LineCountSlot()
        if graph.stages.contains(.ingestDossiers), let dossierFiles = try? sourceFiles(.ingestDossiers), dossierFiles.count == 1,
           let path = dossierFiles.first, paths.contains(path), let cut = Ingestor.cut(path, minimumBytes: Ingestor.partsFromBytes) {
            count = (path, { lines.value = LineCount.line(at: cut, of: path).map { (path, cut, $0) } })
        }
        trace("inputs stamped: \(paths.count) files")
        for (path, h) in try warehouse.fileHashes(paths, alongside: count) { fileHashes[path] = h }
        trace("inputs hashed")
        if let (path, cut, line) = lines.value { lineCounts[path] = (cut, line) }
        // Each stage's files and its own inputs (which may read the warehouse): kept, so that fingerprints
        // made again once deferred hashes come in need neither the warehouse nor the file system.
        var inputs = PlannedInputs()
        for stage in graph.stages {
            if stage.isIngest {
                let files = try sourceFiles(stage)
                for path in files where !FileManager.default.fileExists(atPath: path) {
                    throw config.missingFile(config.sources.lineage.map(config.resolve) == path ? .lineage : stage.source!, resolved: path)
                }
                inputs.files[stage] = files
            }
            inputs.own[stage] = try StageRunner.stageTable[stage]!.inputs(self)
        }
        plannedInputs = inputs
        return try fingerprints(of: inputs)
    }

    /// What the fingerprints are made of besides the files' hashes: each ingest stage's files, each
    /// stage's own inputs.
    struct PlannedInputs {
        var files: [Stage: [String]] = [:]
        var own: [Stage: [String: String]] = [:]
    }

    /// The fingerprints of `planned`, in graph order (each names its upstream stages' fingerprints); an
    /// export whose hash is deferred counts as a placeholder.
    func fingerprints(of planned: PlannedInputs) throws -> [Stage: Fingerprint] {
        var out: [Stage: Fingerprint] = [:]
        for stage in graph.stages {
            var inputs: [String: String] = ["tool": ChiSoVersion.current]
            for up in graph.upstream(of: stage) { inputs["upstream \(up.rawValue)"] = out[up]!.value }
            for path in planned.files[stage] ?? [] {
                inputs["file \(config.display(path))"] = pendingHashes?.paths.contains(path) == true && fileHashes[path] == nil
                    ? "(băm sau)" : try hash(path).sha256
            }
            inputs.merge(planned.own[stage]!) { $1 }
            out[stage] = Fingerprint(inputs: inputs)
        }
        return out
    }

    /// True when the plan runs every stage for a reason that is not its inputs: the period's first run (no
    /// stage has a state) or `--force`, and neither `--stage` nor `--from`.
    func everyStageRunsWhateverItsInputs() throws -> Bool {
        guard options.only == nil, options.from == nil else { return false }
        return try options.force || warehouse.stageStates(key).isEmpty
    }

    /// Waits for the exports' hashes (``DeferredHashes``), records them as the planning would have, and
    /// gives the fingerprints the plan could not have: what the rest of the run records.
    func resolveDeferredHashes() throws -> [Stage: Fingerprint]? {
        guard let pending = pendingHashes else { return nil }
        let hashes = try pending.wait()
        for (path, sha) in hashes { fileHashes[path] = (sha, Int(fileStamps[path]![0])) }
        pendingHashes = nil
        trace("inputs hashed: \(hashes.count) files, later")
        // Not ``fingerprints()``: the ingest's writer holds the warehouse now, and the files are those planned.
        return try fingerprints(of: plannedInputs)
    }

    /// An input inside the output folder would make every later run read its own outputs.
    /// - Throws: ``ConfigError`` at the source's place in the pipeline file.
    func checkOutsideOutput(_ kind: SourceKind, _ path: String) throws {
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

    func describe(_ input: String) -> String {
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
}

/// The line count made beside the hashing: written once by the worker that made it, read after.
private final class LineCountSlot: @unchecked Sendable {
    var value: (path: String, cut: Int, line: Int)?
}
