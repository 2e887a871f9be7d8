/// What normalize, indices and awards write and read: indicators, scores, components and decisions.
extension Warehouse {
    // MARK: normalize, indices, awards

    static func saveIndicators(_ db: any SQLSession, _ key: PeriodKey, _ table: IndicatorTable, registry: UnitRegistry) throws {
        try delete(db, "indicators", key)
        let st = try db.bulkWriter(table: "indicators", columns: ["pipeline", "period", "unit_code"] + Indicator.allCases.map(\.rawValue))
        for (u, row) in table.rows.enumerated() {
            let prefix: SQLArguments = [key.pipeline, key.period, registry.units[u].code]
            try st.row(prefix + row.counts.map { $0 })
        }
        try st.finish()
    }

    func loadIndicators(_ key: PeriodKey, registry: UnitRegistry) throws -> [IndicatorRow] {
        try read { db in
            var rows = [IndicatorRow](repeating: IndicatorRow(), count: registry.units.count)
            for row in try db.rows("SELECT * FROM indicators WHERE pipeline = ? AND period = ?", [key.pipeline, key.period]) {
                guard let u = registry.index(of: row["unit_code"] as String) else { continue }
                for i in Indicator.allCases { rows[u][i] = row[i.rawValue] }
            }
            return rows
        }
    }

    static func saveScores(_ db: any SQLSession, _ key: PeriodKey, _ index: IndexConfig, _ scores: [UnitScore], registry: UnitRegistry) throws {
        try delete(db, "index_scores", key, extra: " AND index_key = ?", [index.key])
        try delete(db, "component_scores", key, extra: " AND index_key = ?", [index.key])
        let s = try db.bulkWriter(table: "index_scores", columns: ["pipeline", "period", "index_key", "unit_code", "score", "shown_score", "band", "rank", "prev_rank", "rank_change", "tier"])
        let c = { try db.bulkWriter(table: "component_scores", columns: ["pipeline", "period", "index_key", "unit_code", "component", "position", "numerator", "denominator", "rate", "points"]) }
        for score in scores {
            try s.row([key.pipeline, key.period, index.key, registry.units[score.unit].code, score.score, score.shownScore, score.band,
                       score.rank, score.prevRank, score.rankChange, registry.units[score.unit].tier])
        }
        try s.finish()
        let components = try c()
        // One bulk load at a time (on PostgreSQL each is a COPY): the components after the scores.
        for score in scores {
            let code = registry.units[score.unit].code
            for (i, (component, r)) in zip(index.components, score.components).enumerated() {
                try components.row([key.pipeline, key.period, index.key, code, component.key, i, r.numerator, r.denominator, r.rate, r.points])
            }
        }
        try components.finish()
    }

    /// Drops results of indices and awards no longer in the pipeline file.
    static func pruneScoring(_ db: any SQLSession, _ key: PeriodKey, indices: [String]?, awards: [String]?) throws {
        func prune(_ table: String, _ column: String, _ keep: [String]) throws {
            let marks = keep.isEmpty ? "''" : Array(repeating: "?", count: keep.count).joined(separator: ", ")
            try db.execute("DELETE FROM \(table) WHERE pipeline = ? AND period = ? AND \(column) NOT IN (\(marks))", [key.pipeline, key.period] + keep.map { $0 })
        }
        if let indices {
            try prune("index_scores", "index_key", indices)
            try prune("component_scores", "index_key", indices)
        }
        if let awards { try prune("award_decisions", "award_key", awards) }
    }

    func loadScores(_ key: PeriodKey, _ index: IndexConfig, registry: UnitRegistry) throws -> [UnitScore]? {
        try read { db in
            var scores = registry.units.indices.map {
                UnitScore(unit: $0, components: Array(repeating: ComponentResult(), count: index.components.count),
                          score: nil, band: nil, rank: nil, prevRank: nil)
            }
            let rows = try db.rows("SELECT * FROM index_scores WHERE pipeline = ? AND period = ? AND index_key = ?", [key.pipeline, key.period, index.key])
            if rows.isEmpty && !registry.units.isEmpty { return nil }
            for row in rows {
                guard let u = registry.index(of: row["unit_code"] as String) else { continue }
                scores[u].score = row["score"]
                scores[u].band = row["band"]
                scores[u].rank = row["rank"]
                scores[u].prevRank = row["prev_rank"]
            }
            for row in try db.rows("SELECT * FROM component_scores WHERE pipeline = ? AND period = ? AND index_key = ?", [key.pipeline, key.period, index.key]) {
                guard let u = registry.index(of: row["unit_code"] as String),
                      let i = index.components.firstIndex(where: { $0.key == row["component"] as String }) else { continue }
                scores[u].components[i] = ComponentResult(numerator: row["numerator"], denominator: row["denominator"],
                                                          rate: row["rate"], points: row["points"])
            }
            return scores
        }
    }

    static func saveDecisions(_ db: any SQLSession, _ key: PeriodKey, _ award: AwardConfig, _ decisions: [AwardDecision], registry: UnitRegistry) throws {
        try delete(db, "award_decisions", key, extra: " AND award_key = ?", [award.key])
        let st = try db.bulkWriter(table: "award_decisions", columns: ["pipeline", "period", "award_key", "unit_code", "row_order", "grp", "eligible", "selected", "position", "individuals", "reasons"])
        for (i, d) in decisions.enumerated() {
            try st.row([key.pipeline, key.period, award.key, registry.units[d.unit].code, i, d.group, d.eligible, d.selected,
                                       d.position, d.individuals, d.reasons])
        }
        try st.finish()
    }

    func loadDecisions(_ key: PeriodKey, _ award: AwardConfig, registry: UnitRegistry) throws -> [AwardDecision]? {
        try read { db in
            let rows = try db.rows("SELECT * FROM award_decisions WHERE pipeline = ? AND period = ? AND award_key = ? ORDER BY row_order", [key.pipeline, key.period, award.key])
            if rows.isEmpty { return nil }
            return rows.compactMap { row in
                guard let u = registry.index(of: row["unit_code"] as String) else { return nil }
                return AwardDecision(unit: u, group: row["grp"], eligible: row["eligible"], selected: row["selected"],
                                     position: row["position"], individuals: row["individuals"], reasons: row["reasons"])
            }
        }
    }
}
