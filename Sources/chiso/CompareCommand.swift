import ArgumentParser
import ChiSo
import Foundation

/// `chiso compare PIPELINE_KEY... --period P`: the pipelines (provinces) of one warehouse side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: vi("So sánh các pipeline (các tỉnh) cùng một kho dữ liệu: phân bố điểm và các đơn vị dẫn đầu."),
        discussion: vi("Mỗi pipeline: số đơn vị có điểm, thấp nhất, trung vị, cao nhất, và ba đơn vị điểm cao nhất của kỳ."))

    @Argument(help: ArgumentHelp(vi("Khóa pipeline (khóa `pipeline:` trong tệp YAML), một hoặc nhiều."))) var pipelines: [String]
    @Option(help: ArgumentHelp(vi("Kỳ (khóa kỳ, ví dụ 2024)."))) var period: String
    @Option(help: ArgumentHelp(vi("Khóa chỉ số; mặc định: chỉ số duy nhất của mỗi pipeline."))) var index: String?
    @OptionGroup var warehouseOptions: WarehouseOptions
    @Flag(help: ArgumentHelp(vi("In bảng dạng CSV (UTF-8 có BOM, như các tệp đầu ra)."))) var csv = false

    func run() throws {
        let warehouse = try Warehouse(existing: warehouseOptions.location)
        var entries: [Comparison.Entry] = []
        for pipeline in pipelines {
            let keys = try warehouse.indexKeys(pipeline: pipeline, period: period)
            guard !keys.isEmpty else {
                throw ConfigError(file: "PIPELINE", "kho dữ liệu \(warehouseOptions.display) không có điểm nào của pipeline '\(pipeline)' kỳ \(period)")
            }
            let key: String
            if let index {
                guard keys.contains(index) else {
                    throw ConfigError(file: "--index", "pipeline '\(pipeline)' kỳ \(period) không có chỉ số '\(index)'; có: \(keys.joined(separator: ", "))")
                }
                key = index
            } else {
                guard keys.count == 1 else {
                    throw ConfigError(file: "--index", "pipeline '\(pipeline)' có nhiều chỉ số (\(keys.joined(separator: ", "))); chọn một bằng --index")
                }
                key = keys[0]
            }
            entries.append(Comparison.Entry(pipeline: pipeline, index: key,
                                            units: try warehouse.scoredUnits(pipeline: pipeline, period: period, index: key)))
        }
        let table = Comparison(entries: entries).table
        if csv {
            FileHandle.standardOutput.write(Data(table.bytes))
            return
        }
        print("So sánh kỳ \(period) — kho dữ liệu \(warehouseOptions.display)")
        let widths = [max(8, entries.map(\.pipeline.count).max() ?? 0), 8, 9, 9, 9, 9]
        print("  " + zip(["Pipeline", "Chỉ số", "Đơn vị", "Thấp nhất", "Trung vị", "Cao nhất"], widths).map { pad($0, $1) }.joined(separator: " ") + "  Dẫn đầu")
        for row in table.rows {
            let leaders = stride(from: 6, to: row.count, by: 3).compactMap { i in row[i].isEmpty ? nil : "\(row[i]) \(row[i + 1]) (\(row[i + 2]))" }
            print("  " + zip(row.prefix(6), widths).map { pad($0, $1) }.joined(separator: " ") + "  " + leaders.joined(separator: "; "))
        }
    }
}
