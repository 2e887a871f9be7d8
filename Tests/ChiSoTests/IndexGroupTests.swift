import Testing
@testable import ChiSo
@testable import ChiSoCore

/// Index groups (nhóm chỉ số) and the reconciliation with the portal: subtotals under each N/A policy,
/// caps, rounding from unrounded points, configuration errors, and the mismatch warning.
@Suite struct IndexGroupTests {
    func expr(_ s: String) -> Expression { try! ExpressionParser.parse(s) }

    func component(_ key: String, _ group: String, _ points: Double, _ num: String, _ den: String, fullAt: Double = 1) -> ComponentConfig {
        ComponentConfig(key: key, label: key, points: points, numerator: expr(num), denominator: expr(den), fullAt: fullAt, group: group)
    }

    /// Group a: a1 (6 points, 9/10) and a2 (4 points, N/A: denominator 0); group b: b1 (10 points, 1/4, full at 0.5).
    func index(_ policy: NotApplicablePolicy, scale: Double = 20) -> IndexConfig {
        IndexConfig(key: "i", label: "I", notApplicable: policy, scale: scale,
                    components: [component("a1", "a", 6, "finished_on_time", "finished_total"),
                                 component("a2", "a", 4, "received_online", "received_new"),
                                 component("b1", "b", 10, "paid_online", "fee_dossiers", fullAt: 0.5)],
                    bands: [], groups: [IndexGroup(key: "a", label: "A", points: 10), IndexGroup(key: "b", label: "B", points: 10)])
    }

    var facts: UnitFacts {
        var r = IndicatorRow()
        r[.finishedOnTime] = 9; r[.finishedTotal] = 10; r[.receivedOnline] = 0; r[.receivedNew] = 0
        r[.paidOnline] = 1; r[.feeDossiers] = 4
        return UnitFacts(indicators: [r])
    }

    func result(_ index: IndexConfig) -> (subtotals: [Double?], score: UnitScore) {
        let s = computeIndex(index, units: [Unit(code: "U", name: "U", tier: "t", parentCode: nil)], facts: facts)[0]
        return (index.groupSubtotals(s.components), s)
    }

    @Test func redistributeScalesTheApplicableComponentsLikeTheScore() {
        let (sub, s) = result(index(.redistribute))
        // a1 = 6 × 0.9 = 5.4; b1 = 10 × min(1, 0.25 / 0.5) = 5; applicable maxima 6 + 10 = 16.
        #expect(sub[0] == 5.4 / 16 * 20)   // 6.75
        #expect(sub[1] == 5.0 / 16 * 20)   // 6.25
        #expect(s.score == (5.4 + 5.0) / 16 * 20)
        #expect(Format.fixed2(sub[0]!) == "6.75" && Format.fixed2(sub[1]!) == "6.25")
    }

    @Test func underFullAnNAComponentEarnsItsMaximumInItsGroup() {
        let (sub, s) = result(index(.full))
        #expect(sub[0] == (5.4 + 4) / 20 * 20)   // 9.4
        #expect(sub[1] == 5.0 / 20 * 20)
        #expect(Rounding.round2(s.score!) == Rounding.round2(sub[0]! + sub[1]!))  // equal up to IEEE rounding
    }

    @Test func underZeroAnNAComponentEarnsNothing() {
        let (sub, s) = result(index(.zero))
        #expect(sub[0] == 5.4)
        #expect(sub[1] == 5.0)
        #expect(s.score == 10.4)
    }

    @Test func aGroupWithNothingApplicableHasNoSubtotalUnderRedistribute() {
        let allNA = IndexConfig(key: "i", label: "I", notApplicable: .redistribute, scale: 10,
                                components: [component("a2", "a", 4, "received_online", "received_new"),
                                             component("b1", "b", 6, "paid_online", "fee_dossiers")],
                                bands: [], groups: [IndexGroup(key: "a", label: "A", points: 4), IndexGroup(key: "b", label: "B", points: 6)])
        let (sub, s) = result(allNA)
        #expect(sub[0] == nil)
        #expect(sub[1] == 1.5 / 6 * 10)
        #expect(s.score == sub[1])
    }

    @Test func subtotalsComeFromUnroundedPoints() {
        // Three thirds of a point each: the shown subtotal is round2(1.0), not 3 × round2(0.333…) = 0.99.
        var r = IndicatorRow()
        r[.finishedOnTime] = 1; r[.finishedTotal] = 3
        let thirds = IndexConfig(key: "i", label: "I", notApplicable: .zero, scale: 3,
                                 components: ["x", "y", "z"].map { component($0, "g", 1, "finished_on_time", "finished_total") },
                                 bands: [], groups: [IndexGroup(key: "g", label: "G", points: 3)])
        let s = computeIndex(thirds, units: [Unit(code: "U", name: "U", tier: "t", parentCode: nil)], facts: UnitFacts(indicators: [r]))[0]
        #expect(s.components.map { Format.fixed2($0.points!) } == ["0.33", "0.33", "0.33"])
        #expect(Format.fixed2(thirds.groupSubtotals(s.components)[0]!) == "1.00")
    }

    @Test func groupsAreConfiguredWithTheirMaximaAndKnownKeys() throws {
        let dir = TempDir()
        func load(_ indexYAML: String) throws -> PipelineConfig {
            try PipelineLoader.load(path: dir.write("p.yaml", """
            pipeline: p
            period: {key: "1", from: 2023-01-01, to: 2023-12-31}
            tiers: [{key: t}]
            sources: {units: u.csv, dossiers: d.csv}
            indices:
            \(indexYAML)
            """)).0
        }
        let ok = try load("""
              - key: i
                groups: [{key: g, label: "Nhóm G", points: 5}]
                components:
                  - {key: c, group: g, points: 5, numerator: finished_total, denominator: received_total}
            """)
        #expect(ok.indices[0].groups == [IndexGroup(key: "g", label: "Nhóm G", points: 5)])
        #expect(ok.indices[0].components[0].group == "g")
        do {
            _ = try load("""
                  - key: i
                    groups: [{key: g, points: 5}]
                    components:
                      - {key: c, group: h, points: 5, numerator: finished_total, denominator: received_total}
                """)
            Issue.record("an unknown group was accepted")
        } catch let e as ConfigError {
            #expect(e.message.contains("không có nhóm 'h'"))
            #expect(e.line == 9)
        }
        do {
            _ = try load("""
                  - key: i
                    groups: [{key: g, points: 6}]
                    components:
                      - {key: c, group: g, points: 5, numerator: finished_total, denominator: received_total}
                """)
            Issue.record("a group whose maximum differs from its components was accepted")
        } catch let e as ConfigError {
            #expect(e.message.contains("cộng lại 5"))
        }
    }

    @Test func aDifferenceBeyondTheToleranceIsAWarningNamingBothFigures() {
        var index = self.index(.redistribute)
        index.reconciliation = Reconciliation(total: "external.portal_total", groups: [("a", "external.portal_a")], tolerance: 0.5)
        let units = [Unit(code: "U", name: "U", tier: "t", parentCode: nil), Unit(code: "V", name: "V", tier: "t", parentCode: nil)]
        var r = IndicatorRow()
        r[.finishedOnTime] = 9; r[.finishedTotal] = 10; r[.paidOnline] = 1; r[.feeDossiers] = 4
        // Portal: U's group a 6.75 (chiso 6.75) and total 12.0 (chiso 13.0: off by 1); V has no published figures.
        let external = ReferenceTable(keys: ["portal_a", "portal_total"], values: ["portal_a": [0: 6.75], "portal_total": [0: 12]])
        let scores = computeIndex(index, units: units, facts: UnitFacts(indicators: [r, r], external: external))
        let figures = index.reconciled(scores[0], external: external)
        #expect(figures.map(\.key) == ["a", "score"])
        #expect(figures.map(\.difference) == [0, 1])
        #expect(figures.map(\.exceeds) == [false, true])
        let findings = index.portalMismatches(scores, registry: UnitRegistry(units: units), external: external, externalFile: "x.csv")
        #expect(findings.count == 1)
        #expect(findings[0].code == .portalMismatch && findings[0].severity == .warning)
        #expect(findings[0].unitCode == "U" && findings[0].column == "portal_total" && findings[0].value == "12")
        #expect(findings[0].message.contains("chiso tính 13.00, cổng quốc gia công bố 12.00, chênh 1.00 (quá ±0.50)"))
    }
}
