@testable import ChiSo
@testable import ChiSoCore

/// A small pipeline in a temporary folder: a registry of three units and inline exports.
struct PipelineFixture {
    let dir = TempDir()

    static let registry = """
    Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên
    000.00.10.H99,"Sở Tư pháp, tỉnh Hòa Phong",Sở ban ngành,
    000.40.30.H99,UBND Huyện Đồi Mây,ubnd cấp huyện,
    101.40.30.H99,UBND Xã An Hải,xa,000.40.30.H99

    """

    static let header = "Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái,Kênh nộp,Mức độ,Có phí,Thanh toán trực tuyến\n"

    /// Writes the pipeline file (period 2023-01-01 … 2023-12-31) and returns its path.
    @discardableResult
    func pipeline(extraSources: String = "", sources: [String: String] = [:], ratio: Double = 0.5,
                  registry: String = PipelineFixture.registry, extra: String = "") -> String {
        dir.write("data/don-vi.csv", registry)
        var lines = """
        pipeline: test-dvc
        title: "Kiểm thử"
        period: {key: "2023", from: 2023-01-01, to: 2023-12-31}
        tiers:
          - {key: tinh, label: "Sở ban ngành"}
          - {key: huyen, label: "UBND cấp huyện"}
          - {key: xa, label: "UBND cấp xã"}
        sources:
          units: data/don-vi.csv
          dossiers: data/ho-so/*.csv
          max_bad_row_ratio: \(ratio)

        """
        for (k, v) in sources.sorted(by: { $0.key < $1.key }) { lines += "  \(k): \(v)\n" }
        lines += extraSources + extra
        return dir.write("pipeline.yaml", lines)
    }

    func load() throws -> (PipelineConfig, UnitRegistry) {
        let (config, _) = try PipelineLoader.load(path: dir.path + "/pipeline.yaml")
        return (config, try UnitRegistry.load(config: config))
    }

    func ingest() throws -> IngestResult {
        let (config, registry) = try load()
        return try Ingestor(config: config, registry: registry).run()
    }
}
