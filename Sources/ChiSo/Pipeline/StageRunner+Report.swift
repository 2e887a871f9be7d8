import Foundation

/// The report stage: every output written into a fresh folder swapped in at once, then recorded.
extension StageRunner {
    func runReport(_ p: PlannedStage, _ runID: Int64, started: Date, reports: [StageReport]) throws -> [String] {
        let reorganization = try reorganization()
        let registry = reorganization.reporting
        let style = options.headerStyle
        let dir = outputDirectory
        let early = earlyWorkbook
        earlyWorkbook = nil
        // The staging folder the early workbook writes in, else a fresh one.
        let output = try early?.output ?? OutputFolder(target: dir)
        // Whatever happens below, the early workbook is done writing in the folder before the folder goes.
        defer { early?.finish() }
        var written: [String] = []
        var hashes: [String: String] = [:]
        /// Writes a file into the staging folder (listed in `written` by `put`, in the usual order).
        func stage(_ bytes: [UInt8], _ name: String) throws {
            try output.stage(bytes, as: name)
            hashes[name] = Hashing.sha256(Data(bytes))
        }
        func put(_ bytes: [UInt8], _ name: String) throws {
            try stage(bytes, name)
            written.append(dir + "/" + name)
        }
        let rows = try table?.rows ?? warehouse.loadIndicators(key, registry: registry)
        StageRunner.trace("report: begins")
        let allDecisions = try reportDecisions()
        // Each table is built once in Vietnamese for the workbook, and again with keys when the CSVs want keys.
        var sheets: [(name: String, table: ReportTable)] = []
        for sheet in try reportSheets(rows: rows, decisions: allDecisions, scores: indexScores, ancestors: {
            try self.ancestors ?? self.warehouse.loadAncestors(self.key, registry: reorganization.registry)
        }) {
            let vi = sheet.build(.vi)
            try put((style == .vi ? vi : sheet.build(style)).bytes, sheet.file)
            sheets.append((sheet.sheet, vi))
        }
        let findings = try periodFindings()
        let ordered = Reports.sortedFindings(findings)  // for the findings sheet and the CSV alike
        StageRunner.trace("report: tables staged, \(findings.count) findings at hand")
        // The workbook (the longest output to build, mostly libxlsxwriter and zlib) is built on the other
        // core, while this one builds the findings CSV (in the CSVs' header style) and the council's report;
        // all are staged in the same order as ever. A workbook started from these very inputs while the
        // stages were written (``startWorkbookEarly(normalizeFindings:)``) is taken instead.
        let inputs = WorkbookInputs(config: config, asOf: dates.asOf, sheets: sheets, findings: ordered,
                                    overview: Overview.table(config: config, asOf: dates.asOf, registry: registry, decisions: allDecisions))
        let xlsxPath = output.staging + "/bao-cao.xlsx"
        let xlsx: Ahead<Result<[UInt8], any Error>>
        if let early, early.inputs == inputs {
            xlsx = early.bytes
            StageRunner.trace("report: the workbook started early is built from these tables")
        } else {
            early?.finish()  // built from other tables (never expected): not used
            xlsx = inputs.start(besides: xlsxPath)
        }
        StageRunner.trace("report: workbook started")
        var waited = false
        // On an error below, the workbook's writer finishes before the staging folder is removed.
        defer { if !waited { _ = xlsx.take() }; withExtendedLifetime(output) {} }
        try put(Reports.findings(ordered, style: style, ordered: true).bytes, "chat-luong-du-lieu.csv")
        var scoresByIndex: [String: [UnitScore]] = [:]
        var history: [String: [String: [(period: String, score: Double?, rank: Int?)]]] = [:]
        for index in config.indices {
            scoresByIndex[index.key] = try indexScores(index)
            history[index.key] = try warehouse.periodHistory(pipeline: config.pipeline, index: index.key)
        }
        let files = try allFiles()
        let council = CouncilReport(config: config, asOf: dates.asOf, registry: registry, scores: scoresByIndex,
                                    decisions: allDecisions, findings: findings, files: files, history: history,
                                    external: reorganization.reportingTable(try loadedReferences()[.external]))
        let html = Array(try council.html().utf8)
        StageRunner.trace("report: findings CSV and HTML built")
        // The council's report and the manifest (neither depends on the workbook) are staged while the
        // workbook is still being written: their writes and flushes leave the run's end.
        try stage(html, "bao-cao.html")
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
        try stage(try manifest.encoded(), "manifest.json")
        // While the workbook finishes on the other core, this one is idle: the log the stages before left is
        // copied back into the file now, rather than by the run's close, and the dossier state is freed.
        warehouse.checkpointInBackground()
        releaseDossierState()
        StageRunner.trace("report: dossier state released")
        waited = true
        var workbook = xlsx.take()
        if early != nil, case .failure? = workbook {
            workbook = inputs.start(besides: xlsxPath).take()  // built again here, so that an error is the report's own
        }
        guard let workbookBytes = workbook else { throw OutputError(path: xlsxPath, reason: "không tạo được bảng tính") }
        try put(try workbookBytes.get(), "bao-cao.xlsx")
        StageRunner.trace("report: workbook staged")
        written += ["bao-cao.html", "manifest.json"].map { dir + "/" + $0 }
        // The whole folder switches at once (loi/ and outputs of removed indices or awards go with the old
        // one); only then does the warehouse record the report, with each file's hash, so that a run killed
        // in between redoes the report and a file changed or lost later is noticed (see `plan`).
        try output.commit()
        StageRunner.trace("report: folder swapped")
        try warehouse.write { db in
            try Warehouse.saveReportOutputs(db, key, hashes)
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID, rows: written.count)
        }
        return written
    }

    /// Each award's decisions: this run's, else the warehouse's (an award never decided is an error that
    /// names the stage to run).
    func reportDecisions() throws -> [String: [AwardDecision]] {
        var all: [String: [AwardDecision]] = [:]
        for award in config.awards {
            if let mem = decisions[award.key] { all[award.key] = mem; continue }
            guard let stored = try warehouse.loadDecisions(key, award, registry: try scoringUnits()) else {
                throw ConfigError(file: config.path, "khen thưởng '\(award.key)' chưa được xét trong kho dữ liệu; chạy 'chiso run \(config.path) --stage awards'")
            }
            all[award.key] = stored
        }
        return all
    }

    /// One table of the report: its CSV, its sheet, and the table in a header style (built on any core).
    struct ReportSheet {
        let file: String
        let sheet: String
        let build: @Sendable (HeaderStyle) -> ReportTable
    }

    /// The report's tables in order (`chi-tieu`, `chi-so-*` per index, `khen-thuong-*` per award) over the
    /// indicator `rows`, the indices' `scores`, the awards' `decisions` and the units' `ancestors` in the
    /// compared period; what they read from the warehouse is read here.
    func reportSheets(rows: [IndicatorRow], decisions: [String: [AwardDecision]], scores indexScores: (IndexConfig) throws -> [UnitScore],
                      ancestors: () throws -> [Int: [Int]]) throws -> [ReportSheet] {
        let reorganization = try reorganization()
        return try StageRunner.reportSheets(
            config: config, reorganization: reorganization, rows: rows,
            inPeriod: { try self.table?.inPeriodByRow ?? self.warehouse.loadAttribution(self.key, rowCount: reorganization.registry.units.count) },
            external: try loadedReferences()[.external], decisions: decisions, scores: indexScores, ancestors: ancestors)
    }

    /// The report's tables, from what they show: `inPeriod` (each registry row's attribution) and
    /// `ancestors` are asked for only when the pipeline has a lineage. Pure but for what the closures read.
    static func reportSheets(config: PipelineConfig, reorganization: Reorganization, rows: [IndicatorRow], inPeriod: () throws -> [Int],
                             external: ReferenceTable?, decisions: [String: [AwardDecision]],
                             scores indexScores: (IndexConfig) throws -> [UnitScore],
                             ancestors: () throws -> [Int: [Int]]) rethrows -> [ReportSheet] {
        let registry = reorganization.reporting
        let predecessors = reorganization.lineageConfigured
            ? reorganization.predecessorColumn(inPeriod: try inPeriod(), ancestors: try ancestors())
            : nil
        var sheets = [ReportSheet(file: "chi-tieu.csv", sheet: "Chỉ tiêu") {
            Reports.indicators(IndicatorTable(rows: rows, warnings: []), registry: registry, config: config, style: $0, predecessors: predecessors)
        }]
        let external = reorganization.reportingTable(external)
        for index in config.indices {
            let scores = try indexScores(index)
            sheets.append(ReportSheet(file: "chi-so-\(index.key).csv", sheet: "Chỉ số \(index.key)") {
                Reports.index(index, scores: scores, registry: registry, config: config, style: $0, predecessors: predecessors,
                              external: external)
            })
        }
        for award in config.awards {
            let d = decisions[award.key] ?? []
            let scores = try indexScores(config.indices.first { $0.key == award.index }!)
            sheets.append(ReportSheet(file: "khen-thuong-\(award.key).csv", sheet: "Khen thưởng \(award.key)") {
                Reports.award(d, scores: scores, registry: registry, style: $0)
            })
        }
        return sheets
    }

    /// Whether this run starts the report's workbook before the report stage: only when its indices, awards
    /// and report run (what the early workbook computes is what they will).
    var startsWorkbookEarly: Bool {
        willRun.contains(.normalize) && willRun.contains(.indices) && willRun.contains(.report)
            && (willRun.contains(.awards) || config.awards.isEmpty)
    }

    /// What the early workbook needs from this run and the warehouse (see ``EarlyWorkbookPlan``), for a run
    /// whose ingest runs `ingestRuns`; their findings are the caller's to set.
    func earlyWorkbookPlan(ingestRuns: [Stage]) throws -> EarlyWorkbookPlan {
        let producers = findingProducers
        let ran = producers.filter { ingestRuns.contains($0) || $0 == .normalize || $0 == .indices }
        return EarlyWorkbookPlan(
            config: config, reorganization: try reorganization(), asOf: dates.asOf, references: try loadedReferences(),
            compared: try config.compareTo.map(comparedPeriod), producers: producers, ingestFindings: [:],
            earlierFindings: ran.count == producers.count ? [] : try warehouse.loadFindings(key, except: ran.map(\.rawValue)),
            outputDirectory: outputDirectory)
    }

    /// Starts the report's workbook on the other core once normalize has its table, when the ingest did not
    /// start it already with normalize (``normalizeAhead(_:chunkHashes:stored:workbook:)``): the indices and the
    /// awards are pure functions of the table, computed as their stages will compute them. The report takes
    /// it only if the tables it builds itself are these (``WorkbookInputs``), else builds its own.
    func startWorkbookEarly(normalizeFindings: [Finding]) {
        guard startsWorkbookEarly, earlyWorkbook == nil, let table else { return }
        do {
            let ingest = storedFindings.filter { $0.key.isIngest }
            var plan = try earlyWorkbookPlan(ingestRuns: Array(ingest.keys))
            plan.ingestFindings = ingest
            earlyWorkbook = try plan.start(table: table, normalizeFindings: normalizeFindings)
            StageRunner.trace("workbook started early")
        } catch {
            return  // the report builds it, and meets the error itself
        }
    }
}
