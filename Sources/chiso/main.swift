import ArgumentParser
import ChiSo
#if canImport(Glibc)
import Glibc
#endif

// chiso's own entry point, so that usage errors exit 2 (SPEC 8) rather than ArgumentParser's 64.
StageRunner.startTraceClock()
let code: Int32
if CommandLine.arguments.count == 1 {
    // No subcommand is a usage error for cron's sake, not a request for help.
    Terminal.error(Chiso.helpMessage())
    exit(RunExit.configError.rawValue)
}
do {
    var command = try Chiso.parseAsRoot()
    try command.run()
    code = 0
} catch let exit as ExitCode {
    code = exit.rawValue
} catch let error as ConfigError {
    Terminal.error("chiso: lỗi cấu hình: \(error.description)")
    code = RunExit.configError.rawValue
} catch let error as ConfigErrors {
    Terminal.error("chiso: lỗi cấu hình:\n\(error.description)")
    code = RunExit.configError.rawValue
} catch let error as OutputError {
    Terminal.error("chiso: lỗi môi trường: \(error.description); kiểm tra ổ đĩa và đường dẫn --out rồi chạy lại (kết quả cũ giữ nguyên)")
    code = RunExit.environment.rawValue
} catch let error where error is EnvironmentError || error is XlsxFile.WriteError || error is PostgresError {
    // A PostgresError here failed outside a run's own handling (while planning, or under status/explain).
    Terminal.error("chiso: lỗi môi trường: \(error is PostgresError ? "kho dữ liệu PostgreSQL: " : "")\(error)")
    code = RunExit.environment.rawValue
} catch {
    if Chiso.exitCode(for: error) == .success {
        print(Chiso.fullMessage(for: error))
        code = 0
    } else {
        Terminal.error(Chiso.fullMessage(for: error))
        code = RunExit.configError.rawValue
    }
}
StageRunner.trace("exits")
exit(code)
