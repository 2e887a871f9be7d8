import ArgumentParser
import ChiSo

/// `chiso status PIPELINE.yaml`: every stage up to date, stale (and why) or never run.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Trạng thái từng giai đoạn: cập nhật, cũ (vì sao) hay chưa chạy.")

    @Argument(help: "Tệp pipeline (YAML).") var pipeline: String
    @Option(name: .customLong("as-of"), help: "Ngày chốt số liệu (yyyy-MM-dd).") var asOf: String?
    @Option(help: "Kho dữ liệu SQLite.") var db: String = "var/chiso.sqlite"
    @Option(help: "Thư mục đầu ra.") var out: String = "out"
    @Option(name: .customLong("header-style"), help: "vi hoặc keys.") var headerStyle: String = "vi"

    func run() throws {
        var options = StageOptions()
        options.asOf = try parseDay(asOf, "--as-of")
        options.outDirectory = out
        options.headerStyle = HeaderStyle(rawValue: headerStyle) ?? .vi
        let (config, root) = try PipelineLoader.load(path: pipeline)
        let runner = try StageRunner(config: config, root: root, options: options, warehouse: try Warehouse(readingFrom: db))
        print("\(config.pipeline)/\(config.period.key) — kho dữ liệu \(db)")
        for p in try runner.plan() {
            let state: String
            if p.previous == nil { state = "chưa chạy" } else if p.run { state = "cũ (\(p.reason))" } else { state = "cập nhật" }
            let last = p.previous.map { "lần cuối \($0.finishedAt), \($0.rows.map { "\($0) dòng" } ?? "")" } ?? ""
            print("  \(pad(p.stage.rawValue, 17)) \(pad(state, 12)) \(last)")
        }
    }
}
