import ArgumentParser
import ChiSo
import Foundation

/// `chiso status PIPELINE.yaml`: every stage up to date, stale (and why) or never run.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: vi("Trạng thái từng giai đoạn: cập nhật, cũ (vì sao) hay chưa chạy."),
        discussion: vi("Mặc định so với as_of, thư mục đầu ra và kiểu tiêu đề của lần chạy thành công cuối của kỳ."))

    @Argument(help: ArgumentHelp(vi("Tệp pipeline (YAML)."))) var pipeline: String
    @Option(name: .customLong("as-of"), help: ArgumentHelp(vi("Ngày chốt số liệu (yyyy-MM-dd); mặc định: của lần chạy thành công cuối."))) var asOf: String?
    @OptionGroup var warehouseOptions: WarehouseOptions
    @Option(help: ArgumentHelp(vi("Thư mục đầu ra; mặc định: của lần chạy thành công cuối."))) var out: String?
    @Option(name: .customLong("header-style"), help: ArgumentHelp(vi("vi hoặc keys; mặc định: của lần chạy thành công cuối."))) var headerStyle: String?
    @Flag(help: ArgumentHelp(vi("In một tài liệu JSON thay cho văn bản."))) var json = false

    /// `status --json`.
    struct Document: Codable {
        struct StageLine: Codable {
            var stage: String
            /// `up_to_date`, `stale` or `never_run`.
            var state: String
            var reason: String?
            var lastFinishedAt: String?
            var rows: Int?
        }
        var pipeline: String
        var period: String
        var warehouse: String
        var asOf: String
        /// `option`, `last_run` or `period_end`.
        var asOfFrom: String
        var lastRunFinishedAt: String?
        var stages: [StageLine]
    }

    func run() throws {
        var options = StageOptions()
        let (config, sections) = try PipelineLoader.load(path: pipeline)
        let warehouse = try Warehouse(existing: warehouseOptions.location)
        let last = try warehouse.lastSuccessfulRun(PeriodKey(pipeline: config.pipeline, period: config.period.key))
        options.asOf = try parseDay(asOf, "--as-of") ?? last?.asOf
        options.outDirectory = out ?? last?.outDirectory ?? "out"
        if let headerStyle {
            guard let style = HeaderStyle(rawValue: headerStyle) else { throw ConfigError(file: "--header-style", "dùng vi hoặc keys") }
            options.headerStyle = style
        } else {
            options.headerStyle = last?.headerStyle ?? .vi
        }
        let runner = try StageRunner(config: config, sections: sections, options: options, warehouse: warehouse)
        let plan = try runner.plan()
        let asOfFrom = asOf != nil ? "option" : (last?.asOf != nil ? "last_run" : "period_end")
        if json {
            let doc = Document(
                pipeline: config.pipeline, period: config.period.key, warehouse: warehouseOptions.display,
                asOf: PortalDate.iso(runner.dates.asOf), asOfFrom: asOfFrom, lastRunFinishedAt: last?.finishedAt,
                stages: plan.map { p in
                    Document.StageLine(stage: p.stage.rawValue, state: p.previous == nil ? "never_run" : (p.run ? "stale" : "up_to_date"),
                                       reason: p.run ? p.reason : nil, lastFinishedAt: p.previous?.finishedAt, rows: p.previous?.rows)
                })
            FileHandle.standardOutput.write(try JSONDocument.encode(doc))
            return
        }
        let basis = asOfFrom == "last_run"
            ? "theo lần chạy thành công cuối (\(last!.finishedAt)): as_of \(PortalDate.iso(runner.dates.asOf)), đầu ra \(options.outDirectory)"
            : "as_of \(PortalDate.iso(runner.dates.asOf))" + (last == nil ? " (kỳ chưa có lần chạy thành công)" : "")
        print("\(config.pipeline)/\(config.period.key) — kho dữ liệu \(warehouseOptions.display); \(basis)")
        for p in plan {
            let state: String
            if p.previous == nil { state = "chưa chạy" } else if p.run { state = "cũ (\(p.reason))" } else { state = "cập nhật" }
            let last = p.previous.map { "lần cuối \($0.finishedAt), \($0.rows.map { "\($0) dòng" } ?? "")" } ?? ""
            print("  \(pad(p.stage.rawValue, 17)) \(pad(state, 12)) \(last)")
        }
    }
}
