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
    /// Short identifier used in CSV column names and expressions.
    public let key: String
    /// Name shown to people (Vietnamese).
    public let label: String
    /// Maximum points.
    public let points: Double
    /// What is counted (an expression over indicators and references).
    public let numerator: Expression
    /// What it is counted against; 0 or missing makes the component not applicable.
    public let denominator: Expression
    /// Rate that earns full points (0 < full_at ≤ 1).
    public let fullAt: Double
    /// The key of the index group (nhóm chỉ số) it counts in, if any.
    public var group: String? = nil

    /// Every stored property, as the shell's loaders build it.
    package init(key: String, label: String, points: Double, numerator: Expression, denominator: Expression, fullAt: Double, group: String? = nil) {
        self.key = key
        self.label = label
        self.points = points
        self.numerator = numerator
        self.denominator = denominator
        self.fullAt = fullAt
        self.group = group
    }
}

/// A group of an index's components (nhóm chỉ số, e.g. the 766 set's TDGQ): its subtotal is shown after
/// the components. Its maximum equals the sum of its components' points.
public struct IndexGroup: Sendable, Equatable {
    /// The group's key (components name it in `group`).
    public let key: String
    /// Name shown to people.
    public let label: String
    /// The group's maximum points (the portal's).
    public let points: Double

    /// Every stored property, as the shell's loaders build it.
    package init(key: String, label: String, points: Double) {
        self.key = key
        self.label = label
        self.points = points
    }
}

/// Published figures to compare with (SPEC-style extension): the portal's own score of a group or of the
/// total, per unit, from the `external` file; a difference beyond `tolerance` is a data-quality warning.
public struct Reconciliation: Sendable {
    /// `external.KEY` holding the portal's total, if compared.
    public let total: String?
    /// Group key → `external.KEY` holding the portal's subtotal, in the index's group order.
    public let groups: [(group: String, key: String)]
    /// Largest absolute difference (in points) not reported.
    public let tolerance: Double

    /// Every stored property, as the shell's loaders build it.
    package init(total: String?, groups: [(group: String, key: String)], tolerance: Double) {
        self.total = total
        self.groups = groups
        self.tolerance = tolerance
    }
}

/// A score band (xếp loại): the first band whose `min` ≤ score.
public struct Band: Sendable, Equatable {
    /// The lowest shown score in the band.
    public let min: Double
    /// The band's label (xếp loại).
    public let label: String

    /// Every stored property, as the shell's loaders build it.
    package init(min: Double, label: String) {
        self.min = min
        self.label = label
    }
}

/// An index (bộ chỉ số) the movement ranks units by.
public struct IndexConfig: Sendable {
    /// Short identifier: CSV file names (`chi-so-KEY.csv`), awards' `index`.
    public let key: String
    /// Name shown to people.
    public let label: String
    /// What a not-applicable component does to the score (SPEC 5.2).
    public let notApplicable: NotApplicablePolicy
    /// Defaults to the sum of the components' points.
    public let scale: Double
    /// Its components, in the order of the CSV's columns.
    public let components: [ComponentConfig]
    /// Bands, highest first.
    public let bands: [Band]
    /// Index groups, in order (empty: none, and outputs are as without groups).
    public var groups: [IndexGroup] = []
    /// The portal's published figures to reconcile with, if any.
    public var reconciliation: Reconciliation? = nil

    /// Every stored property, as the shell's loaders build it.
    package init(key: String, label: String, notApplicable: NotApplicablePolicy, scale: Double, components: [ComponentConfig], bands: [Band], groups: [IndexGroup] = [], reconciliation: Reconciliation? = nil) {
        self.key = key
        self.label = label
        self.notApplicable = notApplicable
        self.scale = scale
        self.components = components
        self.bands = bands
        self.groups = groups
        self.reconciliation = reconciliation
    }
}

/// A condition of eligibility: one predicate, or `any:` of several.
public enum Condition: Sendable {
    case all(Predicate)
    case any([Predicate])
}

/// A tie-break entry: `NAME asc` or `NAME desc`.
public struct TieBreak: Sendable, Equatable {
    /// An indicator, reference or `score`.
    public let name: String
    /// Lower wins when true.
    public let ascending: Bool

    /// Every stored property, as the shell's loaders build it.
    package init(name: String, ascending: Bool) {
        self.name = name
        self.ascending = ascending
    }
}

/// A group of units competing for a quota (SPEC 6 `groups`).
public struct AwardGroup: Sendable {
    /// Tier keys that compete together.
    public let tiers: [String]
    /// Maximum number selected ("không quá"); nil = all eligible.
    public let quota: Int?

    /// Every stored property, as the shell's loaders build it.
    package init(tiers: [String], quota: Int?) {
        self.tiers = tiers
        self.quota = quota
    }
}

/// An award (hình thức khen thưởng) and its selection rules.
public struct AwardConfig: Sendable {
    /// Short identifier: `khen-thuong-KEY.csv`.
    public let key: String
    /// The award's name (Bằng khen…).
    public let label: String
    /// The index units are ranked on.
    public let index: String
    /// Tier groups with their quotas.
    public let groups: [AwardGroup]
    /// Conditions every proposed unit meets.
    public let eligible: [Condition]
    /// How equal scores are ordered, in turn.
    public let tieBreak: [TieBreak]
    /// Individuals each selected unit may propose, if the plan allows them.
    public let individualsPerUnit: Int?

    /// Every stored property, as the shell's loaders build it.
    package init(key: String, label: String, index: String, groups: [AwardGroup], eligible: [Condition], tieBreak: [TieBreak], individualsPerUnit: Int?) {
        self.key = key
        self.label = label
        self.index = index
        self.groups = groups
        self.eligible = eligible
        self.tieBreak = tieBreak
        self.individualsPerUnit = individualsPerUnit
    }
}
