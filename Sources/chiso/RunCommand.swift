import ArgumentParser
import ChiSo
import Foundation
import Logging

/// `chiso run PIPELINE.yaml`: the stages that are not up to date, over the warehouse.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: vi("Chạy pipeline: các giai đoạn chưa cập nhật, trên kho dữ liệu (SQLite hoặc PostgreSQL)."),
        discussion: vi("""
        Giai đoạn (theo thứ tự): ingest.units (danh mục đơn vị và danh mục sắp xếp), ingest.targets, \
        ingest.external, ingest.dossiers, ingest.late, ingest.postal, ingest.digitized, normalize, indices, \
        awards, report. 'ingest' chọn mọi giai đoạn ingest.

        Không có terminal (cron): chạy thành công thì không in gì; lỗi in ra stderr. --verbose in một dòng \
        mỗi giai đoạn. Mã thoát: 0 thành công; 1 tệp dữ liệu lỗi; 2 lỗi cấu hình; 74 lỗi môi trường; 75 đang có lần chạy khác.
        """))

    @Argument(help: ArgumentHelp(vi("Tệp pipeline (YAML)."))) var pipeline: String
    @Option(name: .customLong("as-of"), help: ArgumentHelp(vi("Ngày chốt số liệu (yyyy-MM-dd); mặc định: ngày cuối kỳ."))) var asOf: String?
    @Option(name: .customLong("stage"), help: ArgumentHelp(vi("Chỉ chạy các giai đoạn này (cách nhau bởi dấu phẩy), từ kết quả đã lưu."))) var stage: String?
    @Option(name: .customLong("from"), help: ArgumentHelp(vi("Chạy giai đoạn này và mọi giai đoạn sau nó."))) var from: String?
    @Flag(help: ArgumentHelp(vi("Chạy lại cả những giai đoạn đã cập nhật."))) var force = false
    @Flag(name: .customLong("dry-run"), help: ArgumentHelp(vi("Chỉ in những gì sẽ chạy và vì sao; không thay đổi gì."))) var dryRun = false
    @OptionGroup var warehouseOptions: WarehouseOptions
    @Option(help: ArgumentHelp(vi("Thư mục đầu ra."))) var out: String = "out"
    @Option(name: .customLong("header-style"), help: ArgumentHelp(vi("Tiêu đề cột: vi (tiếng Việt) hoặc keys."))) var headerStyle: String = "vi"
    @Flag(help: ArgumentHelp(vi("In một dòng cho mỗi giai đoạn, cả khi không có terminal."))) var verbose = false
    @Flag(help: ArgumentHelp(vi("Không in gì khi chạy thành công, cả trên terminal."))) var quiet = false

    func validate() throws {
        if stage != nil && from != nil { throw ValidationError("--stage và --from không dùng cùng nhau") }
        if verbose && quiet { throw ValidationError("--verbose và --quiet không dùng cùng nhau") }
    }

    func run() throws {
        var options = StageOptions()
        guard let style = HeaderStyle(rawValue: headerStyle) else { throw ConfigError(file: "--header-style", "dùng vi hoặc keys") }
        options.headerStyle = style
        options.asOf = try parseDay(asOf, "--as-of")
        options.outDirectory = out
        options.force = force
        options.only = stage.map { $0.split(separator: ",").map(String.init) }
        options.from = from
        options.command = CommandLine.arguments.joined(separator: " ")
        let (config, sections) = try PipelineLoader.load(path: pipeline)
        StageRunner.trace("pipeline loaded")

        if dryRun {
            let runner = try StageRunner(config: config, sections: sections, options: options, warehouse: try Warehouse(readingFrom: warehouseOptions.location))
            for p in try runner.plan() {
                print("\(pad(p.stage.rawValue, 17)) \(p.run ? "chạy   " : "bỏ qua ") \(p.reason)")
            }
            return
        }
        // One run at a time: per SQLite file (a flock beside it, taken before the file opens), or per
        // pipeline on a shared PostgreSQL (an advisory lock; other pipelines run at once).
        let location = warehouseOptions.location
        let lock: AnyObject
        do {
            switch location {
            case let .sqlite(path): lock = try RunLock(warehouse: path)
            case let .postgres(address): lock = try PostgresRunLock(address, pipeline: config.pipeline)
            }
        } catch let held as RunLock.Held {
            Terminal.error("chiso: \(held.description)")
            throw ExitCode(RunExit.locked.rawValue)
        }
        defer { withExtendedLifetime(lock) {} }
        // The warehouse opens first: a corrupt one stops the run before anything is made under --out.
        StageRunner.trace("warehouse locked")
        let runner = try StageRunner(config: config, sections: sections, options: options, warehouse: try Warehouse(creating: location))
        StageRunner.trace("warehouse opened")
        let outputLock: RunLock
        do { outputLock = try RunLock(outputFolder: runner.outputDirectory) } catch let held as RunLock.Held {
            Terminal.error("chiso: \(held.description)")
            throw ExitCode(RunExit.locked.rawValue)
        }
        defer { withExtendedLifetime(outputLock) {} }
        let progress = ProgressLog(prefix: "\(config.pipeline)/\(config.period.key)", outputDirectory: runner.outputDirectory,
                                   logger: Verbosity.logger(verbose: verbose, quiet: quiet))
        runner.onStage = progress.stage
        runner.deferInputHashes = true  // a first run (or --force) hashes its exports while it reads them
        let result = try runner.run(try runner.plan())
        if result.exit == .success {
            progress.finish(result)
            StageRunner.trace("run reported")
            return
        }
        Terminal.error("chiso: dữ liệu đầu vào lỗi; không ghi kết quả mới (kho dữ liệu và kết quả cũ giữ nguyên).")
        Terminal.reportFailedFiles(result.files, findings: result.findings)
        Terminal.error("Chi tiết từng dòng: \(result.written.first ?? "")")
        throw ExitCode(result.exit.rawValue)
    }
}

/// `yyyy-MM-dd` from the command line.
func parseDay(_ text: String?, _ option: String) throws -> Day? {
    guard let text else { return nil }
    guard let d = PortalDate.parseISO(text) else { throw ConfigError(file: option, PortalDate.isoProblem(text)) }
    return d
}

func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }

/// One line per stage, through the logger at `.info`: on a terminal with rows, MB and rate, then a findings
/// summary and where the outputs are; otherwise (with `--verbose`) a plain log line per stage.
final class ProgressLog {
    let prefix: String
    let outputDirectory: String
    let terminal = Terminal.stderrIsTerminal
    let logger: Logger

    init(prefix: String, outputDirectory: String, logger: Logger) {
        self.prefix = prefix
        self.outputDirectory = outputDirectory
        self.logger = logger
    }

    /// Ingest stages run and commit together: their bytes add up to one rate, shown once.
    private var ingestBytes = 0
    private var ingestSeconds = 0.0
    private var ingestShown = false

    func stage(_ r: StageReport) {
        if r.stage.isIngest {
            ingestBytes += r.ran ? r.bytes ?? 0 : 0
            ingestSeconds = max(ingestSeconds, r.ran ? r.seconds : 0)
        } else if !ingestShown {
            ingestShown = true
            if terminal && ingestBytes > 0 {
                let mb = Double(ingestBytes) / 1_048_576
                logger.info("  \(pad("ingest (cả nhóm)", 17))         \(String(format: "%.1f MB  %.1f MB/s  %.2f s", mb, ingestSeconds > 0 ? mb / ingestSeconds : 0, ingestSeconds))")
            }
        }
        let rows = r.rows.map { "\($0) dòng" } ?? ""
        // The report's line says where the outputs are.
        let out = r.stage == .report ? " out=\(outputDirectory)" : ""
        if terminal {
            let status = r.ran ? "chạy   " : "bỏ qua "
            let size = r.ran && r.stage.isIngest ? String(format: "%7.1f MB", Double(r.bytes ?? 0) / 1_048_576)
                : (r.ran ? String(format: "%7.2f s ", r.seconds) : "         ")
            logger.info("  \(pad(r.stage.rawValue, 17)) \(status) \(pad(rows, 13)) \(size)  \(r.ran ? r.reason : "")\(out)")
        } else {
            logger.info("chiso \(prefix) \(r.stage.rawValue) \(r.ran ? "ran" : "skipped") rows=\(r.rows.map(String.init) ?? "-") seconds=\(String(format: "%.3f", r.seconds))\(r.ran ? " reason=\"\(r.reason)\"" : "")\(out)")
        }
    }

    /// On a terminal: the findings summary and the outputs (at `.info`, so `--quiet` silences it).
    func finish(_ result: RunResult) {
        guard terminal else { return }
        for line in FindingsSummary(findings: result.findings, files: result.files).lines { logger.info("\(line)") }
        logger.info("chiso: kết quả ở \(outputDirectory)/")
        for path in result.written { logger.info("  \(path)") }
    }
}
