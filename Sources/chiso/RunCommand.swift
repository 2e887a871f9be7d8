import ArgumentParser
import ChiSo

/// `chiso run PIPELINE.yaml`: ingest, normalize and write the Office CSVs.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Chạy pipeline: đọc dữ liệu, tính chỉ tiêu, ghi các tệp CSV.")

    @Argument(help: "Tệp pipeline (YAML).") var pipeline: String
    @Option(name: .customLong("as-of"), help: "Ngày chốt số liệu (yyyy-MM-dd); mặc định: ngày cuối kỳ.") var asOf: String?
    @Option(help: "Thư mục đầu ra.") var out: String = "out"
    @Option(name: .customLong("header-style"), help: "Tiêu đề cột: vi (tiếng Việt) hoặc keys.") var headerStyle: String = "vi"

    func run() throws {
        guard let style = HeaderStyle(rawValue: headerStyle) else {
            throw ConfigError(file: "--header-style", "dùng vi hoặc keys")
        }
        var asOfDay: Day?
        if let asOf {
            guard let d = PortalDate.parseISO(asOf) else { throw ConfigError(file: "--as-of", "cần ngày dạng yyyy-MM-dd") }
            asOfDay = d
        }
        let (config, _) = try PipelineLoader.load(path: pipeline)
        let result = try PipelineRun(config: config, options: RunOptions(asOf: asOfDay, outDirectory: out, headerStyle: style)).run()
        report(result)
        if result.exit != .success { throw ExitCode(result.exit.rawValue) }
    }

    private func report(_ result: RunResult) {
        let warnings = result.findings.filter { $0.severity == .warning }.count
        if result.exit == .success {
            let rows = result.files.reduce(0) { $0 + $1.rows }
            let quarantined = result.files.reduce(0) { $0 + $1.quarantined }
            print("chiso: \(result.files.count) tệp, \(rows) dòng, \(quarantined) dòng lỗi bị loại, \(warnings) cảnh báo")
            for path in result.written { print("  \(path)") }
            return
        }
        Terminal.error("chiso: dữ liệu đầu vào lỗi; không ghi kết quả mới (kết quả cũ giữ nguyên).")
        Terminal.reportFailedFiles(result.files, findings: result.findings)
        Terminal.error("Chi tiết từng dòng: \(result.written.first ?? "")")
    }
}
