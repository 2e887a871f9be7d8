
/// One line of a unit's history: its score, rank and band in one snapshot (or, for a period run before
/// snapshots were kept, its latest results).
public struct HistoryEntry: Sendable, Equatable {
    /// The period key (`2025`, `2025-06`).
    public let period: String
    /// The day the figures were taken as of (`yyyy-MM-dd`).
    public let asOf: String
    /// The shown score (2 decimals), nil when the unit had none.
    public let score: Double?
    /// Its rank in its tier, nil when unranked.
    public let rank: Int?
    /// Its band label (xếp loại).
    public let band: String?
    /// Its rank in the `compare_to` period, as that snapshot computed it.
    public let prevRank: Int?
    /// Places gained (positive) or lost since `compare_to`.
    public let rankChange: Int?
    /// Units ranked in the unit's tier in that snapshot.
    public let rankedInTier: Int
}

/// Snapshots: every successful run keeps its indicators, scores, ranks and award decisions per
/// (pipeline, period, as_of), so that nightly runs with `--as-of` do not overwrite each other.
extension Warehouse {
    /// Copies the period's current results into the snapshot of `asOf` (replacing an earlier one of the same day).
    static func saveSnapshot(_ db: any SQLSession, _ key: PeriodKey, asOf: String, run: Int64) throws {
        if let old: Int64 = try db.value("SELECT id FROM snapshots WHERE pipeline = ? AND period = ? AND as_of = ?", [key.pipeline, key.period, asOf]) {
            for table in ["snapshot_indicators", "snapshot_scores", "snapshot_decisions"] {
                try db.execute("DELETE FROM \(table) WHERE snapshot_id = ?", [old])
            }
            try db.execute("DELETE FROM snapshots WHERE id = ?", [old])
        }
        let id: Int64 = try db.value("INSERT INTO snapshots (pipeline, period, as_of, run_id, taken_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                     [key.pipeline, key.period, asOf, run, Warehouse.now()]) ?? 0
        let columns = Indicator.allCases.map(\.rawValue).joined(separator: ", ")
        let args: SQLArguments = [id, key.pipeline, key.period]
        try db.execute("""
            INSERT INTO snapshot_indicators (snapshot_id, unit_code, \(columns))
            SELECT ?, unit_code, \(columns) FROM indicators WHERE pipeline = ? AND period = ?
            """, args)
        try db.execute("""
            INSERT INTO snapshot_scores (snapshot_id, index_key, unit_code, tier, score, shown_score, band, rank, prev_rank, rank_change)
            SELECT ?, index_key, unit_code, tier, score, shown_score, band, rank, prev_rank, rank_change
            FROM index_scores WHERE pipeline = ? AND period = ?
            """, args)
        try db.execute("""
            INSERT INTO snapshot_decisions (snapshot_id, award_key, unit_code, eligible, selected, position, individuals, reasons)
            SELECT ?, award_key, unit_code, eligible, selected, position, individuals, reasons
            FROM award_decisions WHERE pipeline = ? AND period = ?
            """, args)
    }

    /// A unit's score, rank and band per snapshot of every period of the pipeline, oldest first; a period
    /// with no snapshot (run by an older version) contributes its latest results.
    public func history(pipeline: String, unit: String, index: String) throws -> [HistoryEntry] {
        try read { db in
            var out: [HistoryEntry] = []
            for row in try db.rows("""
                SELECT s.period, s.as_of, x.shown_score, x.rank, x.band, x.prev_rank, x.rank_change,
                       (SELECT COUNT(*) FROM snapshot_scores y WHERE y.snapshot_id = x.snapshot_id AND y.index_key = x.index_key
                          AND y.rank IS NOT NULL AND y.tier IS NOT DISTINCT FROM x.tier) AS ranked
                FROM snapshots s JOIN snapshot_scores x ON x.snapshot_id = s.id
                WHERE s.pipeline = ? AND x.index_key = ? AND x.unit_code = ?
                UNION ALL
                SELECT i.period, COALESCE((SELECT r.as_of FROM runs r WHERE r.pipeline = i.pipeline AND r.period = i.period
                          AND r.status = 'ok' ORDER BY r.id DESC LIMIT 1), ''), i.shown_score, i.rank, i.band, i.prev_rank, i.rank_change,
                       (SELECT COUNT(*) FROM index_scores y WHERE y.pipeline = i.pipeline AND y.period = i.period
                          AND y.index_key = i.index_key AND y.rank IS NOT NULL AND y.tier IS NOT DISTINCT FROM i.tier)
                FROM index_scores i
                WHERE i.pipeline = ? AND i.index_key = ? AND i.unit_code = ?
                  AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.pipeline = i.pipeline AND s.period = i.period)
                ORDER BY 1, 2
                """, [pipeline, index, unit, pipeline, index, unit]) {
                out.append(HistoryEntry(period: row[0], asOf: row[1], score: row[2], rank: row[3], band: row[4],
                                        prevRank: row[5], rankChange: row[6], rankedInTier: row[7]))
            }
            return out
        }
    }
}

extension Warehouse {
    /// Per unit code, its shown score and rank in each period of the pipeline the warehouse holds (each
    /// period's latest results), periods in key order: the sparklines of the council's report.
    public func periodHistory(pipeline: String, index: String) throws -> [String: [(period: String, score: Double?, rank: Int?)]] {
        try read { db in
            var out: [String: [(period: String, score: Double?, rank: Int?)]] = [:]
            for row in try db.rows("""
                SELECT unit_code, period, shown_score, rank FROM index_scores WHERE pipeline = ? AND index_key = ? ORDER BY period
                """, [pipeline, index]) {
                out[row[0] as String, default: []].append((row[1], row[2], row[3]))
            }
            return out
        }
    }
}

extension Warehouse {
    static func saveReportOutputs(_ db: any SQLSession, _ key: PeriodKey, _ hashes: [String: String]) throws {
        try delete(db, "report_outputs", key)
        for name in hashes.keys.sorted() {
            try db.execute("INSERT INTO report_outputs (pipeline, period, file, sha256) VALUES (?, ?, ?, ?)", [key.pipeline, key.period, name, hashes[name]])
        }
    }

    /// The files the last report of a period wrote, with their SHA-256.
    public func reportOutputs(_ key: PeriodKey) throws -> [String: String] {
        try read { db in
            var out: [String: String] = [:]
            for row in try db.rows("SELECT file, sha256 FROM report_outputs WHERE pipeline = ? AND period = ?", [key.pipeline, key.period]) {
                out[row[0]] = row[1]
            }
            return out
        }
    }
}

extension Warehouse {
    /// The index keys a pipeline's period holds scores for.
    public func indexKeys(pipeline: String, period: String) throws -> [String] {
        try read { db in
            try db.column("SELECT DISTINCT index_key FROM index_scores WHERE pipeline = ? AND period = ? ORDER BY index_key", [pipeline, period])
        }
    }

    /// Every scored unit of a pipeline's period on an index: code, name and shown score.
    public func scoredUnits(pipeline: String, period: String, index: String) throws -> [(code: String, name: String, score: Double)] {
        try read { db in
            try db.rows("""
                SELECT s.unit_code, COALESCE((SELECT u.unit_name FROM units u WHERE u.pipeline = s.pipeline AND u.period = s.period
                         AND u.unit_code = s.unit_code ORDER BY u.reporting DESC, u.position LIMIT 1), '') AS name, s.shown_score
                FROM index_scores s WHERE s.pipeline = ? AND s.period = ? AND s.index_key = ? AND s.shown_score IS NOT NULL
                ORDER BY s.unit_code
                """, [pipeline, period, index]).map { ($0[0], $0[1], $0[2]) }
        }
    }
}
