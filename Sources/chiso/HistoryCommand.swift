import ArgumentParser
import ChiSo
import Foundation

/// `chiso history PIPELINE.yaml UNIT`: how a unit's score, rank and band moved, run by run and period by period.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: vi("Điểm, xếp hạng và xếp loại của một đơn vị qua từng lần chạy và từng kỳ."),
        discussion: vi("""
        Mỗi lần chạy thành công giữ một bản chụp theo (pipeline, kỳ, as_of): các lần chạy hằng đêm với --as-of \
        không ghi đè nhau. Kỳ chạy bằng phiên bản cũ (chưa có bản chụp) hiện kết quả mới nhất của kỳ đó.
        """))

    @Argument(help: ArgumentHelp(vi("Tệp pipeline (YAML); mọi kỳ có cùng khóa pipeline đều được liệt kê."))) var pipeline: String
    @Argument(help: ArgumentHelp(vi("Mã đơn vị."))) var unit: String
    @Option(help: ArgumentHelp(vi("Khóa chỉ số; mặc định: chỉ số đầu tiên của pipeline."))) var index: String?
    @OptionGroup var warehouseOptions: WarehouseOptions
    @Flag(help: ArgumentHelp(vi("In một tài liệu JSON thay cho văn bản."))) var json = false

    /// `history --json`.
    struct Document: Codable {
        struct Entry: Codable {
            var period: String
            var asOf: String
            var score: Double?
            var rank: Int?
            var rankedInTier: Int
            var band: String?
            var prevRank: Int?
            var rankChange: Int?
        }
        var pipeline: String
        var unit: String
        var index: String
        var entries: [Entry]
    }

    func run() throws {
        let (config, _) = try PipelineLoader.load(path: pipeline)
        guard let indexKey = index ?? config.indices.first?.key else {
            throw ConfigError(file: config.path, "pipeline không có chỉ số nào")
        }
        guard config.indices.contains(where: { $0.key == indexKey }) else {
            throw ConfigError(file: "--index", "không có chỉ số '\(indexKey)'; có: \(config.indices.map(\.key).joined(separator: ", "))")
        }
        let code = ByteText.unitCode(unit)
        let entries = try Warehouse(existing: warehouseOptions.location).history(pipeline: config.pipeline, unit: code, index: indexKey)
        if json {
            FileHandle.standardOutput.write(try JSONDocument.encode(Document(
                pipeline: config.pipeline, unit: code, index: indexKey,
                entries: entries.map { .init(period: $0.period, asOf: $0.asOf, score: $0.score, rank: $0.rank,
                                            rankedInTier: $0.rankedInTier, band: $0.band, prevRank: $0.prevRank, rankChange: $0.rankChange) })))
            return
        }
        guard !entries.isEmpty else {
            throw ConfigError(file: "UNIT", "kho dữ liệu \(warehouseOptions.display) chưa có kết quả nào của đơn vị \(code) cho chỉ số \(indexKey) của pipeline \(config.pipeline)")
        }
        print("\(code) — pipeline \(config.pipeline), chỉ số \(indexKey)")
        print("  \(pad("Kỳ", 8)) \(pad("Số liệu đến", 11))  \("Điểm".leftPadded(7))  \("Hạng".leftPadded(8))  \("Kỳ trước".leftPadded(8))  Xếp loại")
        for e in entries {
            let rank = e.rank.map { "\($0)/\(e.rankedInTier)" } ?? "—"
            let change = e.rankChange.map { $0 > 0 ? "▲\($0)" : ($0 < 0 ? "▼\(-$0)" : "=") } ?? ""
            print("  \(pad(e.period, 8)) \(pad(e.asOf, 11))  \((e.score.map(Format.fixed2) ?? "—").leftPadded(7))  \(rank.leftPadded(8))  \(change.leftPadded(8))  \(e.band ?? "")")
        }
    }
}
