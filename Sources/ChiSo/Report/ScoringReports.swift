/// `chi-so-INDEX.csv` and `khen-thuong-AWARD.csv` (SPEC 7.1), as bytes.
extension Reports {
    /// Rows ordered by tier (pipeline order), then rank (empty last), then unit code.
    static func rankedOrder(_ scores: [UnitScore], registry: UnitRegistry, config: PipelineConfig) -> [Int] {
        UnitOrder.sorted(registry.units.indices, units: registry.units, tierOrder: config.tierOrder) { scores[$0].rank }
    }

    /// `chi-so-INDEX.csv`: each component's numerator, denominator, rate (%) and points, then the score.
    /// - Parameter predecessors: per unit, the `predecessors` cell; nil without a crosswalk (no column).
    /// - Parameter external: the `external` table by unit, for the reconciliation columns.
    public static func index(_ index: IndexConfig, scores: [UnitScore], registry: UnitRegistry,
                             config: PipelineConfig, style: HeaderStyle, predecessors: [String]? = nil,
                             external: ReferenceTable? = nil) -> ReportTable {
        var columns: [(String, String, ReportTable.Kind)] = unitColumns(predecessors: predecessors != nil).map { ($0.0, $0.1, .text) }
        for c in index.components {
            columns += [("\(c.key).numerator", "\(c.label): tử số", .amount), ("\(c.key).denominator", "\(c.label): mẫu số", .amount),
                        ("\(c.key).rate", "\(c.label): tỷ lệ (%)", .fixed2), ("\(c.key).points", "\(c.label): điểm", .fixed2)]
        }
        for g in index.groups { columns.append(("\(g.key).points", "Nhóm \(g.label): điểm", .fixed2)) }
        columns += [("score", "Tổng điểm", .fixed2), ("band", "Xếp loại", .text), ("rank", "Xếp hạng", .integer),
                    ("prev_rank", "Xếp hạng kỳ trước", .integer), ("rank_change", "Thay đổi thứ hạng", .integer)]
        for item in index.reconciledItems {
            let label = item.key == "score" ? "Tổng điểm" : "Nhóm \(item.label)"
            columns += [("\(item.key).portal", "\(label): điểm cổng quốc gia", .fixed2),
                        ("\(item.key).difference", "\(label): chênh lệch", .fixed2)]
        }
        var csv = table(columns, style: style)
        for u in rankedOrder(scores, registry: registry, config: config) {
            let s = scores[u]
            var row = unitCells(registry, u, predecessors: predecessors)
            for r in s.components {
                row += [r.numerator.map(Format.amount) ?? "", r.denominator.map(Format.amount) ?? "",
                        r.rate.map { Format.fixed2($0 * 100) } ?? "", r.points.map(Format.fixed2) ?? ""]
            }
            row += index.groupSubtotals(s.components).map { $0.map(Format.fixed2) ?? "" }
            row += [s.score.map(Format.fixed2) ?? "", s.band ?? "", s.rank.map(String.init) ?? "",
                    s.prevRank.map(String.init) ?? "", s.rankChange.map(String.init) ?? ""]
            for f in index.reconciled(s, external: external) {
                row += [f.portal.map(Format.fixed2) ?? "", f.difference.map(Format.fixed2) ?? ""]
            }
            csv.append(row)
        }
        return csv
    }

    /// `khen-thuong-AWARD.csv`: every unit of the award's groups with its decision and reasons.
    public static func award(_ decisions: [AwardDecision], scores: [UnitScore], registry: UnitRegistry,
                             style: HeaderStyle) -> ReportTable {
        var csv = table([("tier", "Cấp", .text), ("unit_code", "Mã đơn vị", .text), ("unit_name", "Tên đơn vị", .text),
                         ("score", "Tổng điểm", .fixed2), ("rank", "Xếp hạng", .integer), ("eligible", "Đủ điều kiện", .boolean),
                         ("selected", "Được đề nghị", .boolean), ("position", "Thứ tự đề nghị", .integer),
                         ("individuals", "Số cá nhân đề nghị", .integer), ("reasons", "Lý do", .text)], style: style)
        for d in decisions {
            let unit = registry.units[d.unit], s = scores[d.unit]
            csv.append([unit.tier, unit.code, unit.name, s.score.map(Format.fixed2) ?? "", s.rank.map(String.init) ?? "",
                        Format.boolean(d.eligible), Format.boolean(d.selected), d.position.map(String.init) ?? "",
                        d.individuals.map(String.init) ?? "", d.reasons])
        }
        return csv
    }
}
