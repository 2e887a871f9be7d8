/// A value an award predicate compares: a number or a band's label.
public enum PredicateValue: Sendable, Equatable {
    case number(Double)
    case text(String)
}

/// One unit's decision for one award (a row of `khen-thuong-AWARD.csv`).
public struct AwardDecision: Sendable, Equatable {
    /// The registry row of the unit.
    public var unit: Int
    /// Which of the award's groups (quota) the unit competes in.
    public var group: Int
    /// Whether every `eligible` condition holds.
    public var eligible: Bool
    /// Whether it is proposed (eligible and within its group's quota).
    public var selected: Bool
    /// 1 … quota among the selected, in selection order.
    public var position: Int?
    /// Individuals the unit may propose (`individuals_per_unit`), when selected.
    public var individuals: Int?
    /// Empty for a selected unit; otherwise why not, in Vietnamese (SPEC 6).
    public var reasons: String

    /// Every stored property, as the shell's loaders build it.
    package init(unit: Int, group: Int, eligible: Bool, selected: Bool, position: Int? = nil, individuals: Int? = nil, reasons: String) {
        self.unit = unit
        self.group = group
        self.eligible = eligible
        self.selected = selected
        self.position = position
        self.individuals = individuals
        self.reasons = reasons
    }
}

/// What predicates see of a unit: its shown (rounded) values.
public struct PredicateContext: Sendable {
    /// The index the award ranks on.
    public let index: IndexConfig
    /// Indicators and reference values, for conditions and tie-breaks.
    public let facts: UnitFacts
    /// The index's scores and ranks, by registry row.
    public let scores: [UnitScore]

    /// What an award's conditions and tie-breaks read.
    public init(index: IndexConfig, facts: UnitFacts, scores: [UnitScore]) {
        self.index = index
        self.facts = facts
        self.scores = scores
    }

    /// The value of a predicate name for a unit; nil = empty.
    public func value(_ name: String, unit: Int) -> PredicateValue? {
        let s = scores[unit]
        switch name {
        case "score": return s.shownScore.map { .number($0) }
        case "rank": return s.rank.map { .number(Double($0)) }
        case "prev_rank": return s.prevRank.map { .number(Double($0)) }
        case "rank_change": return s.rankChange.map { .number(Double($0)) }
        case "band": return s.band.map { .text($0) }
        default: break
        }
        for (prefix, isRate) in [("rate.", true), ("points.", false)] where name.hasPrefix(prefix) {
            let key = String(name.dropFirst(prefix.count))
            guard let i = index.components.firstIndex(where: { $0.key == key }) else { return nil }
            let r = s.components[i]
            return (isRate ? r.rate.map { Rounding.round2($0 * 100) } : r.points.map(Rounding.round2)).map { .number($0) }
        }
        return facts.value(name, unit: unit).map { .number($0) }
    }

    /// Evaluates one side of a predicate.
    func evaluate(_ e: Expression, unit: Int) -> PredicateValue? {
        if case let .text(t) = e.root { return .text(t) }
        if let name = e.singleName { return value(name, unit: unit) }
        return e.evaluate { name in
            if case let .number(v)? = value(name, unit: unit) { return v }
            return nil
        }.map { .number($0) }
    }

    /// Whether the predicate holds; over an empty value it does not.
    public func holds(_ p: Predicate, unit: Int) -> Bool {
        guard let l = evaluate(p.lhs, unit: unit), let r = evaluate(p.rhs, unit: unit) else { return false }
        switch (l, r) {
        case let (.number(a), .number(b)):
            switch p.op {
            case .eq: return a == b
            case .ne: return a != b
            case .lt: return a < b
            case .le: return a <= b
            case .gt: return a > b
            case .ge: return a >= b
            }
        case let (.text(a), .text(b)):
            return p.op == .eq ? a == b : (p.op == .ne ? a != b : false)
        default:
            return false
        }
    }

    /// `LHS = VALUE, cần OP RHS`, VALUE as the CSVs write it, `(trống)` when empty.
    public func failure(_ p: Predicate, unit: Int) -> String {
        "\(p.lhs.source) = \(describe(p.lhs, unit: unit)), cần \(p.op.rawValue) \(p.rhs.source)"
    }

    /// A side's value as the CSVs write it.
    public func describe(_ e: Expression, unit: Int) -> String {
        guard let v = evaluate(e, unit: unit) else { return "(trống)" }
        switch v {
        case let .text(t): return t
        case let .number(n):
            if let name = e.singleName, name == "score" || name.hasPrefix("rate.") || name.hasPrefix("points.") {
                return Format.fixed2(n)
            }
            return Format.amount(n)
        }
    }
}

/// Selects an award's units (SPEC 6). Pure. Returns every unit of the groups' tiers, groups in
/// order, each group in the general row order (tier, rank with empty last, unit code).
public func selectAward(_ award: AwardConfig, context: PredicateContext, units: [Unit],
                        tierOrder: (String) -> Int) -> [AwardDecision] {
    var out: [AwardDecision] = []
    for (g, group) in award.groups.enumerated() {
        let members = units.indices.filter { group.tiers.contains(units[$0].tier) }
        var reasons: [Int: [String]] = [:]
        var eligible: [Int] = []
        for u in members {
            var failed: [String] = []
            if context.scores[u].score == nil { failed.append("không có điểm") }
            for condition in award.eligible {
                switch condition {
                case let .all(p):
                    if !context.holds(p, unit: u) { failed.append(context.failure(p, unit: u)) }
                case let .any(ps):
                    if !ps.contains(where: { context.holds($0, unit: u) }) {
                        failed.append("không đạt điều kiện nào trong: " + ps.map(\.source).joined(separator: " | "))
                    }
                }
            }
            reasons[u] = failed
            if failed.isEmpty { eligible.append(u) }
        }
        let ordered = eligible.sorted { a, b in
            let sa = context.scores[a].shownScore!, sb = context.scores[b].shownScore!
            if sa != sb { return sa > sb }
            for t in award.tieBreak {
                let va = context.value(t.name, unit: a), vb = context.value(t.name, unit: b)
                if let c = compareForTieBreak(va, vb, ascending: t.ascending) { return c }
            }
            return units[a].code.unicodeScalars.lexicographicallyPrecedes(units[b].code.unicodeScalars)
        }
        let quota = group.quota ?? ordered.count
        var position: [Int: Int] = [:]
        for (k, u) in ordered.enumerated() {
            if k < quota { position[u] = k + 1 } else { reasons[u] = ["ngoài chỉ tiêu (tối đa \(quota))"] }
        }
        let rows = UnitOrder.sorted(members, units: units, tierOrder: tierOrder) { context.scores[$0].rank }
        let eligibleSet = Set(eligible)
        for u in rows {
            let selected = position[u] != nil
            out.append(AwardDecision(
                unit: u, group: g, eligible: eligibleSet.contains(u),
                selected: selected, position: position[u],
                individuals: selected ? award.individualsPerUnit : nil,
                reasons: selected ? "" : reasons[u]!.joined(separator: "; ")))
        }
    }
    return out
}

/// Tie-break order of two values: nil when equal; empty values last whatever the direction.
func compareForTieBreak(_ a: PredicateValue?, _ b: PredicateValue?, ascending: Bool) -> Bool? {
    switch (a, b) {
    case (nil, nil): return nil
    case (nil, _): return false
    case (_, nil): return true
    case let (.number(x)?, .number(y)?):
        if x == y { return nil }
        return ascending ? x < y : x > y
    case let (.text(x)?, .text(y)?):
        if x == y { return nil }
        let less = x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        return ascending ? less : !less
    default: return nil
    }
}
