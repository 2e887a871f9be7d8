/// `bao-cao.xlsx` as data (SPEC 11.1): the sheets, in order, with the same rows and columns as the CSVs,
/// read by people: Vietnamese headers, tier labels, severity labels, and reasons that name indicators by
/// their label. Pure; ``XlsxFile`` writes it with libxlsxwriter.
public struct OfficeWorkbook: Sendable {
    /// A sheet: its (unique, ≤ 31 characters) name and its table.
    public struct Sheet: Sendable {
        let name: String
        let table: ReportTable
    }

    /// `title — kỳ KEY (from … to)`: the page header of every printed page.
    public let pageHeader: String
    /// The workbook's creation time (seconds since 1970, UTC): the as_of day, so bytes do not depend on the clock.
    public let created: Int
    let title: String
    let sheets: [Sheet]

    /// The workbook of one run.
    /// - Parameters:
    ///   - overview: the `Tổng quan` table (first sheet).
    ///   - tables: the CSVs' tables, in sheet order: chi-tieu, chi-so per index, khen-thuong per award, findings.
    ///   - sheetNames: their sheet names before cutting to 31 characters and making them unique.
    public init(config: PipelineConfig, asOf: Day, overview: ReportTable, tables: [ReportTable], sheetNames: [String]) {
        title = config.title
        pageHeader = "\(config.title) — kỳ \(config.period.key) (\(PortalDate.iso(config.period.from)) – \(PortalDate.iso(config.period.to)))"
        // Midnight in Asia/Ho_Chi_Minh (UTC+7) of the as_of day.
        created = Int(asOf) * 86_400 - 7 * 3_600
        let names = Self.sheetNames(["Tổng quan"] + sheetNames)
        let readable = tables.map { Self.forPeople($0, config: config) }
        sheets = zip(names, [overview] + readable).map { Sheet(name: $0, table: $1) }
    }

    /// Excel's sheet names: at most 31 characters (cut between characters, never inside one), none of
    /// `[]:*?/\`, unique ignoring case (a repeated name gets ` (2)`, ` (3)` …).
    public static func sheetNames(_ wanted: [String]) -> [String] {
        var used: Set<String> = []
        return wanted.map { raw in
            let clean = String(raw.map { "[]:*?/\\".contains($0) ? "-" : $0 })
            var name = String(clean.prefix(31))
            var n = 2
            while used.contains(name.lowercased()) {
                let suffix = " (\(n))"
                name = String(clean.prefix(31 - suffix.count)) + suffix
                n += 1
            }
            used.insert(name.lowercased())
            return name
        }
    }

    /// The table as people read it: tier labels instead of keys, severity labels, indicator labels in reasons.
    static func forPeople(_ table: ReportTable, config: PipelineConfig) -> ReportTable {
        var out = ReportTable(keys: table.keys, header: table.header, kinds: table.kinds)
        let tierColumn = table.keys.firstIndex(of: "tier")
        let severityColumn = table.keys.firstIndex(of: "severity")
        let reasonsColumn = table.keys.firstIndex(of: "reasons")
        let names = ReasonLabels(config: config)
        for row in table.rows {
            var cells = row
            if let c = tierColumn { cells[c] = config.tiers.first { $0.key == cells[c] }?.label ?? cells[c] }
            if let c = severityColumn { cells[c] = Severity(rawValue: cells[c])?.label ?? cells[c] }
            if let c = reasonsColumn { cells[c] = names.relabel(cells[c]) }
            out.append(cells)
        }
        return out
    }
}

/// Puts labels for the names in award reasons (`late_total = 4, cần == 0` → `Tổng hồ sơ trễ hạn = 4, cần == 0`).
struct ReasonLabels {
    let labels: [String: String]

    init(config: PipelineConfig) {
        var labels: [String: String] = [:]
        for i in Indicator.allCases { labels[i.rawValue] = i.label }
        labels["score"] = "Tổng điểm"
        labels["rank"] = "Xếp hạng"
        labels["prev_rank"] = "Xếp hạng kỳ trước"
        labels["rank_change"] = "Thay đổi thứ hạng"
        labels["band"] = "Xếp loại"
        for index in config.indices {
            for c in index.components {
                labels["rate.\(c.key)"] = "\(c.label) (tỷ lệ %)"
                labels["points.\(c.key)"] = "\(c.label) (điểm)"
            }
        }
        self.labels = labels
    }

    /// `text` with every known name (a whole ASCII identifier, `a.b` included) replaced by its label.
    func relabel(_ text: String) -> String {
        var out = ""
        var token = ""
        func flush() {
            out += labels[token] ?? token
            token = ""
        }
        for ch in text {
            if ch.isASCII && (ch.isLetter || ch.isNumber || ch == "_" || (ch == "." && !token.isEmpty)) {
                token.append(ch)
            } else {
                // A token glued to a non-ASCII letter is a Vietnamese word, not a name.
                if !token.isEmpty && ch.isLetter { out += token; token = "" }
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }
}
