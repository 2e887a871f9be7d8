/// The Office CSVs of SPEC 7.1 as bytes (pure: no files here).
public enum Reports {
    /// Units ordered by tier (pipeline order), then `unit_code` byte-wise: `chi-tieu.csv`'s row order.
    public static func unitOrder(_ registry: UnitRegistry, _ config: PipelineConfig) -> [Int] {
        registry.units.indices.sorted { a, b in
            let ua = registry.units[a], ub = registry.units[b]
            let ta = config.tierOrder(ua.tier), tb = config.tierOrder(ub.tier)
            if ta != tb { return ta < tb }
            return ua.code.utf8.lexicographicallyPrecedes(ub.code.utf8)
        }
    }

    /// The leading columns of `chi-tieu.csv` and `chi-so-*.csv`: unit, name, tier, and with a crosswalk
    /// the `predecessors` column (SPEC 10.4).
    static func unitHeader(_ style: HeaderStyle, predecessors: Bool) -> [String] {
        (style == .keys ? ["unit_code", "unit_name", "tier"] : ["Mã đơn vị", "Tên đơn vị", "Cấp"])
            + (predecessors ? [style == .keys ? "predecessors" : "Đơn vị trước sắp xếp"] : [])
    }

    static func unitCells(_ registry: UnitRegistry, _ u: Int, predecessors: [String]?) -> [String] {
        let unit = registry.units[u]
        return [unit.code, unit.name, unit.tier] + (predecessors.map { [$0[u]] } ?? [])
    }

    /// `chi-tieu.csv`: one row per unit, the indicators of SPEC 4 in order.
    /// - Parameter predecessors: per unit, the `predecessors` cell; nil without a crosswalk (no column).
    public static func indicators(_ table: IndicatorTable, registry: UnitRegistry, config: PipelineConfig,
                                  style: HeaderStyle, predecessors: [String]? = nil) -> OfficeCSV {
        let header = unitHeader(style, predecessors: predecessors != nil)
            + Indicator.allCases.map { style == .keys ? $0.rawValue : $0.label }
        var csv = OfficeCSV(header: header)
        for u in unitOrder(registry, config) {
            csv.append(unitCells(registry, u, predecessors: predecessors) + table.rows[u].counts.map(String.init))
        }
        return csv
    }

    static let findingKeys = ["severity", "code", "source", "file", "line", "column", "value", "dossier_id",
                              "unit_code", "message"]
    static let findingLabels = ["Mức độ", "Mã lỗi", "Nguồn", "Tệp", "Dòng", "Cột", "Giá trị", "Mã hồ sơ",
                                "Mã đơn vị", "Mô tả"]

    /// `chat-luong-du-lieu.csv`: every finding, in SPEC 7.1's order.
    public static func findings(_ findings: [Finding], style: HeaderStyle) -> OfficeCSV {
        var csv = OfficeCSV(header: style == .keys ? findingKeys : findingLabels)
        for f in sortedFindings(findings) {
            csv.append([f.severity.rawValue, f.code.rawValue, f.source.rawValue, f.file, f.line.map(String.init) ?? "",
                        f.column, f.value, f.dossierID, f.unitCode, f.message])
        }
        return csv
    }

    /// Findings in report order (stable, so equal keys keep reading order).
    public static func sortedFindings(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted { a, b in
            if Finding.reportOrder(a.element, b.element) { return true }
            if Finding.reportOrder(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }
}
