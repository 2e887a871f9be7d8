/// What an N/A component counts for (SPEC 5 `not_applicable`).
public enum NotApplicablePolicy: String, Sendable, CaseIterable {
    /// Score over the applicable components only (default).
    case redistribute
    /// An N/A component earns its maximum.
    case full
    /// An N/A component earns 0.
    case zero
}

/// One component of an index: points earned for a rate (SPEC 5).
public struct ComponentConfig: Sendable {
    public let key: String
    public let label: String
    /// Maximum points.
    public let points: Double
    public let numerator: Expression
    public let denominator: Expression
    /// Rate that earns full points (0 < full_at ≤ 1).
    public let fullAt: Double
}

/// A score band (xếp loại): the first band whose `min` ≤ score.
public struct Band: Sendable, Equatable {
    public let min: Double
    public let label: String
}

/// An index (bộ chỉ số) the movement ranks units by.
public struct IndexConfig: Sendable {
    public let key: String
    public let label: String
    public let notApplicable: NotApplicablePolicy
    /// Defaults to the sum of the components' points.
    public let scale: Double
    public let components: [ComponentConfig]
    public let bands: [Band]
}

/// A condition of eligibility: one predicate, or `any:` of several.
public enum Condition: Sendable {
    case all(Predicate)
    case any([Predicate])
}

/// A tie-break entry: `NAME asc` or `NAME desc`.
public struct TieBreak: Sendable, Equatable {
    public let name: String
    public let ascending: Bool
}

/// A group of units competing for a quota (SPEC 6 `groups`).
public struct AwardGroup: Sendable {
    public let tiers: [String]
    /// Maximum number selected ("không quá"); nil = all eligible.
    public let quota: Int?
}

/// An award (hình thức khen thưởng) and its selection rules.
public struct AwardConfig: Sendable {
    public let key: String
    public let label: String
    public let index: String
    public let groups: [AwardGroup]
    public let eligible: [Condition]
    public let tieBreak: [TieBreak]
    public let individualsPerUnit: Int?
}
