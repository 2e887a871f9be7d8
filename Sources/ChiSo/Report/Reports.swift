/// The Office CSVs of SPEC 7.1 as bytes (pure: no files here).
public enum Reports {
    /// Units ordered by tier (pipeline order), then `unit_code` byte-wise: `chi-tieu.csv`'s row order.
    public static func unitOrder(_ registry: UnitRegistry, _ config: PipelineConfig) -> [Int] {
        UnitOrder.sorted(registry.units.indices, units: registry.units, tierOrder: config.tierOrder)
    }

    /// The leading columns of `chi-tieu.csv` and `chi-so-*.csv`: unit, name, tier, and with a crosswalk
    /// the `predecessors` column (SPEC 10.4), as (key, label).
    static func unitColumns(predecessors: Bool) -> [(String, String)] {
        [("unit_code", "Mã đơn vị"), ("unit_name", "Tên đơn vị"), ("tier", "Cấp")]
            + (predecessors ? [("predecessors", "Đơn vị trước sắp xếp")] : [])
    }

    /// A table of (key, label, kind) columns, headed by keys or labels.
    static func table(_ columns: [(String, String, ReportTable.Kind)], style: HeaderStyle) -> ReportTable {
        ReportTable(keys: columns.map(\.0), header: columns.map { style == .keys ? $0.0 : $0.1 }, kinds: columns.map(\.2))
    }

    static func unitCells(_ registry: UnitRegistry, _ u: Int, predecessors: [String]?) -> [String] {
        let unit = registry.units[u]
        return [unit.code, unit.name, unit.tier] + (predecessors.map { [$0[u]] } ?? [])
    }

    /// `chi-tieu.csv`: one row per unit, the indicators of SPEC 4 in order.
    /// - Parameter predecessors: per unit, the `predecessors` cell; nil without a crosswalk (no column).
    public static func indicators(_ table: IndicatorTable, registry: UnitRegistry, config: PipelineConfig,
                                  style: HeaderStyle, predecessors: [String]? = nil) -> ReportTable {
        var out = Self.table(unitColumns(predecessors: predecessors != nil).map { ($0.0, $0.1, .text) }
                             + Indicator.allCases.map { ($0.rawValue, $0.label, .integer) }, style: style)
        for u in unitOrder(registry, config) {
            out.append(unitCells(registry, u, predecessors: predecessors) + table.rows[u].counts.map(String.init))
        }
        return out
    }

    static let findingKeys = ["severity", "code", "source", "file", "line", "column", "value", "dossier_id",
                              "unit_code", "message"]
    static let findingLabels = ["Mức độ", "Mã lỗi", "Nguồn", "Tệp", "Dòng", "Cột", "Giá trị", "Mã hồ sơ",
                                "Mã đơn vị", "Mô tả"]

    /// `chat-luong-du-lieu.csv`: every finding, in SPEC 7.1's order (`ordered`: they already are, from
    /// ``sortedFindings(_:)``, so that a report building the table twice sorts once).
    public static func findings(_ findings: [Finding], style: HeaderStyle, ordered: Bool = false) -> ReportTable {
        var out = ReportTable(keys: findingKeys, header: style == .keys ? findingKeys : findingLabels,
                              kinds: findingKeys.map { $0 == "line" ? .integer : .text })
        for f in ordered ? findings : sortedFindings(findings) {
            out.append([f.severity.rawValue, f.code.rawValue, f.source.rawValue, f.file, f.line.map(String.init) ?? "",
                        f.column, f.value, f.dossierID, f.unitCode, f.message])
        }
        return out
    }

    /// Findings in report order (stable, so equal keys keep reading order).
    public static func sortedFindings(_ findings: [Finding]) -> [Finding] {
        Finding.reportPermutation(findings).map { findings[$0] }
    }
}
