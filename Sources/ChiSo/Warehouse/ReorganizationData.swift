
/// What the reorganization rules (SPEC 10) keep in the warehouse: the crosswalk, where each reporting
/// unit's dossiers came from, and its ancestors in the compared period.
extension Warehouse {
    static func saveLineage(_ db: any SQLSession, _ key: PeriodKey, _ crosswalk: Crosswalk?, registry: UnitRegistry) throws {
        try delete(db, "lineage", key)
        guard let crosswalk else { return }
        let st = try db.bulkWriter(table: "lineage", columns: ["pipeline", "period", "position", "line", "old_code", "new_code", "effective", "is_primary", "predecessor_position", "successor_position"])
        for (i, s) in crosswalk.successions.enumerated() {
            try st.row([key.pipeline, key.period, i, s.line, s.oldCode, s.newCode, PortalDate.iso(s.effective),
                                       s.primary, s.predecessor, s.successor])
        }
        try st.finish()
    }

    /// The crosswalk as ingested; nil when the pipeline had none.
    public func loadLineage(_ key: PeriodKey) throws -> Crosswalk? {
        try read { db in
            let rows = try db.rows("SELECT * FROM lineage WHERE pipeline = ? AND period = ? ORDER BY position", [key.pipeline, key.period])
            if rows.isEmpty { return nil }
            return Crosswalk(successions: rows.map {
                Succession(predecessor: $0["predecessor_position"], successor: $0["successor_position"],
                           effective: PortalDate.parseISO($0["effective"]) ?? 0, primary: $0["is_primary"], line: $0["line"],
                           oldCode: $0["old_code"], newCode: $0["new_code"])
            })
        }
    }

    /// Per reporting unit, the registry rows whose in-period dossiers count for it (SPEC 10.3).
    static func saveAttribution(_ db: any SQLSession, _ key: PeriodKey, _ reorganization: Reorganization, inPeriod: [Int]) throws {
        try delete(db, "unit_attribution", key)
        let st = try db.bulkWriter(table: "unit_attribution", columns: ["pipeline", "period", "unit_code", "source_position", "source_code", "dossiers"])
        let units = reorganization.registry.units
        for row in inPeriod.indices where inPeriod[row] > 0 {
            guard let target = reorganization.target[row] else { continue }
            try st.row([key.pipeline, key.period, units[target].code, row, units[row].code, inPeriod[row]])
        }
        try st.finish()
    }

    /// Per registry row, its in-period dossiers, as normalize stored them.
    public func loadAttribution(_ key: PeriodKey, rowCount: Int) throws -> [Int] {
        try read { db in
            var counts = [Int](repeating: 0, count: rowCount)
            for row in try db.rows("SELECT source_position, dossiers FROM unit_attribution WHERE pipeline = ? AND period = ?", [key.pipeline, key.period]) {
                let position: Int = row["source_position"]
                if position < rowCount { counts[position] = row["dossiers"] }
            }
            return counts
        }
    }

    static func saveAncestors(_ db: any SQLSession, _ key: PeriodKey, _ ancestors: [Int: [Int]], registry: UnitRegistry) throws {
        try delete(db, "unit_ancestors", key)
        let st = try db.bulkWriter(table: "unit_ancestors", columns: ["pipeline", "period", "unit_code", "ancestor_position", "ancestor_code"])
        for unit in ancestors.keys.sorted() {
            for a in ancestors[unit]! {
                try st.row([key.pipeline, key.period, registry.units[unit].code, a, registry.units[a].code])
            }
        }
        try st.finish()
    }

    /// Ancestors by registry row of the reporting unit, as the indices stage stored them.
    public func loadAncestors(_ key: PeriodKey, registry: UnitRegistry) throws -> [Int: [Int]] {
        try read { db in
            var out: [Int: [Int]] = [:]
            for row in try db.rows("""
                SELECT u.position, a.ancestor_position FROM unit_ancestors a
                JOIN units u ON u.pipeline = a.pipeline AND u.period = a.period AND u.unit_code = a.unit_code AND u.reporting = 1
                WHERE a.pipeline = ? AND a.period = ? ORDER BY u.position, a.ancestor_position
                """, [key.pipeline, key.period]) {
                out[row[0] as Int, default: []].append(row[1])
            }
            return out
        }
    }

    /// The last day of another period of the pipeline, as its last successful normalize recorded it; nil
    /// when that period never ran (then there are no ancestors, SPEC 10.6).
    public func periodEnd(pipeline: String, period: String) throws -> Day? {
        guard let state = try stageStates(PeriodKey(pipeline: pipeline, period: period))[Stage.normalize.rawValue],
              let bounds = state.inputs["period"], let end = bounds.components(separatedBy: "..").last else { return nil }
        return PortalDate.parseISO(end)
    }

    /// Another period of the pipeline (`compare_to`): its last day and each index's ranked units.
    public func comparedPeriod(pipeline: String, period: String, indices: [String]) throws -> ComparedPeriod {
        var ranks: [String: [String: RankedUnit]] = [:]
        for index in indices { ranks[index] = try loadRankedUnits(pipeline: pipeline, period: period, index: index) }
        return ComparedPeriod(end: try periodEnd(pipeline: pipeline, period: period), ranks: ranks)
    }

    /// Ranks and the tier each unit was ranked in, by unit code, of an index in another period.
    public func loadRankedUnits(pipeline: String, period: String, index: String) throws -> [String: RankedUnit] {
        try read { db in
            var out: [String: RankedUnit] = [:]
            for row in try db.rows("""
                SELECT s.unit_code, s.rank, COALESCE(s.tier, (SELECT u.tier FROM units u WHERE u.pipeline = s.pipeline
                  AND u.period = s.period AND u.unit_code = s.unit_code ORDER BY u.reporting DESC, u.position LIMIT 1), '') AS tier
                FROM index_scores s WHERE s.pipeline = ? AND s.period = ? AND s.index_key = ? AND s.rank IS NOT NULL
                """, [pipeline, period, index]) {
                out[row["unit_code"]] = RankedUnit(rank: row["rank"], tier: row["tier"])
            }
            return out
        }
    }
}
