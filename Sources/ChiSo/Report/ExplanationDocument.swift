import Foundation

/// `chiso explain --json`: one unit's figures as one JSON document for scripts and dashboards. Numbers are
/// the shown values of the CSVs (rates in percent, rounded to 2 decimals); a value the unit does not have
/// (no rank, no previous rank, an N/A component) is left out.
public struct ExplanationDocument: Codable, Sendable {
    struct UnitInfo: Codable, Sendable {
        var code: String
        var name: String
        var tier: String
        var tierLabel: String
    }

    struct Predecessor: Codable, Sendable {
        var code: String
        var name: String
        var dossiers: Int
        var change: String
    }

    struct Component: Codable, Sendable {
        var key: String
        var label: String
        var numerator: Double?
        var denominator: Double?
        var rate: Double?
        var points: Double?
        var maxPoints: Double
    }

    struct GroupResult: Codable, Sendable {
        var key: String
        var label: String
        var points: Double?
        var maxPoints: Double
    }

    struct PortalFigure: Codable, Sendable {
        /// A group key, or `score`.
        public var key: String
        var chiso: Double?
        var portal: Double?
        var difference: Double?
        var exceedsTolerance: Bool
    }

    struct IndexResult: Codable, Sendable {
        var key: String
        var label: String
        var components: [Component]
        var groups: [GroupResult]
        var portal: [PortalFigure]
        var score: Double?
        var band: String?
        var rank: Int?
        var rankedInTier: Int
        var prevRank: Int?
        var rankChange: Int?
    }

    struct Condition: Codable, Sendable {
        var predicate: String
        var holds: Bool
        var left: String
        var right: String
        /// Set for the predicates of an `any:` group.
        public var anyGroup: Int?
    }

    struct AwardResult: Codable, Sendable {
        var key: String
        var label: String
        /// False when the unit's tier is in no group of the award.
        public var considered: Bool
        var eligible: Bool
        var selected: Bool
        var position: Int?
        var quota: Int?
        var individuals: Int?
        var reasons: [String]
        var conditions: [Condition]
    }

    var pipeline: String
    var period: String
    var asOf: String
    /// `warehouse`: the figures of the last successful run (those of its CSVs); `computed`: evaluated now.
    public var source: String
    var unit: UnitInfo
    var predecessors: [Predecessor]
    var indicators: [String: Int]
    var indices: [IndexResult]
    var awards: [AwardResult]

    enum CodingKeys: String, CodingKey {
        case pipeline, period, source, unit, predecessors, indicators, indices, awards
        case asOf = "as_of"
    }

    /// The document for `unitCode` in `e`.
    /// - Throws: ``Explanation/UnitNotFound`` when the code names no reporting unit.
    public init(_ e: Evaluation, unitCode: String, source: String) throws {
        let u = try Explanation.unitIndex(e, unitCode)
        let config = e.config
        let unit = e.registry.units[u]
        pipeline = config.pipeline
        period = config.period.key
        asOf = PortalDate.iso(e.dates.asOf)
        self.source = source
        self.unit = UnitInfo(code: unit.code, name: unit.name, tier: unit.tier,
                             tierLabel: config.tiers.first { $0.key == unit.tier }?.label ?? unit.tier)
        let reorganization = e.reorganization
        let row = reorganization.reportingIndex.firstIndex(of: u)
        let direct = e.table.inPeriodByRow
        predecessors = (row.map { r in direct.count == reorganization.registry.units.count
            ? reorganization.contributors(to: r, direct: direct) : [] } ?? []).map {
            Predecessor(code: reorganization.registry.units[$0.row].code, name: reorganization.registry.units[$0.row].name,
                        dossiers: $0.dossiers, change: reorganization.describeChain(from: $0.row))
        }
        indicators = Dictionary(uniqueKeysWithValues: Indicator.allCases.map { ($0.rawValue, e.table.rows[u][$0]) })
        indices = config.indices.map { index in
            let scores = e.scores[index.key]!
            let s = scores[u]
            return IndexResult(
                key: index.key, label: index.label,
                components: zip(index.components, s.components).map { c, r in
                    Component(key: c.key, label: c.label, numerator: r.numerator.map(Rounding.round2), denominator: r.denominator.map(Rounding.round2),
                              rate: r.rate.map { Rounding.round2($0 * 100) }, points: r.points.map(Rounding.round2), maxPoints: c.points)
                },
                groups: zip(index.groups, index.groupSubtotals(s.components)).map {
                    GroupResult(key: $0.key, label: $0.label, points: $1.map(Rounding.round2), maxPoints: $0.points)
                },
                portal: index.reconciled(s, external: e.references[.external]).map {
                    PortalFigure(key: $0.key, chiso: $0.chiso, portal: $0.portal, difference: $0.difference, exceedsTolerance: $0.exceeds)
                },
                score: s.shownScore, band: s.band, rank: s.rank,
                rankedInTier: scores.filter { e.registry.units[$0.unit].tier == unit.tier && $0.rank != nil }.count,
                prevRank: s.prevRank, rankChange: s.rankChange)
        }
        awards = config.awards.map { award in
            guard let d = e.decisions[award.key]?.first(where: { $0.unit == u }) else {
                return AwardResult(key: award.key, label: award.label, considered: false, eligible: false, selected: false,
                                   position: nil, quota: nil, individuals: nil, reasons: [], conditions: [])
            }
            let index = config.indices.first { $0.key == award.index }!
            let context = PredicateContext(index: index, facts: UnitFacts(indicators: e.table.rows, targets: e.references[.targets],
                                                                          external: e.references[.external]),
                                           scores: e.scores[index.key]!)
            var conditions: [Condition] = []
            for (g, condition) in award.eligible.enumerated() {
                switch condition {
                case let .all(p):
                    conditions.append(Condition(predicate: p.source, holds: context.holds(p, unit: u),
                                                left: context.describe(p.lhs, unit: u), right: context.describe(p.rhs, unit: u), anyGroup: nil))
                case let .any(ps):
                    for p in ps {
                        conditions.append(Condition(predicate: p.source, holds: context.holds(p, unit: u),
                                                    left: context.describe(p.lhs, unit: u), right: context.describe(p.rhs, unit: u), anyGroup: g))
                    }
                }
            }
            return AwardResult(key: award.key, label: award.label, considered: true, eligible: d.eligible, selected: d.selected,
                               position: d.position, quota: award.groups[d.group].quota, individuals: d.individuals,
                               reasons: d.reasons.isEmpty ? [] : d.reasons.components(separatedBy: "; "), conditions: conditions)
        }
    }

    /// Pretty, key-sorted JSON with a final newline.
    public func encoded() throws -> Data {
        try JSONDocument.encode(self)
    }
}

/// JSON for the command line's `--json` documents: pretty, keys sorted, slashes unescaped, snake_case keys.
public enum JSONDocument {
    /// Encodes `value` as one JSON document ending in a newline.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(value) + Data([0x0A])
    }
}
