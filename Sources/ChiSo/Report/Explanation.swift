/// `chiso explain`: one unit's indicators, components, score, rank and award decisions, as text
/// for a terminal, in Vietnamese. What an analyst shows when a unit asks "why not us?".
public enum Explanation {
    public struct UnitNotFound: Error, CustomStringConvertible {
        public let code: String
        public let suggestions: [String]
        public var description: String {
            "không có đơn vị '\(code)' trong danh mục" + (suggestions.isEmpty ? "" : "; gần giống: \(suggestions.joined(separator: ", "))")
        }
    }

    public static func text(_ e: Evaluation, unitCode: String) throws -> String {
        let wanted = ByteText.unitCode(unitCode)
        guard let u = e.registry.index(of: wanted) else {
            let close = e.registry.units.map(\.code).filter { $0.contains(wanted) || wanted.contains($0) }.prefix(5)
            throw UnitNotFound(code: wanted, suggestions: Array(close))
        }
        let config = e.config
        let unit = e.registry.units[u]
        let tierLabel = config.tiers.first { $0.key == unit.tier }?.label ?? unit.tier
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("\(unit.code) — \(unit.name)")
        line("Cấp: \(unit.tier) (\(tierLabel)); pipeline \(config.pipeline), kỳ \(config.period.key) "
             + "(\(PortalDate.iso(config.period.from)) … \(PortalDate.iso(config.period.to))), số liệu đến \(PortalDate.iso(e.dates.asOf))")
        line()
        line("CHỈ TIÊU")
        let row = e.table.rows[u]
        let width = Indicator.allCases.map { $0.label.count }.max()!
        for i in Indicator.allCases {
            line("  " + pad(i.label, width) + "  " + leftPad(String(row[i]), 7) + "   " + i.rawValue)
        }
        for index in config.indices {
            let scores = e.scores[index.key]!
            let s = scores[u]
            line()
            line("CHỈ SỐ \(index.key): \(index.label)  (N/A: \(index.notApplicable.rawValue), thang điểm \(Format.amount(index.scale)))")
            let labelWidth = max(10, index.components.map { $0.label.count }.max()!)
            line("  " + pad("Thành phần", labelWidth) + "  " + leftPad("Tử số", 9) + "  " + leftPad("Mẫu số", 9) + "  "
                 + leftPad("Tỷ lệ %", 8) + "  " + leftPad("Điểm", 7) + "  " + leftPad("Tối đa", 7) + "  Đạt đủ từ")
            for (c, r) in zip(index.components, s.components) {
                line("  " + pad(c.label, labelWidth) + "  " + leftPad(r.numerator.map(Format.amount) ?? "—", 9) + "  "
                     + leftPad(r.denominator.map(Format.amount) ?? "—", 9) + "  "
                     + leftPad(r.rate.map { Format.fixed2($0 * 100) } ?? "N/A", 8) + "  "
                     + leftPad(r.points.map(Format.fixed2) ?? "N/A", 7) + "  " + leftPad(Format.amount(c.points), 7)
                     + "  " + Format.fixed2(c.fullAt * 100) + "%")
                line("    " + c.numerator.source + "  /  " + c.denominator.source)
            }
            let peers = scores.filter { e.registry.units[$0.unit].tier == unit.tier }
            let ranked = peers.filter { $0.rank != nil }.count
            if let score = s.score {
                line("  Tổng điểm: \(Format.fixed2(score)) / \(Format.amount(index.scale))"
                     + (s.band.map { "; xếp loại: \($0)" } ?? "; không đạt mức xếp loại nào")
                     + "; xếp hạng trong cấp: \(s.rank!)/\(ranked)"
                     + (s.prevRank.map { "; kỳ trước: \($0) (thay đổi \(s.rankChange!))" } ?? ""))
            } else {
                line("  Không có điểm: không thành phần nào áp dụng được (mẫu số bằng 0 hoặc thiếu số liệu)")
            }
        }
        if !config.awards.isEmpty {
            line()
            line("KHEN THƯỞNG")
        }
        for award in config.awards {
            guard let d = e.decisions[award.key]!.first(where: { $0.unit == u }) else {
                line("  \(award.label): đơn vị không thuộc nhóm xét (cấp \(unit.tier))")
                continue
            }
            let quota = award.groups[d.group].quota.map { "tối đa \($0)" } ?? "không giới hạn"
            let index = config.indices.first { $0.key == award.index }!
            let context = PredicateContext(index: index, facts: UnitFacts(indicators: e.table.rows, targets: e.references[.targets],
                                                                          external: e.references[.external]),
                                           scores: e.scores[index.key]!)
            func show(_ p: Predicate, _ indent: String) {
                let mark = context.holds(p, unit: u) ? "[đạt]      " : "[không đạt]"
                line("\(indent)\(mark) \(p.source)   (\(context.describe(p.lhs, unit: u)) \(p.op.rawValue) \(context.describe(p.rhs, unit: u)))")
            }
            if !award.eligible.isEmpty { line("  \(award.label): điều kiện") }
            for condition in award.eligible {
                switch condition {
                case let .all(p): show(p, "    ")
                case let .any(ps):
                    line("    một trong các điều kiện:")
                    for p in ps { show(p, "      ") }
                }
            }
            if d.selected {
                line("  \(award.label): ĐƯỢC ĐỀ NGHỊ, thứ tự \(d.position!) (\(quota))"
                     + (d.individuals.map { ", kèm \($0) cá nhân" } ?? ""))
            } else {
                line("  \(award.label): KHÔNG được đề nghị (\(quota))")
                for reason in d.reasons.components(separatedBy: "; ") { line("    - \(reason)") }
            }
        }
        return out
    }

    static func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
    static func leftPad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
}
