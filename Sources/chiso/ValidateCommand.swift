import ArgumentParser
import ChiSo

/// `chiso validate PIPELINE.yaml`: configuration and export headers; nothing is written.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Kiểm tra cấu hình và dòng tiêu đề của các tệp dữ liệu; không ghi gì.")

    @Argument(help: "Tệp pipeline (YAML).") var pipeline: String

    func run() throws {
        let (config, _) = try PipelineLoader.load(path: pipeline)
        let checks = try Validation(config: config).run()
        var bad = 0
        for check in checks {
            if let problem = check.problem {
                bad += 1
                Terminal.error("\(check.file): \(problem)")
            } else {
                print("ok  \(check.source.rawValue)  \(check.file)")
            }
        }
        if bad > 0 { throw ExitCode(1) }
        print("chiso: cấu hình hợp lệ; \(checks.count) tệp dữ liệu có đủ cột bắt buộc")
    }
}
