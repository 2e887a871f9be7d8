import ArgumentParser
import ChiSo

/// `chiso explain PIPELINE.yaml UNIT`: why a unit has its score, rank and award decision.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Giải thích một đơn vị: chỉ tiêu, điểm từng thành phần, xếp hạng và lý do khen thưởng.")

    @Argument(help: "Tệp pipeline (YAML).") var pipeline: String
    @Argument(help: "Mã đơn vị.") var unit: String
    @Option(name: .customLong("as-of"), help: "Ngày chốt số liệu (yyyy-MM-dd).") var asOf: String?
    @Option(help: "Kho dữ liệu SQLite (cho thứ hạng kỳ trước).") var db: String = "var/chiso.sqlite"

    func run() throws {
        var asOfDay: Day?
        if let asOf {
            guard let d = PortalDate.parseISO(asOf) else { throw ConfigError(file: "--as-of", "cần ngày dạng yyyy-MM-dd") }
            asOfDay = d
        }
        let (config, _) = try PipelineLoader.load(path: pipeline)
        let warehouse = try Warehouse(readingFrom: db)
        let compared = try config.compareTo.map {
            try warehouse.comparedPeriod(pipeline: config.pipeline, period: $0, indices: config.indices.map(\.key))
        }
        let evaluation = try PipelineEvaluator(config: config, options: RunOptions(asOf: asOfDay)).evaluate(compared: compared)
        if evaluation.ingest.failed {
            Terminal.reportFailedFiles(evaluation.files, findings: evaluation.findings)
            Terminal.error("chiso: dữ liệu đầu vào lỗi; chạy 'chiso run' để có danh sách lỗi đầy đủ.")
            throw ExitCode(1)
        }
        do {
            print(try Explanation.text(evaluation, unitCode: unit), terminator: "")
        } catch let error as Explanation.UnitNotFound {
            throw ConfigError(file: "UNIT", error.description)
        }
    }
}
