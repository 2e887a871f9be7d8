/// A unit's rank in the compared period and the tier it was ranked in.
public struct RankedUnit: Sendable, Equatable {
    /// Its rank in that period.
    public let rank: Int
    /// The tier it was ranked in.
    public let tier: String

    /// A rank in a tier.
    public init(rank: Int, tier: String) {
        self.rank = rank
        self.tier = tier
    }
}

/// What the warehouse holds of the `compare_to` period: its last day and, per index, its ranked units by code.
public struct ComparedPeriod: Sendable {
    /// nil when the compared period never ran successfully (then no unit has ancestors, SPEC 10.6).
    public var end: Day?
    /// Per index key: rank and tier by unit code.
    public var ranks: [String: [String: RankedUnit]]

    /// The compared period's end and ranks.
    public init(end: Day?, ranks: [String: [String: RankedUnit]]) {
        self.end = end
        self.ranks = ranks
    }
}

/// Attribution (SPEC 10.3) and ranks across a reorganization (10.4), over the mapping of ``Reorganization``.
extension Reorganization {
    /// Per registry row, its index among the reporting units, or -1.
    public var reportingIndex: [Int] {
        var next = 0
        return registry.isReporting.map { reports in
            defer { if reports { next += 1 } }
            return reports ? next : -1
        }
    }

    /// Per registry row, the reporting index its dossiers count for (-1 = nowhere); nil when every row
    /// reports and nothing is carried, so that counting runs exactly as before.
    public var attributionMap: [Int]? {
        guard followsReorganization else { return nil }
        let index = reportingIndex
        return target.map { $0.map { index[$0] } ?? -1 }
    }

    /// SPEC 4's indicators per reporting unit, each dossier counted for the unit it is attributed to
    /// (only those at `positions`, when given: see ``computeIndicators(dossiers:links:unitCount:dates:checkLateList:attribution:positions:)``).
    public func indicators(_ store: DossierStore, dates: RunDates, checkLateList: Bool, positions: Range<Int>? = nil) -> IndicatorTable {
        computeIndicators(dossiers: store.dossiers, links: store.links, unitCount: registry.isReporting.filter { $0 }.count,
                          dates: dates, checkLateList: checkLateList, attribution: attributionMap, positions: positions)
    }

    /// A reference table keyed by registry row, re-keyed by reporting index.
    public func reportingTable(_ table: ReferenceTable?) -> ReferenceTable? {
        guard let table, !registry.isReporting.allSatisfy({ $0 }) else { return table }
        return table.reindexed(reportingIndex)
    }

    /// Per reporting unit (by registry row), its ancestors in the compared period (SPEC 10.4); empty when
    /// 10.4 does not apply or the compared period never ran.
    public func ancestors(comparedPeriodEnd end: Day?) -> [Int: [Int]] {
        guard followsReorganization, let end else { return [:] }
        var out: [Int: [Int]] = [:]
        for row in registry.units.indices where registry.isReporting[row] {
            out[row] = ancestors(of: row, comparedPeriodEnd: end)
        }
        return out
    }

    /// `prev_rank` by reporting unit code for one index. Without a reorganization, the same code's rank;
    /// with one, the rank of the unit's single ancestor if it was ranked in the same tier key (SPEC 10.4).
    public func previousRanks(_ ranked: [String: RankedUnit], ancestors: [Int: [Int]]) -> [String: Int] {
        guard followsReorganization else { return ranked.mapValues(\.rank) }
        var out: [String: Int] = [:]
        for (row, list) in ancestors where list.count == 1 {
            let unit = registry.units[row]
            if let previous = ranked[registry.units[list[0]].code], previous.tier == unit.tier { out[unit.code] = previous.rank }
        }
        return out
    }

    /// The `predecessors` cell per reporting index, or nil when `sources.lineage` is not configured.
    /// - Parameters:
    ///   - inPeriod: per registry row, its in-period dossiers (``IndicatorTable/inPeriodByRow``).
    ///   - ancestors: per reporting unit's registry row, its ancestors.
    public func predecessorColumn(inPeriod: [Int], ancestors: [Int: [Int]]) -> [String]? {
        guard lineageConfigured else { return nil }
        let direct = inPeriod.count == registry.units.count ? inPeriod : [Int](repeating: 0, count: registry.units.count)
        return registry.units.indices.filter { registry.isReporting[$0] }.map {
            predecessors(of: $0, direct: direct, ancestors: ancestors[$0] ?? [])
        }
    }
}

extension ReferenceTable {
    /// The same values keyed by `map[oldIndex]` (entries mapped to -1 are dropped).
    public func reindexed(_ map: [Int]) -> ReferenceTable {
        var out: [String: [Int: Double]] = [:]
        for key in keys {
            var column: [Int: Double] = [:]
            for (u, v) in valuesOf(key) where u < map.count && map[u] >= 0 { column[map[u]] = v }
            out[key] = column
        }
        var table = ReferenceTable(keys: keys, values: out)
        table.file = file
        return table
    }
}
