import ArgumentParser
import ChiSo
import Foundation

/// `chiso validate PIPELINE.yaml`: configuration and export headers; nothing is written.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: vi("Kiểm tra cấu hình và dòng tiêu đề của các tệp dữ liệu; không ghi gì."),
        discussion: vi("Mã thoát: 0 hợp lệ; 1 một tệp dữ liệu thiếu cột bắt buộc hoặc không đọc được; 2 lỗi cấu hình."))

    @Argument(help: ArgumentHelp(vi("Tệp pipeline (YAML)."))) var pipeline: String
    @Flag(help: ArgumentHelp(vi("In một tài liệu JSON (cả khi có lỗi cấu hình) thay cho văn bản."))) var json = false

    /// `validate --json`.
    struct Document: Codable {
        struct File: Codable {
            var source: String
            var file: String
            var problem: String?
        }
        struct Problem: Codable {
            var file: String
            var line: Int?
            var column: Int?
            var message: String
        }
        /// True when the exit code is 0.
        var ok: Bool
        var files: [File]
        /// Configuration errors (exit 2).
        var errors: [Problem]
    }

    func run() throws {
        let checks: [Validation.HeaderCheck]
        do {
            let (config, _) = try PipelineLoader.load(path: pipeline)
            checks = try Validation(config: config).run()
        } catch let error as ConfigError where json {
            try emit(Document(ok: false, files: [], errors: [problem(error)]))
            throw ExitCode(RunExit.configError.rawValue)
        } catch let errors as ConfigErrors where json {
            try emit(Document(ok: false, files: [], errors: errors.errors.map(problem)))
            throw ExitCode(RunExit.configError.rawValue)
        }
        let bad = checks.filter { $0.problem != nil }.count
        if json {
            try emit(Document(ok: bad == 0, files: checks.map { Document.File(source: $0.source.rawValue, file: $0.file, problem: $0.problem) },
                              errors: []))
            if bad > 0 { throw ExitCode(1) }
            return
        }
        for check in checks {
            if let problem = check.problem {
                Terminal.error("\(check.file): \(problem)")
            } else {
                print("ok  \(check.source.rawValue)  \(check.file)")
            }
        }
        if bad > 0 { throw ExitCode(1) }
        print("chiso: cấu hình hợp lệ; \(checks.count) tệp dữ liệu có đủ cột bắt buộc")
    }

    private func problem(_ e: ConfigError) -> Document.Problem {
        Document.Problem(file: e.file, line: e.line, column: e.column, message: e.message)
    }

    private func emit(_ document: Document) throws {
        FileHandle.standardOutput.write(try JSONDocument.encode(document))
    }
}
