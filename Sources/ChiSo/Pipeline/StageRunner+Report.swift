import Foundation

/// The report stage: every output written into a fresh folder swapped in at once, then recorded.
extension StageRunner {
    func runReport(_ p: PlannedStage, _ runID: Int64, started: Date, reports: [StageReport]) throws -> [String] {
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
        StageRunner.trace("report: begins")
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
        let findings = try periodFindings()
        let ordered = Reports.sortedFindings(findings)  // for the findings sheet and the CSV alike
        StageRunner.trace("report: tables staged, \(findings.count) findings at hand")
        // The workbook (the longest output to build, mostly zlib) is built on the other core, starting with
        // its last sheet, the findings' (6,849 rows on a 5M night), while this one builds the findings CSV
        // (in the CSVs' header style) and the council's report; all are staged in the same order as ever.
        let overview = Overview.table(config: config, asOf: dates.asOf, registry: registry, decisions: allDecisions)
        let (pipeline, asOf, built) = (config, dates.asOf, sheets)
        let xlsx = Ahead<Result<[UInt8], any Error>>()
        let xlsxPath = output.staging + "/bao-cao.xlsx"
        xlsx.start {
            let sheets = built + [("Chất lượng dữ liệu", Reports.findings(ordered, style: .vi, ordered: true))]
            let workbook = OfficeWorkbook(config: pipeline, asOf: asOf, overview: overview, tables: sheets.map(\.table),
                                          sheetNames: sheets.map(\.name))
            return Result { try XlsxFile.bytes(workbook, besides: xlsxPath) }
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
        let council = CouncilReport(config: config, asOf: dates.asOf, registry: registry, scores: scoresByIndex,
                                    decisions: allDecisions, findings: findings, files: try allFiles(), history: history,
                                    external: reorganization.reportingTable(try loadedReferences()[.external]))
        let html = Array(try council.html().utf8)
        StageRunner.trace("report: findings CSV and HTML built")
        releaseDossierState()  // while the workbook finishes on the other core
        StageRunner.trace("report: dossier state released")
        waited = true
        guard let workbookBytes = xlsx.take() else { throw OutputError(path: xlsxPath, reason: "không tạo được bảng tính") }
        try put(try workbookBytes.get(), "bao-cao.xlsx")
        StageRunner.trace("report: workbook staged")
        try put(html, "bao-cao.html")
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
        StageRunner.trace("report: folder swapped")
        try warehouse.write { db in
            try Warehouse.saveReportOutputs(db, key, hashes)
            try Warehouse.saveStageState(db, key, stage: p.stage.rawValue, fingerprint: p.fingerprint, run: runID, rows: written.count)
        }
        return written
    }
}
