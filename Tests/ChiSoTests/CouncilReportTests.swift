import Mustache
import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 11.2's page through the template: the names the template reads come from each view type's
/// `child(named:)` (a switch, for speed), which must answer what reflection would.
@Suite struct CouncilReportTests {
    /// The value as swift-mustache sees it by reflection: a struct as a dictionary of its stored properties.
    func reflected(_ value: Any) -> Any {
        if value is String || value is Int || value is Bool || value is Double { return value }
        if let array = value as? [Any] { return array.map(reflected) }
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .struct else { return value }
        return Dictionary(uniqueKeysWithValues: mirror.children.map { ($0.label!, reflected($0.value)) })
    }

    /// Every stored property answers under its own name with its own value; any other name answers nil.
    func answersAsReflected<T: MustacheParent>(_ value: T) {
        let children = Mirror(reflecting: value).children
        #expect(!children.isEmpty)
        for child in children {
            let answer = value.child(named: child.label!)
            #expect(answer != nil, "\(T.self).\(child.label!) is not answered")
            #expect(answer.map { String(describing: $0) } == String(describing: child.value), "\(T.self).\(child.label!)")
        }
        #expect(value.child(named: "noSuchName") == nil)
    }

    @Test func everyViewTypeAnswersItsStoredPropertiesByName() {
        typealias R = CouncilReport
        let unit = R.AwardUnit(position: "1", code: "c", name: "n", tier: "t", score: "9", rank: "2", reasons: "r")
        answersAsReflected(R.Fact(label: "l", value: "v"))
        answersAsReflected(R.Bar(y: 4, width: "1.0", label: "l", score: "s", textX: "5.0"))
        answersAsReflected(R.Threshold(x: "1.0", label: "l"))
        let row = R.Row(rank: "1", code: "c", name: "n", score: "s", band: "b", change: "▲ 1", changeClass: "up",
                        scorePoints: "1,2", rankPoints: "3,4", periods: "p", hasHistory: true, groups: ["g"])
        answersAsReflected(row)
        let reconciled = R.Reconciled(code: "c", name: "n", item: "i", chiso: "1", portal: "2", difference: "-1", exceeds: true)
        answersAsReflected(reconciled)
        let tier = R.TierSection(title: "t", rows: [row], groupHeaders: ["h"], chartHeight: 9,
                                 bars: [R.Bar(y: 1, width: "2", label: "l", score: "s", textX: "3")],
                                 thresholds: [R.Threshold(x: "1", label: "l")], hasScores: true)
        answersAsReflected(tier)
        answersAsReflected(R.IndexSection(title: "t", subtitle: "s", tiers: [tier], reconciliation: [reconciled],
                                          hasReconciliation: true, reconciliationNote: "n"))
        answersAsReflected(unit)
        let group = R.AwardGroup(title: "t", quota: "q", selected: [unit], leftOut: [unit], others: [],
                                 hasSelected: true, hasLeftOut: true, hasOthers: false)
        answersAsReflected(group)
        answersAsReflected(R.AwardSection(title: "t", groups: [group]))
        answersAsReflected(R.CodeCount(code: "c", severity: "s", meaning: "m", count: 3))
        answersAsReflected(R.FileCount(file: "f", rejected: 1, rows: 2))
    }

    /// A report with every section (chart, bands, groups, history, awards, findings, a file with rejected
    /// rows) renders to the same page through the switches as through reflection.
    @Test func thePageIsTheSameAsByReflection() throws {
        let f = PipelineFixture()
        f.pipeline(extra: """
        indices:
          - key: dvc
            label: "Chỉ số <thử> & kiểm"
            scale: 100
            groups:
              - {key: g1, label: "Nhóm 1", points: 60}
              - {key: g2, label: "Nhóm 2", points: 40}
            components:
              - {key: a, group: g1, label: "Đúng hạn", points: 60, numerator: finished_on_time, denominator: finished_total}
              - {key: b, group: g2, label: "Trực tuyến", points: 40, numerator: received_online, denominator: received_total}
            bands:
              - {min: 80, label: "Tốt"}
        awards:
          - key: bk
            label: "Bằng khen"
            index: dvc
            groups: [{tier: tinh, quota: 1}, {tier: huyen, quota: 1}, {tier: xa, quota: 1}]
            eligible: ["late_total == 0"]

        """)
        let (config, registry) = try f.load()
        let rows = [(9, 10, 0, 5), (7, 10, 2, 9), (10, 10, 0, 1)].map { s -> IndicatorRow in
            var r = IndicatorRow()
            r[.finishedOnTime] = s.0
            r[.finishedTotal] = s.1
            r[.lateTotal] = s.2
            r[.finishedLate] = s.2
            r[.receivedOnline] = s.3
            r[.receivedTotal] = 10
            return r
        }
        let facts = UnitFacts(indicators: rows)
        let index = config.indices[0]
        let scores = computeIndex(index, units: registry.units, facts: facts, previousRanks: [registry.units[0].code: 3, registry.units[1].code: 1])
        let decisions = ComputingStages.awards(config: config, units: registry.units, facts: facts) { _ in scores }
        let findings = [Finding(.error, .badDate, source: .dossiers, file: "ho-so/a.csv", line: 2, message: "x"),
                        Finding(.warning, .badDate, source: .dossiers, file: "ho-so/a.csv", line: 3, message: "y")]
        let files = [FileReport(source: .dossiers, file: "ho-so/a.csv", size: 10, sha256: "s", encoding: .utf8,
                                delimiter: ",", rows: 5, quarantined: 1, failed: false)]
        let history: [String: [String: [(period: String, score: Double?, rank: Int?)]]] =
            ["dvc": [registry.units[0].code: [("2022", 50, 3), ("2023", scores[0].score, scores[0].rank)]]]
        let report = CouncilReport(config: config, asOf: PortalDate.day(year: 2023, month: 12, day: 31), registry: registry, scores: ["dvc": scores],
                                   decisions: decisions, findings: findings, files: files, history: history)
        let page = try report.html()
        let byReflection = try MustacheTemplate(string: CouncilReportTemplate.text).render(reflected(report))
        #expect(page == byReflection)
        for shown in ["Chỉ số &lt;thử&gt; &amp; kiểm", "Nhóm 1", "<polyline class=\"score\"", "Bằng khen", "ho-so/a.csv", "Tốt"] {
            #expect(page.contains(shown), "\(shown)")
        }
    }
}
