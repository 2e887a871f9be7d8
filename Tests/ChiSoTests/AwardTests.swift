import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 6 on tiny inline units: eligibility, any:, empty values, quotas, tie-breaks, reasons.
@Suite struct AwardTests {
    /// One component "a" = finished_on_time / finished_total × 100 points; late from finished_late.
    let index = IndexConfig(key: "i", label: "i", notApplicable: .redistribute, scale: 100,
                            components: [ComponentConfig(key: "a", label: "a", points: 100,
                                                         numerator: try! ExpressionParser.parse("finished_on_time"),
                                                         denominator: try! ExpressionParser.parse("finished_total"), fullAt: 1)],
                            bands: [Band(min: 80, label: "Tốt")])

    /// (code, tier, on time, total, late, received)
    func setup(_ specs: [(String, String, Int, Int, Int, Int)], previous: [String: Int] = [:])
        -> ([Unit], PredicateContext) {
        let units = specs.map { Unit(code: $0.0, name: "ĐV \($0.0)", tier: $0.1, parentCode: nil) }
        let rows = specs.map { s -> IndicatorRow in
            var r = IndicatorRow()
            r[.finishedOnTime] = s.2
            r[.finishedTotal] = s.3
            r[.finishedLate] = s.4
            r[.lateTotal] = s.4
            r[.receivedTotal] = s.5
            return r
        }
        let facts = UnitFacts(indicators: rows)
        let scores = computeIndex(index, units: units, facts: facts, previousRanks: previous)
        return (units, PredicateContext(index: index, facts: facts, scores: scores))
    }

    func award(_ eligible: [Condition], groups: [AwardGroup], tieBreak: [TieBreak] = [], individuals: Int? = nil) -> AwardConfig {
        AwardConfig(key: "k", label: "k", index: "i", groups: groups, eligible: eligible, tieBreak: tieBreak,
                    individualsPerUnit: individuals)
    }

    func p(_ s: String) -> Predicate { try! Predicate.parse(s) }
    let order: (String) -> Int = { ["t": 0, "u": 1][$0] ?? 9 }

    @Test func quotaWithATieAtTheBoundaryIsResolvedByTieBreakThenUnitCode() {
        // B, C, D all score 90; quota 2. Tie-break received_total desc: C (50) first, then B and D (40) by code: B.
        let (units, ctx) = setup([("A", "t", 10, 10, 0, 10), ("D", "t", 9, 10, 0, 40), ("C", "t", 9, 10, 0, 50),
                                  ("B", "t", 9, 10, 0, 40)])
        let a = award([.all(p("late_total == 0"))], groups: [AwardGroup(tiers: ["t"], quota: 3)],
                      tieBreak: [TieBreak(name: "received_total", ascending: false)], individuals: 1)
        let d = selectAward(a, context: ctx, units: units, tierOrder: order)
        // Rows in general order: tier, rank, unit code → A (1), B, C, D (2).
        #expect(d.map { units[$0.unit].code } == ["A", "B", "C", "D"])
        #expect(d.map(\.position) == [1, 3, 2, nil])
        #expect(d.map(\.selected) == [true, true, true, false])
        #expect(d.map(\.eligible) == [true, true, true, true])
        #expect(d.map(\.individuals) == [1, 1, 1, nil])
        #expect(d[3].reasons == "ngoài chỉ tiêu (tối đa 3)")
    }

    @Test func withoutTieBreakUnitCodeDecides() {
        let (units, ctx) = setup([("Z", "t", 9, 10, 0, 1), ("M", "t", 9, 10, 0, 1)])
        let d = selectAward(award([], groups: [AwardGroup(tiers: ["t"], quota: 1)]), context: ctx, units: units, tierOrder: order)
        #expect(d.first { $0.selected }.map { units[$0.unit].code } == "M")
    }

    @Test func failedPredicatesAreNamedWithTheUnitsValue() {
        let (units, ctx) = setup([("A", "t", 7, 10, 3, 10)])
        let a = award([.all(p("late_total == 0")), .all(p("score >= 80")), .all(p("rate.a > 75")), .all(p("band == \"Tốt\""))],
                      groups: [AwardGroup(tiers: ["t"], quota: nil)])
        let d = selectAward(a, context: ctx, units: units, tierOrder: order)[0]
        #expect(!d.eligible && !d.selected)
        #expect(d.reasons == "late_total = 3, cần == 0; score = 70.00, cần >= 80; rate.a = 70.00, cần > 75; band = (trống), cần == \"Tốt\"")
    }

    @Test func anyHoldsIfOneOfItsPredicatesHolds() {
        // rank 2 with a gain of 5 places: `rank <= 1` fails, `rank_change >= 5` holds.
        let (units, ctx) = setup([("A", "t", 10, 10, 0, 1), ("B", "t", 9, 10, 0, 1), ("C", "t", 5, 10, 0, 1)],
                                 previous: ["B": 7])
        let a = award([.any([p("rank <= 1"), p("rank_change >= 5")])], groups: [AwardGroup(tiers: ["t"], quota: nil)])
        let d = selectAward(a, context: ctx, units: units, tierOrder: order)
        #expect(d.map(\.selected) == [true, true, false])
        // A predicate over an empty value (C has no prev_rank) is false.
        #expect(d[2].reasons == "không đạt điều kiện nào trong: rank <= 1 | rank_change >= 5")
    }

    @Test func aPredicateOverAnEmptyValueIsFalseEvenWithNotEquals() {
        let (units, ctx) = setup([("A", "t", 10, 10, 0, 1)])
        #expect(!ctx.holds(p("prev_rank != 3"), unit: 0))
        #expect(!ctx.holds(p("rank_change < 100"), unit: 0))
        #expect(ctx.holds(p("rank == 1"), unit: 0))
        _ = units
    }

    @Test func aUnitWithNoScoreIsNeverEligible() {
        let (units, ctx) = setup([("A", "t", 0, 0, 0, 0)])
        let d = selectAward(award([], groups: [AwardGroup(tiers: ["t"], quota: nil)]), context: ctx, units: units, tierOrder: order)
        #expect(!d[0].eligible)
        #expect(d[0].reasons == "không có điểm")
    }

    @Test func aGroupOfSeveralTiersCompetesTogetherByScore() {
        let (units, ctx) = setup([("T1", "t", 8, 10, 0, 1), ("U1", "u", 9, 10, 0, 1), ("T2", "t", 7, 10, 0, 1), ("X", "x", 10, 10, 0, 1)])
        let a = award([], groups: [AwardGroup(tiers: ["t", "u"], quota: 2)])
        let d = selectAward(a, context: ctx, units: units, tierOrder: order)
        // Units of other tiers (X) are not listed; rows by tier then rank; ranks stay per tier.
        #expect(d.map { units[$0.unit].code } == ["T1", "T2", "U1"])
        #expect(d.map(\.position) == [2, nil, 1])
        #expect(d.map { ctx.scores[$0.unit].rank } == [1, 2, 1])
    }

    @Test func tieBreakPutsEmptyValuesLastInBothDirections() {
        #expect(compareForTieBreak(nil, .number(1), ascending: true) == false)
        #expect(compareForTieBreak(.number(1), nil, ascending: false) == true)
        #expect(compareForTieBreak(.number(1), .number(2), ascending: true) == true)
        #expect(compareForTieBreak(.number(1), .number(2), ascending: false) == false)
        #expect(compareForTieBreak(.text("Khá"), .text("Tốt"), ascending: true) == true)
        #expect(compareForTieBreak(.number(2), .number(2), ascending: true) == nil)
    }

    @Test func predicatesParseTheSixOperators() throws {
        for (text, op) in [("a == 1", Predicate.Operator.eq), ("a != 1", .ne), ("a <= 1", .le), ("a >= 1", .ge),
                           ("a < 1", .lt), ("a > 1", .gt), ("rank_change >= -5", .ge)] {
            #expect(try Predicate.parse(text).op == op)
        }
        for bad in ["a = 1", "a => 1", "a", "a == == 1", "a <> 1"] {
            #expect(throws: ExpressionError.self, "\(bad)") { try Predicate.parse(bad) }
        }
        #expect(try Predicate.parse("band == \"Xuất sắc\"").rhs.root == .text("Xuất sắc"))
    }
}
