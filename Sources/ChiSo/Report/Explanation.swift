/// `chiso explain`: one unit's indicators, components, score, rank and award decisions, as text
/// for a terminal, in Vietnamese. What an analyst shows when a unit asks "why not us?".
public enum Explanation {
    /// The code names no reporting unit; `note` says where a unit that no longer reports went.
    public struct UnitNotFound: Error, CustomStringConvertible {
        let code: String
        let suggestions: [String]
        var note: String? = nil
        /// The message for stderr.
        public var description: String {
            if let note { return "đơn vị '\(code)': \(note)" }
            return "không có đơn vị '\(code)' trong danh mục" + (suggestions.isEmpty ? "" : "; gần giống: \(suggestions.joined(separator: ", "))")
        }
    }

    /// The reporting unit a code names in `e` (trimmed, upper-cased).
    /// - Throws: ``UnitNotFound``, saying where a unit that no longer reports went.
    public static func unitIndex(_ e: Evaluation, _ unitCode: String) throws -> Int {
        let wanted = ByteText.unitCode(unitCode)
        guard let u = e.registry.index(of: wanted) else {
            let all = e.reorganization.registry
            if let row = all.index(of: wanted), let target = e.reorganization.target[row] {
                // A unit that no longer reports: say where its dossiers went.
                throw UnitNotFound(code: wanted, suggestions: [all.units[target].code],
                                   note: "\(all.units[row].name) không còn là đơn vị báo cáo của kỳ; hồ sơ của đơn vị được tính cho \(all.units[target].code) (\(e.reorganization.describeChain(from: row)))")
            }
            let close = e.registry.units.map(\.code).filter { $0.contains(wanted) || wanted.contains($0) }.prefix(5)
            throw UnitNotFound(code: wanted, suggestions: Array(close))
        }
        return u
    }

    /// The explanation as terminal text.
    /// - Parameter heading: a first line saying where the figures come from (the run they belong to).
    public static func text(_ e: Evaluation, unitCode: String, heading: String? = nil) throws -> String {
        let u = try unitIndex(e, unitCode)
        let config = e.config
        let unit = e.registry.units[u]
        let tierLabel = config.tiers.first { $0.key == unit.tier }?.label ?? unit.tier
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        if let heading { line(heading) }
        line("\(unit.code) — \(unit.name)")
        line("Cấp: \(unit.tier) (\(tierLabel)); pipeline \(config.pipeline), kỳ \(config.period.key) "
             + "(\(PortalDate.iso(config.period.from)) … \(PortalDate.iso(config.period.to))), số liệu đến \(PortalDate.iso(e.dates.asOf))")
        if e.reorganization.followsReorganization { reorganizationSection(e, unit: u, line: line) }
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
            if !index.groups.isEmpty {
                line("  Nhóm chỉ số (điểm nhóm tính từ điểm chưa làm tròn, theo cách tính N/A của bộ chỉ số):")
                let groupWidth = index.groups.map { $0.label.count }.max()!
                for (g, subtotal) in zip(index.groups, index.groupSubtotals(s.components)) {
                    line("    " + pad(g.label, groupWidth) + "  " + leftPad(subtotal.map(Format.fixed2) ?? "N/A", 7) + " / " + Format.amount(g.points))
                }
            }
            let figures = index.reconciled(s, external: e.references[.external])
            if !figures.isEmpty {
                line("  Đối chiếu với cổng quốc gia (chiso / cổng công bố / chênh lệch, cho phép ±\(Format.amount(index.reconciliation!.tolerance))):")
                for f in figures {
                    let diff = f.difference.map { ($0 > 0 ? "+" : "") + Format.fixed2($0) } ?? "—"
                    line("    \(f.label): \(f.chiso.map(Format.fixed2) ?? "—") / \(f.portal.map(Format.fixed2) ?? "—") / \(diff)"
                         + (f.exceeds ? "   QUÁ MỨC CHO PHÉP: cần giải trình" : ""))
                }
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
        lateSection(e, unit: u, line: line)
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

    /// SPEC 10.4: each predecessor with its dossiers of the period and the date and kind of the change,
    /// then the unit's ancestors in the compared period.
    static func reorganizationSection(_ e: Evaluation, unit u: Int, line: (String) -> Void) {
        let reorganization = e.reorganization
        let all = reorganization.registry
        guard let row = reorganization.reportingIndex.firstIndex(of: u) else { return }
        let direct = e.table.inPeriodByRow
        let ancestors = e.ancestors[row] ?? []
        var contributors = direct.count == all.units.count ? reorganization.contributors(to: row, direct: direct) : []
        // Ancestors with no dossier in this period are predecessors too (SPEC 10.4): listed with 0.
        for a in ancestors where a != row && !contributors.contains(where: { $0.row == a }) { contributors.append((a, 0)) }
        contributors.sort { $0.row < $1.row }
        line("")
        line("SẮP XẾP ĐƠN VỊ")
        line("  Hồ sơ của kỳ nhận trực tiếp bằng mã của đơn vị: \(direct.count == all.units.count ? direct[row] : 0)")
        if contributors.isEmpty {
            line("  Không có đơn vị nào khác chuyển hồ sơ của kỳ sang đơn vị này.")
        } else {
            line("  Đơn vị trước sắp xếp (hồ sơ của kỳ được tính cho đơn vị này):")
            let width = max(12, contributors.map { all.units[$0.row].code.count }.max()!)
            for (p, count) in contributors {
                let unit = all.units[p]
                line("    " + pad(unit.code, width) + "  " + leftPad(String(count), 6) + " hồ sơ  " + unit.name)
                line("      " + reorganization.describeChain(from: p))
            }
        }
        if let previous = e.config.compareTo {
            let names = ancestors.map { all.units[$0].code }.joined(separator: ", ")
            switch ancestors.count {
            case 0: line("  So với kỳ \(previous): không có đơn vị tiền thân được xếp hạng (hoặc kỳ \(previous) chưa chạy), nên không có xếp hạng kỳ trước")
            case 1: line("  So với kỳ \(previous): đơn vị tiền thân \(names)")
            default: line("  So với kỳ \(previous): hợp nhất từ \(ancestors.count) đơn vị (\(names)), nên không có xếp hạng kỳ trước")
            }
        }
    }

    /// The unit's late dossiers of the period (finished late, or open past their deadline at as_of): the
    /// dossiers that cost it on-time points, with where each was read.
    static func lateSection(_ e: Evaluation, unit u: Int, line: (String) -> Void) {
        let store = e.ingest.store
        guard !store.dossiers.isEmpty, let row = e.reorganization.reportingIndex.firstIndex(of: u) else { return }
        var late: [(id: String, d: Dossier, outcome: DossierClass.Outcome)] = []
        for i in store.dossiers.indices {
            let d = store.dossiers[i]
            guard (e.reorganization.target[Int(d.unit)] ?? -1) == row,
                  case let .inPeriod(_, outcome) = classify(d, e.dates), outcome.isLate else { continue }
            late.append((store.id(i), d, outcome))
        }
        line("")
        line("HỒ SƠ TRỄ HẠN TRONG KỲ: \(late.count)" + (late.isEmpty ? "" : " (mỗi hồ sơ làm giảm tỷ lệ giải quyết đúng hạn)"))
        for x in late.prefix(30) {
            let due = x.d.due.map(PortalDate.iso) ?? "—"
            let state = x.outcome == .finishedLate
                ? "có kết quả \(x.d.finished.map(PortalDate.iso) ?? "—"), quá \(Int(x.d.finished! - x.d.due!)) ngày"
                : "chưa có kết quả, quá hạn \(Int(e.dates.asOf - x.d.due!)) ngày đến \(PortalDate.iso(e.dates.asOf))"
            let file = e.ingest.file(x.d.ref.file)?.file ?? ""
            line("  \(x.id)  nhận \(PortalDate.iso(x.d.received)), hẹn \(due), \(state)  [\(file):\(x.d.ref.line)]")
        }
        if late.count > 30 { line("  … và \(late.count - 30) hồ sơ khác (xem v_dossiers trong kho dữ liệu)") }
    }

    static func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
    static func leftPad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
}
