import ChiSoCore
import Foundation

/// Everything the Office workbook shows: the report's tables with Vietnamese headers in sheet order, the
/// findings in report order, the overview, the pipeline and `as_of`. The workbook is a function of these
/// (``XlsxFile`` is deterministic), so equal inputs give the same bytes: what lets a run start the workbook
/// before the report stage and the report take it only when it would have built the same one.
struct WorkbookInputs: Sendable, Equatable {
    let config: PipelineConfig
    let asOf: Day
    let sheetNames: [String]
    let tables: [ReportTable]
    let findings: [Finding]
    let overview: ReportTable

    init(config: PipelineConfig, asOf: Day, sheets: [(name: String, table: ReportTable)], findings: [Finding], overview: ReportTable) {
        self.config = config
        self.asOf = asOf
        sheetNames = sheets.map(\.name)
        tables = sheets.map(\.table)
        self.findings = findings
        self.overview = overview
    }

    static func == (a: WorkbookInputs, b: WorkbookInputs) -> Bool {
        a.config.sha256 == b.config.sha256 && a.config.path == b.config.path && a.asOf == b.asOf && a.sheetNames == b.sheetNames
            && a.tables == b.tables && a.findings == b.findings && a.overview == b.overview
    }

    /// The workbook's bytes, built on another core (its temporary files beside `path`).
    func start(besides path: String) -> Ahead<Result<[UInt8], any Error>> {
        let xlsx = Ahead<Result<[UInt8], any Error>>()
        let inputs = self
        xlsx.start {
            let findings = Reports.findings(inputs.findings, style: .vi, ordered: true)
            let workbook = OfficeWorkbook(config: inputs.config, asOf: inputs.asOf, overview: inputs.overview,
                                          tables: inputs.tables + [findings], sheetNames: inputs.sheetNames + ["Chất lượng dữ liệu"])
            return Result { try XlsxFile.bytes(workbook, besides: path) }
        }
        return xlsx
    }
}
