/// One component's figures for one unit. `rate` and `points` are nil when it is not applicable.
public struct ComponentResult: Sendable, Equatable {
    /// nil when the expression could not be evaluated (division by zero, a missing reference value).
    public var numerator: Double?
    /// The component's denominator value; nil or 0 makes it not applicable (SPEC 5.1).
    public var denominator: Double?
    /// numerator ÷ denominator, capped by `full_at`, as a fraction.
    public var rate: Double?
    /// Points earned (unrounded); nil when not applicable.
    public var points: Double?

    /// A result; the default is a component not applicable.
    public init(numerator: Double? = nil, denominator: Double? = nil, rate: Double? = nil, points: Double? = nil) {
        self.numerator = numerator
        self.denominator = denominator
        self.rate = rate
        self.points = points
    }

    /// False when the denominator was 0 or missing (SPEC 5.1 N/A).
    public var isApplicable: Bool { points != nil }
}

/// One unit's result on one index (SPEC 5). All rounding happens in the shown values.
public struct UnitScore: Sendable, Equatable {
    /// The registry row of the unit.
    public var unit: Int
    /// Per component, in the index's order.
    public var components: [ComponentResult]
    /// Unrounded score; nil when the unit has none (redistribute with nothing applicable).
    public var score: Double?
    /// The band label its shown score falls in.
    public var band: String?
    /// Rank in its tier by shown score (SPEC 5.4); nil when unscored.
    public var rank: Int?
    /// Rank of the unit (or its ancestors, SPEC 10.4) in the `compare_to` period.
    public var prevRank: Int?

    /// `round2(score)`, the value ranks, bands and predicates use.
    public var shownScore: Double? { score.map(Rounding.round2) }

    /// `prev_rank − rank` (positive = moved up).
    public var rankChange: Int? {
        guard let rank, let prevRank else { return nil }
        return prevRank - rank
    }

    /// Every stored property, as the shell's loaders build it.
    package init(unit: Int, components: [ComponentResult], score: Double? = nil, band: String? = nil, rank: Int? = nil, prevRank: Int? = nil) {
        self.unit = unit
        self.components = components
        self.score = score
        self.band = band
        self.rank = rank
        self.prevRank = prevRank
    }
}

/// Values a unit has for the names expressions use: indicators, `target.KEY`, `external.KEY`.
public struct UnitFacts: Sendable {
    /// SPEC 4 indicators per registry row.
    public let indicators: [IndicatorRow]
    /// `target.KEY` values (chỉ tiêu giao), if the pipeline has them.
    public let targets: ReferenceTable?
    /// `external.KEY` values (indices measured elsewhere), if any.
    public let external: ReferenceTable?

    /// The facts of one period's units.
    public init(indicators: [IndicatorRow], targets: ReferenceTable? = nil, external: ReferenceTable? = nil) {
        self.indicators = indicators
        self.targets = targets
        self.external = external
    }

    /// The value of an indicator or reference name for `unit`; nil = no value.
    public func value(_ name: String, unit: Int) -> Double? {
        if name.hasPrefix("target.") { return targets?.value(unit: unit, key: String(name.dropFirst(7))) }
        if name.hasPrefix("external.") { return external?.value(unit: unit, key: String(name.dropFirst(9))) }
        guard let indicator = Indicator(rawValue: name) else { return nil }
        return Double(indicators[unit][indicator])
    }
}

/// Computes an index for every unit: components, score, band and rank within the tier (SPEC 5).
/// Pure: the registry, the facts and last period's ranks (by unit code) in; scores out, in registry order.
public func computeIndex(_ index: IndexConfig, units: [Unit], facts: UnitFacts,
                         previousRanks: [String: Int] = [:]) -> [UnitScore] {
    var scores: [UnitScore] = units.indices.map { u in
        let components = index.components.map { c -> ComponentResult in
            let lookup = { (name: String) in facts.value(name, unit: u) }
            let num = c.numerator.evaluate(lookup)
            let den = c.denominator.evaluate(lookup)
            guard let n = num, let d = den, d != 0 else {
                return ComponentResult(numerator: num, denominator: den, rate: nil, points: nil)
            }
            let rate = n / d
            let points = c.points * min(1.0, max(0.0, rate) / c.fullAt)
            return ComponentResult(numerator: n, denominator: d, rate: rate, points: points)
        }
        return UnitScore(unit: u, components: components, score: score(index, components), band: nil, rank: nil,
                         prevRank: previousRanks[units[u].code])
    }
    // Competition ranking ("1224") within each tier on the shown score.
    var byTier: [String: [Double]] = [:]
    for s in scores { if let shown = s.shownScore { byTier[units[s.unit].tier, default: []].append(shown) } }
    for key in byTier.keys { byTier[key]!.sort(by: >) }
    for i in scores.indices {
        guard let shown = scores[i].shownScore else { continue }
        scores[i].band = index.bands.first { $0.min <= shown }?.label
        let sorted = byTier[units[scores[i].unit].tier]!
        // 1 + the number of units of the tier with a strictly higher score.
        var lo = 0, hi = sorted.count
        while lo < hi { let mid = (lo + hi) / 2; if sorted[mid] > shown { lo = mid + 1 } else { hi = mid } }
        scores[i].rank = 1 + lo
    }
    return scores
}

/// SPEC 5's score, literally: `(Σ points / Σ P) * scale`, sums in component order.
func score(_ index: IndexConfig, _ results: [ComponentResult]) -> Double? {
    var earned = 0.0
    var possible = 0.0
    var applicable = 0
    for (c, r) in zip(index.components, results) {
        if let p = r.points {
            earned += p
            possible += c.points
            applicable += 1
        } else {
            switch index.notApplicable {
            case .redistribute: break
            case .full: earned += c.points; possible += c.points
            case .zero: possible += c.points
            }
        }
    }
    if index.notApplicable == .redistribute && applicable == 0 { return nil }
    return (earned / possible) * index.scale
}
