import Foundation

/// How a run ended, as the command line reports it (SPEC 8 exit codes).
public enum RunExit: Int32, Sendable {
    case success = 0
    /// An input file failed (SPEC 2.1): a defect in the data.
    case dataError = 1
    /// Usage or configuration error.
    case configError = 2
    /// Another run holds the warehouse lock.
    case locked = 75
}

/// Options of `chiso run`.
public struct RunOptions: Sendable {
    public var asOf: Day?
    public var outDirectory = "out"
    public var headerStyle = HeaderStyle.vi

    public init(asOf: Day? = nil, outDirectory: String = "out", headerStyle: HeaderStyle = .vi) {
        self.asOf = asOf
        self.outDirectory = outDirectory
        self.headerStyle = headerStyle
    }
}

/// The result of a run: what happened, for the command line to print.
public struct RunResult: Sendable {
    public var exit: RunExit
    /// Folder the outputs were written to.
    public var outputDirectory: String
    public var files: [FileReport]
    public var findings: [Finding]
    public var stages: [Manifest.Stage]
    public var written: [String]
}

/// The imperative shell around the pure rules: reads, computes, writes (SPEC 2–4, 7.1).
public struct PipelineRun {
    public let config: PipelineConfig
    public let options: RunOptions

    public init(config: PipelineConfig, options: RunOptions) {
        self.config = config
        self.options = options
    }

    /// `OUT/PIPELINE/PERIOD`.
    public var outputDirectory: String {
        options.outDirectory + "/" + config.pipeline + "/" + config.period.key
    }

    /// Runs the pipeline. Throws ``ConfigError``/``ConfigErrors`` for exit-2 problems.
    public func run() throws -> RunResult {
        let started = Date()
        guard let dates = RunDates(period: config.period, asOf: options.asOf) else {
            throw ConfigError(file: "--as-of", "ngày as_of trước ngày bắt đầu kỳ (\(PortalDate.iso(config.period.from)))")
        }
        var stages: [Manifest.Stage] = []
        func timed<T>(_ name: String, rows: ((T) -> Int)? = nil, _ body: () throws -> T) rethrows -> T {
            let t0 = Date()
            let value = try body()
            stages.append(Manifest.Stage(name: name, status: "ok", seconds: (Date().timeIntervalSince(t0) * 1000).rounded() / 1000,
                                         fingerprint: "", rows: rows?(value)))
            return value
        }

        let registry = try timed("ingest.units", rows: { $0.units.count }) { try UnitRegistry.load(config: config) }
        var findings: [Finding] = []
        var references: [SourceKind: ReferenceTable] = [:]
        for (kind, path) in [(SourceKind.targets, config.sources.targets), (.external, config.sources.external)] {
            guard let path else { continue }
            references[kind] = try timed("ingest.\(kind.rawValue)") {
                try ReferenceTable.load(kind: kind, relativePath: path, config: config, registry: registry, findings: &findings)
            }
        }
        let ingestor = Ingestor(config: config, registry: registry)
        _ = try ingestor.sourceFiles()  // configuration errors (empty globs) before reading anything
        let ingest = try timed("ingest", rows: { $0.files.reduce(0) { $0 + $1.rows } }) { try ingestor.run() }
        findings += ingest.findings
        var files = [registry.file] + references.keys.sorted().compactMap { references[$0]?.file } + ingest.files

        let output = AtomicOutput()
        let dir = outputDirectory
        if ingest.failed {
            try output.stage(Reports.findings(findings, style: options.headerStyle).bytes,
                             to: dir + "/loi/chat-luong-du-lieu.csv")
            try output.commit()
            return RunResult(exit: .dataError, outputDirectory: dir, files: files, findings: findings,
                             stages: stages, written: [dir + "/loi/chat-luong-du-lieu.csv"])
        }

        let table = timed("normalize", rows: { (_: IndicatorTable) in ingest.store.dossiers.count }) {
            computeIndicators(dossiers: ingest.store.dossiers, links: ingest.store.links, unitCount: registry.units.count,
                              dates: dates, checkLateList: ingest.configured.contains(.late))
        }
        findings += crossCheckFindings(table.warnings, ingest: ingest, registry: registry)

        let written = try timed("report") { () -> [String] in
            let chiTieu = dir + "/chi-tieu.csv"
            let quality = dir + "/chat-luong-du-lieu.csv"
            try output.stage(Reports.indicators(table, registry: registry, config: config, style: options.headerStyle).bytes, to: chiTieu)
            try output.stage(Reports.findings(findings, style: options.headerStyle).bytes, to: quality)
            return [chiTieu, quality]
        }
        files = files.filter { !$0.file.isEmpty }
        let manifestPath = dir + "/manifest.json"
        let manifest = makeManifest(started: started, dates: dates, files: files, stages: stages, findings: findings)
        try output.stage(try manifest.encoded(), to: manifestPath)
        output.remove(dir + "/loi")
        try output.commit()
        return RunResult(exit: .success, outputDirectory: dir, files: files, findings: findings, stages: stages,
                         written: written + [manifestPath])
    }

    func crossCheckFindings(_ checks: [CrossCheck], ingest: IngestResult, registry: UnitRegistry) -> [Finding] {
        checks.map { c in
            let d = ingest.store.dossiers[c.dossier]
            let id = ingest.store.id(c.dossier)
            let file = ingest.files[Int(c.ref.file)].file
            let unit = registry.units[Int(d.unit)].code
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

    func makeManifest(started: Date, dates: RunDates, files: [FileReport], stages: [Manifest.Stage],
                      findings: [Finding]) -> Manifest {
        let iso = ISO8601DateFormatter()
        var counts: [String: Int] = [:]
        for f in findings { counts[f.severity.rawValue, default: 0] += 1 }
        let inputHash = Hashing.sha256(files.map(\.sha256).joined(separator: "\n"))
        let stamped = stages.map { s -> Manifest.Stage in
            var s = s
            s.fingerprint = Hashing.sha256([ChiSoVersion.current, config.sha256, inputHash, s.name].joined(separator: "\n"))
            return s
        }
        return Manifest(
            tool: "chiso", version: ChiSoVersion.current, pipeline: config.pipeline,
            pipelineFile: (config.path as NSString).lastPathComponent, pipelineSHA256: config.sha256,
            period: ["key": config.period.key, "from": PortalDate.iso(config.period.from), "to": PortalDate.iso(config.period.to)],
            asOf: PortalDate.iso(dates.asOf), startedAt: iso.string(from: started), status: "ok",
            inputs: files.map(Manifest.input), stages: stamped, findings: counts)
    }
}
