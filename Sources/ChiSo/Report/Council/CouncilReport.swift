import Mustache

/// The view of `bao-cao.html` (SPEC 11.2): everything the council's report shows, computed here, so that
/// the template only lays it out. Pure; SVG geometry is computed as numbers, every text is escaped by the
/// template engine.
public struct CouncilReport: Sendable {
    struct Fact: Sendable { public let label: String; public let value: String }
    struct Bar: Sendable {
        let y: Int, width: String, label: String, score: String, textX: String
    }
    struct Threshold: Sendable { public let x: String, label: String }
    struct Row: Sendable {
        let rank: String, code: String, name: String, score: String, band: String
        let change: String, changeClass: String
        /// An inline SVG polyline's points of the unit's scores and ranks over the periods held, or empty.
        public let scorePoints: String, rankPoints: String, periods: String
        let hasHistory: Bool
        /// Group subtotals, in the index's group order.
        public let groups: [String]
    }
    struct Reconciled: Sendable {
        let code: String, name: String, item: String, chiso: String, portal: String, difference: String
        let exceeds: Bool
    }
    struct TierSection: Sendable {
        let title: String
        let rows: [Row]
        let groupHeaders: [String]
        let chartHeight: Int
        let bars: [Bar]
        let thresholds: [Threshold]
        let hasScores: Bool
    }
    struct IndexSection: Sendable {
        let title: String, subtitle: String, tiers: [TierSection]
        let reconciliation: [Reconciled]
        let hasReconciliation: Bool
        let reconciliationNote: String
    }
    struct AwardUnit: Sendable {
        let position: String, code: String, name: String, tier: String, score: String, rank: String, reasons: String
    }
    struct AwardGroup: Sendable {
        let title: String, quota: String
        let selected: [AwardUnit], leftOut: [AwardUnit], others: [AwardUnit]
        let hasSelected: Bool, hasLeftOut: Bool, hasOthers: Bool
    }
    struct AwardSection: Sendable { public let title: String, groups: [AwardGroup] }
    struct CodeCount: Sendable { public let code: String, severity: String, meaning: String, count: Int }
    struct FileCount: Sendable { public let file: String, rejected: Int, rows: Int }

    let title: String
    let facts: [Fact]
    let indices: [IndexSection]
    let awards: [AwardSection]
    let hasAwards: Bool
    let findingTotal: Int
    let severities: [Fact]
    let codes: [CodeCount]
    let files: [FileCount]
    let hasFiles: Bool

    /// Width of the bar charts' plotting area, in SVG units.
    static let chartWidth = 560.0

    /// The report of one run.
    /// - Parameters:
    ///   - registry: the reporting units.
    ///   - scores: per index key, one score per reporting unit.
    ///   - decisions: per award key, the decisions in output order.
    ///   - history: per index key, per unit code, (period, shown score, rank) over the periods the warehouse
    ///     holds, oldest first (the current period included).
    ///   - external: the `external` table by unit, for the reconciliation with the portal.
    public init(config: PipelineConfig, asOf: Day, registry: UnitRegistry, scores: [String: [UnitScore]],
                decisions: [String: [AwardDecision]], findings: [Finding], files: [FileReport],
                history: [String: [String: [(period: String, score: Double?, rank: Int?)]]], external: ReferenceTable? = nil) {
        title = config.title
        facts = [Fact(label: "Kỳ đánh giá", value: "\(config.period.key): \(PortalDate.iso(config.period.from)) – \(PortalDate.iso(config.period.to))"),
                 Fact(label: "Số liệu đến ngày", value: PortalDate.iso(asOf)),
                 Fact(label: "So sánh với kỳ", value: config.compareTo ?? "—"),
                 Fact(label: "Số đơn vị", value: config.tiers.map { t in "\(t.label): \(registry.units.filter { $0.tier == t.key }.count)" }.joined(separator: "; ")),
                 Fact(label: "Phiên bản chiso", value: ChiSoVersion.current)]
        let order = { (s: [UnitScore]) in Reports.rankedOrder(s, registry: registry, config: config) }
        indices = config.indices.map { index in
            let s = scores[index.key] ?? []
            let tiers: [TierSection] = config.tiers.compactMap { tier in
                let units = order(s).filter { registry.units[$0].tier == tier.key }
                guard !units.isEmpty else { return nil }
                let rows = units.map { u -> Row in
                    let unit = registry.units[u], score = s[u]
                    let series = history[index.key]?[unit.code] ?? []
                    return Row(rank: score.rank.map(String.init) ?? "—", code: unit.code, name: unit.name,
                               score: score.score.map(Format.fixed2) ?? "—", band: score.band ?? "",
                               change: score.rankChange.map { $0 > 0 ? "▲ \($0)" : ($0 < 0 ? "▼ \(-$0)" : "=") } ?? "",
                               changeClass: score.rankChange.map { $0 > 0 ? "up" : ($0 < 0 ? "down" : "same") } ?? "",
                               scorePoints: Self.sparkline(series.map(\.score)),
                               rankPoints: Self.sparkline(series.map { $0.rank.map { -Double($0) } }),
                               periods: series.map(\.period).joined(separator: " → "), hasHistory: series.count > 1,
                               groups: index.groupSubtotals(score.components).map { $0.map(Format.fixed2) ?? "—" })
                }
                let scale = index.scale > 0 ? index.scale : 100
                let bars = units.enumerated().map { i, u -> Bar in
                    let shown = s[u].shownScore ?? 0
                    let w = max(0, min(1, shown / scale)) * Self.chartWidth
                    return Bar(y: 4 + i * 18, width: String(format: "%.1f", w), label: registry.units[u].code,
                               score: s[u].score.map(Format.fixed2) ?? "—", textX: String(format: "%.1f", w + 4))
                }
                return TierSection(title: tier.label, rows: rows, groupHeaders: index.groups.map(\.label),
                                   chartHeight: 8 + units.count * 18, bars: bars,
                                   thresholds: index.bands.map { Threshold(x: String(format: "%.1f", max(0, min(1, $0.min / scale)) * Self.chartWidth), label: "\($0.label) ≥ \(Format.amount($0.min))") },
                                   hasScores: units.contains { s[$0].score != nil })
            }
            let reconciled = order(s).flatMap { u in
                index.reconciled(s[u], external: external).map { f in
                    Reconciled(code: registry.units[u].code, name: registry.units[u].name, item: f.label,
                               chiso: f.chiso.map(Format.fixed2) ?? "—", portal: f.portal.map(Format.fixed2) ?? "—",
                               difference: f.difference.map { ($0 > 0 ? "+" : "") + Format.fixed2($0) } ?? "—", exceeds: f.exceeds)
                }
            }
            return IndexSection(title: index.label,
                                subtitle: "Thang điểm \(Format.amount(index.scale)); thành phần: " + index.components.map { "\($0.label) (\(Format.amount($0.points)))" }.joined(separator: ", "),
                                tiers: tiers, reconciliation: reconciled, hasReconciliation: !reconciled.isEmpty,
                                reconciliationNote: index.reconciliation.map { "Chênh lệch quá ±\(Format.amount($0.tolerance)) điểm được đánh dấu: Văn phòng cần giải trình với tỉnh." } ?? "")
        }
        let labels = ReasonLabels(config: config)
        awards = config.awards.map { award in
            let s = scores[award.index] ?? []
            let d = decisions[award.key] ?? []
            let groups = award.groups.enumerated().map { g, group -> AwardGroup in
                let mine = d.filter { $0.group == g }
                func unit(_ x: AwardDecision) -> AwardUnit {
                    let u = registry.units[x.unit]
                    return AwardUnit(position: x.position.map(String.init) ?? "", code: u.code, name: u.name,
                                     tier: config.tiers.first { $0.key == u.tier }?.label ?? u.tier,
                                     score: s[x.unit].score.map(Format.fixed2) ?? "—", rank: s[x.unit].rank.map(String.init) ?? "—",
                                     reasons: labels.relabel(x.reasons))
                }
                let selected = mine.filter(\.selected).sorted { ($0.position ?? 0) < ($1.position ?? 0) }.map(unit)
                let leftOut = mine.filter { $0.eligible && !$0.selected }.map(unit)
                let others = mine.filter { !$0.eligible }.map(unit)
                return AwardGroup(title: group.tiers.map { t in config.tiers.first { $0.key == t }?.label ?? t }.joined(separator: ", "),
                                  quota: group.quota.map { "tối đa \($0)" } ?? "không giới hạn",
                                  selected: selected, leftOut: leftOut, others: others,
                                  hasSelected: !selected.isEmpty, hasLeftOut: !leftOut.isEmpty, hasOthers: !others.isEmpty)
            }
            return AwardSection(title: award.label, groups: groups)
        }
        hasAwards = !awards.isEmpty
        findingTotal = findings.count
        var bySeverity: [Severity: Int] = [:]
        for f in findings { bySeverity[f.severity, default: 0] += 1 }
        severities = [Severity.error, .warning, .info].map { Fact(label: $0.label, value: String(bySeverity[$0] ?? 0)) }
        codes = FindingsSummary(findings: findings, files: files).byCode.map {
            CodeCount(code: $0.code.rawValue, severity: $0.severity.label, meaning: $0.code.meaning, count: $0.count)
        }
        self.files = files.filter { $0.quarantined > 0 }
            .sorted { $0.quarantined != $1.quarantined ? $0.quarantined > $1.quarantined : $0.file < $1.file }
            .prefix(10).map { FileCount(file: $0.file, rejected: $0.quarantined, rows: $0.rows) }
        hasFiles = !self.files.isEmpty
    }

    /// Points of a 60 × 16 polyline through the values (nil values skipped), scaled to their own range
    /// (a rank is passed negated, so that a better rank is higher); empty with fewer than two values.
    static func sparkline(_ values: [Double?]) -> String {
        let present = values.compactMap { $0 }
        guard present.count > 1 else { return "" }
        let low = present.min()! - 0.5, high = present.max()! + 0.5
        let step = 56.0 / Double(max(1, values.count - 1))
        let span = high - low
        return values.enumerated().compactMap { i, v -> String? in
            guard let v else { return nil }
            let y = 14 - max(0, min(1, (v - low) / span)) * 12
            return String(format: "%.1f,%.1f", 2 + Double(i) * step, y)
        }.joined(separator: " ")
    }

    /// The self-contained HTML page.
    public func html() throws -> String {
        let template = try MustacheTemplate(string: CouncilReportTemplate.text)
        return template.render(self)
    }
}
