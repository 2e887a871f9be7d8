import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 5 on tiny inline units: N/A under each policy, full_at caps, rounding, ranking, bands.
@Suite struct IndexTests {
    func expr(_ s: String) -> Expression { try! ExpressionParser.parse(s) }

    func component(_ key: String, _ points: Double, _ num: String, _ den: String, fullAt: Double = 1) -> ComponentConfig {
        ComponentConfig(key: key, label: key, points: points, numerator: expr(num), denominator: expr(den), fullAt: fullAt)
    }

    /// Units with indicator rows given as [indicator: count].
    func facts(_ rows: [[Indicator: Int]], external: [String: [Int: Double]] = [:]) -> UnitFacts {
        UnitFacts(indicators: rows.map { values in
            var r = IndicatorRow()
            for (k, v) in values { r[k] = v }
            return r
        }, external: external.isEmpty ? nil : ReferenceTable(values: external))
    }

    func units(_ tiers: [String]) -> [Unit] {
        tiers.enumerated().map { Unit(code: "U\($0.offset)", name: "Đơn vị \($0.offset)", tier: $0.element, parentCode: nil) }
    }

    func index(_ policy: NotApplicablePolicy, scale: Double? = nil, bands: [Band] = [], _ components: [ComponentConfig]) -> IndexConfig {
        IndexConfig(key: "i", label: "i", notApplicable: policy, scale: scale ?? components.reduce(0) { $0 + $1.points },
                    components: components, bands: bands)
    }

    // Unit 0: a = 9/10 (rate 0.9), b N/A (denominator 0).
    let twoComponents = [
        ("a", 60.0, "finished_on_time", "finished_total"),
        ("b", 40.0, "received_online", "received_new"),
    ]
    var row0: [Indicator: Int] { [.finishedOnTime: 9, .finishedTotal: 10, .receivedOnline: 0, .receivedNew: 0] }

    @Test func notApplicableUnderRedistributeScoresOverTheApplicableComponents() {
        let i = index(.redistribute, scale: 100, twoComponents.map { component($0.0, $0.1, $0.2, $0.3) })
        let s = computeIndex(i, units: units(["t"]), facts: facts([row0]))[0]
        // points a = 60 * min(1, 0.9/1) = 54; score = 54/60 * 100 = 90.
        #expect(s.components[0] == ComponentResult(numerator: 9, denominator: 10, rate: 0.9, points: 60 * 0.9))
        #expect(s.components[1] == ComponentResult(numerator: 0, denominator: 0, rate: nil, points: nil))
        #expect(s.score == (54.0 / 60.0) * 100)
        #expect(s.shownScore == 90)
    }

    @Test func notApplicableUnderFullEarnsTheMaximum() {
        let i = index(.full, twoComponents.map { component($0.0, $0.1, $0.2, $0.3) })
        let s = computeIndex(i, units: units(["t"]), facts: facts([row0]))[0]
        // (54 + 40) / (60 + 40) * 100 = 94.
        let expected: Double = ((60.0 * 0.9 + 40.0) / 100.0) * 100.0
        #expect(s.score == expected)
        #expect(s.shownScore == 94)
    }

    @Test func notApplicableUnderZeroEarnsNothing() {
        let i = index(.zero, twoComponents.map { component($0.0, $0.1, $0.2, $0.3) })
        let s = computeIndex(i, units: units(["t"]), facts: facts([row0]))[0]
        #expect(s.shownScore == 54)
    }

    @Test func withNothingApplicableRedistributeGivesNoScoreButTheOthersDo() {
        let comps = [component("b", 40, "received_online", "received_new")]
        let empty = facts([[:]])
        #expect(computeIndex(index(.redistribute, comps), units: units(["t"]), facts: empty)[0].score == nil)
        #expect(computeIndex(index(.redistribute, comps), units: units(["t"]), facts: empty)[0].rank == nil)
        #expect(computeIndex(index(.full, comps), units: units(["t"]), facts: empty)[0].score == 40)
        #expect(computeIndex(index(.zero, comps), units: units(["t"]), facts: empty)[0].score == 0)
    }

    @Test func fullAtCapsTheRateAndNegativeRatesEarnNothing() {
        let i = index(.redistribute, [component("a", 20, "received_online", "received_new", fullAt: 0.8),
                                      component("n", 10, "0 - received_online", "received_new")])
        let s = computeIndex(i, units: units(["t"]), facts: facts([[.receivedOnline: 7, .receivedNew: 10]]))[0]
        // 0.7 / 0.8 = 0.875 → 17.5 points; rate -0.7 → max(0, …) → 0 points.
        #expect(s.components[0].points == 20 * min(1.0, 0.7 / 0.8))
        #expect(s.components[1].rate == -0.7)
        #expect(s.components[1].points == 0)
        let capped = computeIndex(i, units: units(["t"]), facts: facts([[.receivedOnline: 9, .receivedNew: 10]]))[0]
        #expect(capped.components[0].points == 20)
    }

    @Test func divisionByZeroInsideAnExpressionOrAMissingExternalValueIsNotApplicable() {
        let i = index(.redistribute, [component("a", 10, "received_online / received_new", "1"),
                                      component("p", 10, "external.par_index", "100")])
        let s = computeIndex(i, units: units(["t", "t"]), facts: facts([[:], [.receivedOnline: 1, .receivedNew: 2]],
                                                                     external: ["par_index": [1: 92.5]]))
        #expect(s[0].components[0].numerator == nil)
        #expect(s[0].components[0].points == nil)
        #expect(s[0].components[1].points == nil)
        #expect(s[0].score == nil)
        #expect(s[1].components[1].rate == 0.925)
        #expect(s[1].shownScore == Rounding.round2(((5 + 9.25) / 20) * 20))
    }

    @Test func ranksAreCompetitionRanksPerTierOnTheShownScore() {
        // Scores 80, 90, 90, 70 in tier t (rank 3, 1, 1, 4) and 50 in tier u (rank 1).
        let comps = [component("a", 100, "finished_on_time", "finished_total")]
        let rows: [[Indicator: Int]] = [[.finishedOnTime: 8, .finishedTotal: 10], [.finishedOnTime: 9, .finishedTotal: 10],
                                        [.finishedOnTime: 9, .finishedTotal: 10], [.finishedOnTime: 7, .finishedTotal: 10],
                                        [.finishedOnTime: 5, .finishedTotal: 10], [:]]
        let s = computeIndex(index(.redistribute, comps), units: units(["t", "t", "t", "t", "u", "u"]), facts: facts(rows))
        #expect(s.map(\.rank) == [3, 1, 1, 4, 1, nil])
    }

    @Test func scoresThatRoundToTheSameShownValueTieInRank() {
        // 2/3 = 66.666…% → 66.67; 6667/10000 → 66.67: the same shown score, the same rank.
        let comps = [component("a", 100, "finished_on_time", "finished_total")]
        let s = computeIndex(index(.redistribute, comps), units: units(["t", "t", "t"]),
                             facts: facts([[.finishedOnTime: 2, .finishedTotal: 3], [.finishedOnTime: 6667, .finishedTotal: 10000],
                                           [.finishedOnTime: 1, .finishedTotal: 3]]))
        #expect(s.map(\.shownScore) == [66.67, 66.67, 33.33])
        #expect(s.map(\.rank) == [1, 1, 3])
    }

    @Test func roundingIsHalfAwayFromZeroAtTheThirdDecimal() {
        // 0.125 is exact in binary: 12.5 → 13 → 0.13; 1.005 is not: 100.49999… → 1.00.
        #expect(Rounding.round2(0.125) == 0.13)
        #expect(Rounding.round2(1.005) == 1.0)
        #expect(Rounding.round2(2.5 / 100 * 100) == 2.5)
        // A score of 89.995 (exactly representable? no: it rounds as IEEE says) is shown as the literal rule gives.
        let x = 89.995
        #expect(Format.fixed2(x) == Format.fixed2((x * 100).rounded(.toNearestOrAwayFromZero) / 100))
    }

    @Test func bandsTakeTheFirstWhoseMinIsAtMostTheShownScore() {
        let bands = [Band(min: 90, label: "Xuất sắc"), Band(min: 80, label: "Tốt"), Band(min: 65, label: "Khá")]
        let comps = [component("a", 100, "finished_on_time", "finished_total")]
        let rows: [[Indicator: Int]] = [[.finishedOnTime: 8999, .finishedTotal: 10000], [.finishedOnTime: 89995, .finishedTotal: 100000],
                                        [.finishedOnTime: 1, .finishedTotal: 2]]
        let s = computeIndex(index(.redistribute, bands: bands, comps), units: units(["t", "t", "t"]), facts: facts(rows))
        // 89.99 → Tốt; 89.995 → shown 90.00 → Xuất sắc; 50 → no band.
        #expect(s.map(\.band) == ["Tốt", "Xuất sắc", nil])
    }

    @Test func scaleMultipliesTheRatio() {
        let comps = [component("a", 30, "finished_on_time", "finished_total")]
        let s = computeIndex(index(.redistribute, scale: 10, comps), units: units(["t"]),
                             facts: facts([[.finishedOnTime: 1, .finishedTotal: 2]]))
        #expect(s[0].score == 5)
    }

    @Test func previousRanksGiveRankChange() {
        let comps = [component("a", 100, "finished_on_time", "finished_total")]
        let s = computeIndex(index(.redistribute, comps), units: units(["t", "t"]),
                             facts: facts([[.finishedOnTime: 1, .finishedTotal: 1], [.finishedOnTime: 0, .finishedTotal: 1]]),
                             previousRanks: ["U0": 7])
        #expect(s[0].rankChange == 6)
        #expect(s[1].rankChange == nil)
    }

    @Test func expressionsFollowTheGrammarAndIEEEArithmetic() throws {
        let e = try ExpressionParser.parse("(a + b) * 2 - -c / 4")
        #expect(e.evaluate { ["a": 1, "b": 2, "c": 8][$0] } == 8)
        #expect(try ExpressionParser.parse("1 - 2 - 3").evaluate { _ in nil } == -4)
        #expect(try ExpressionParser.parse("8 / 4 / 2").evaluate { _ in nil } == 1)
        #expect(try ExpressionParser.parse("0.1 + 0.2").evaluate { _ in nil } == 0.1 + 0.2)
        #expect(try ExpressionParser.parse("target.online_rate").names == ["target.online_rate"])
        for bad in ["1 +", "(1", "1.", "A", "a..b", "1 2", "a % b", "\"x\""] {
            #expect(throws: ExpressionError.self, "\(bad)") { try ExpressionParser.parse(bad) }
        }
    }
}
