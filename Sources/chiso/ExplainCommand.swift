import ArgumentParser
import ChiSo
import Foundation

/// `chiso explain PIPELINE.yaml UNIT`: why a unit has its score, rank and award decision.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: vi("Giải thích một đơn vị: chỉ tiêu, điểm từng thành phần, xếp hạng và lý do khen thưởng."),
        discussion: vi("""
        Mặc định lấy đúng số liệu của lần chạy thành công cuối của kỳ (như trong các tệp CSV của lần đó). \
        --as-of khác ngày của lần chạy đó thì tính lại trực tiếp từ dữ liệu, không ghi gì.
        """))

    @Argument(help: ArgumentHelp(vi("Tệp pipeline (YAML)."))) var pipeline: String
    @Argument(help: ArgumentHelp(vi("Mã đơn vị."))) var unit: String
    @Option(name: .customLong("as-of"), help: ArgumentHelp(vi("Ngày chốt số liệu (yyyy-MM-dd); mặc định: của lần chạy thành công cuối."))) var asOf: String?
    @OptionGroup var warehouseOptions: WarehouseOptions
    @Flag(help: ArgumentHelp(vi("In một tài liệu JSON thay cho văn bản."))) var json = false

    func run() throws {
        let wanted = try parseDay(asOf, "--as-of")
        let (config, sections) = try PipelineLoader.load(path: pipeline)
        let warehouse = try Warehouse(existing: warehouseOptions.location)
        let key = PeriodKey(pipeline: config.pipeline, period: config.period.key)
        let last = try warehouse.lastSuccessfulRun(key)
        let evaluation: Evaluation
        let source: String
        let heading: String
        if let last, let lastAsOf = last.asOf, wanted == nil || wanted == lastAsOf {
            var options = StageOptions()
            options.asOf = lastAsOf
            let runner = try StageRunner(config: config, sections: sections, options: options, warehouse: warehouse)
            evaluation = try runner.storedEvaluation()
            source = "warehouse"
            var text = "Theo lần chạy thành công cuối (\(last.finishedAt), số liệu đến \(PortalDate.iso(lastAsOf))) trong \(warehouseOptions.display)"
            let stale = try runner.plan().filter { $0.run && $0.stage != .report }.map(\.stage.rawValue)
            if !stale.isEmpty {
                text += "\nLưu ý: dữ liệu hoặc cấu hình đã đổi từ lần chạy đó (cũ: \(stale.joined(separator: ", "))); chạy 'chiso run' để cập nhật"
            }
            heading = text
        } else {
            let compared = try config.compareTo.map {
                try warehouse.comparedPeriod(pipeline: config.pipeline, period: $0, indices: config.indices.map(\.key))
            }
            evaluation = try PipelineEvaluator(config: config, options: StageOptions(asOf: wanted)).evaluate(compared: compared)
            source = "computed"
            heading = last == nil
                ? "Kỳ này chưa có lần chạy thành công trong \(warehouseOptions.display): số liệu tính trực tiếp từ dữ liệu, chưa ghi vào đâu"
                : "Số liệu tính trực tiếp từ dữ liệu với --as-of \(PortalDate.iso(evaluation.dates.asOf)) (khác lần chạy cuối), chưa ghi vào đâu"
        }
        if evaluation.ingest.failed {
            Terminal.reportFailedFiles(evaluation.files, findings: evaluation.findings)
            Terminal.error("chiso: dữ liệu đầu vào lỗi; chạy 'chiso run' để có danh sách lỗi đầy đủ.")
            throw ExitCode(1)
        }
        do {
            if json {
                FileHandle.standardOutput.write(try ExplanationDocument(evaluation, unitCode: unit, source: source).encoded())
            } else {
                print(try Explanation.text(evaluation, unitCode: unit, heading: heading), terminator: "")
            }
        } catch let error as Explanation.UnitNotFound {
            throw ConfigError(file: "UNIT", error.description)
        }
    }
}
