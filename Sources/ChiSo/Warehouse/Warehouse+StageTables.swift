
/// What each stage writes to and reads from the warehouse, table by table.
extension Warehouse {
    static func delete(_ db: any SQLSession, _ table: String, _ key: PeriodKey, extra: String = "", _ args: SQLArguments = []) throws {
        try db.execute("DELETE FROM \(table) WHERE pipeline = ? AND period = ?\(extra)", [key.pipeline, key.period] + args)
    }

    // MARK: ingest.units and the references

    static func saveUnits(_ db: any SQLSession, _ key: PeriodKey, _ registry: UnitRegistry) throws {
        try delete(db, "units", key)
        let st = try db.bulkWriter(table: "units", columns: ["pipeline", "period", "position", "unit_code", "unit_name", "tier", "parent_code", "valid_from", "valid_to", "line", "dated", "reporting"])
        for (i, u) in registry.units.enumerated() {
            try st.row([key.pipeline, key.period, i, u.code, u.name, u.tier, u.parentCode,
                                       u.validFrom.map(PortalDate.iso), u.validTo.map(PortalDate.iso), u.line,
                                       registry.hasValidity, registry.isReporting[i]])
        }
        try st.finish()
    }

    /// The registry as ingested, its reporting units those active on `reportingDay` (the period's `to`).
    public func loadUnits(_ key: PeriodKey, reportingDay: Day? = nil) throws -> UnitRegistry {
        try read { db in
            var dated = false
            let units = try db.rows("SELECT * FROM units WHERE pipeline = ? AND period = ? ORDER BY position", [key.pipeline, key.period]).map { row -> Unit in
                dated = dated || (row["dated"] as Bool? ?? false)
                return Unit(code: row["unit_code"], name: row["unit_name"], tier: row["tier"], parentCode: row["parent_code"],
                            validFrom: (row["valid_from"] as String?).flatMap(PortalDate.parseISO),
                            validTo: (row["valid_to"] as String?).flatMap(PortalDate.parseISO), line: row["line"] ?? 0)
            }
            return UnitRegistry(units: units, reportingDay: reportingDay, hasValidity: dated)
        }
    }

    static func saveReference(_ db: any SQLSession, _ key: PeriodKey, _ kind: SourceKind, _ table: ReferenceTable,
                              registry: UnitRegistry) throws {
        try delete(db, "reference_values", key, extra: " AND source = ?", [kind.rawValue])
        try delete(db, "reference_keys", key, extra: " AND source = ?", [kind.rawValue])
        let k = try db.bulkWriter(table: "reference_keys", columns: ["pipeline", "period", "source", "key", "position"])
        for (i, name) in table.keys.enumerated() { try k.row([key.pipeline, key.period, kind.rawValue, name, i]) }
        try k.finish()
        let v = try db.bulkWriter(table: "reference_values", columns: ["pipeline", "period", "source", "unit_code", "key", "value"])
        for (u, unit) in registry.units.enumerated() {
            for name in table.keys {
                if let value = table.value(unit: u, key: name) {
                    try v.row([key.pipeline, key.period, kind.rawValue, unit.code, name, value])
                }
            }
        }
        try v.finish()
    }

    func loadReference(_ key: PeriodKey, _ kind: SourceKind, registry: UnitRegistry) throws -> ReferenceTable? {
        try read { db in
            let keys: [String] = try db.column("SELECT key FROM reference_keys WHERE pipeline = ? AND period = ? AND source = ? ORDER BY position", [key.pipeline, key.period, kind.rawValue])
            if keys.isEmpty { return nil }
            var values: [String: [Int: Double]] = Dictionary(uniqueKeysWithValues: keys.map { ($0, [:]) })
            for row in try db.rows("SELECT unit_code, key, value FROM reference_values WHERE pipeline = ? AND period = ? AND source = ?", [key.pipeline, key.period, kind.rawValue]) {
                guard let u = registry.index(of: row["unit_code"] as String) else { continue }
                values[row["key"] as String, default: [:]][u] = row["value"]
            }
            return ReferenceTable(keys: keys, values: values)
        }
    }

    // MARK: Files and findings

    /// Replaces a stage's files; `ids` are their `file_id`s (exports only: what dossier rows refer to).
    static func saveFiles(_ db: any SQLSession, _ key: PeriodKey, stage: String, _ files: [FileReport], ids: [Int]? = nil) throws {
        try delete(db, "source_files", key, extra: " AND stage = ?", [stage])
        for (i, f) in files.enumerated() {
            // A file read by two stages (one path in two sources) is kept once, as the later stage read it.
            try db.execute("""
                INSERT INTO source_files (pipeline, period, stage, source, file, position, file_id, size, sha256, encoding, delimiter, rows, quarantined)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (pipeline, period, file) DO UPDATE SET stage = excluded.stage, source = excluded.source,
                  position = excluded.position, file_id = excluded.file_id, size = excluded.size, sha256 = excluded.sha256,
                  encoding = excluded.encoding, delimiter = excluded.delimiter, rows = excluded.rows, quarantined = excluded.quarantined
                """, [key.pipeline, key.period, stage, f.source.rawValue, f.file, i, ids?[i], f.size, f.sha256,
                      f.encoding.rawValue, f.delimiter, f.rows, f.quarantined])
        }
    }

    /// Export files indexed by `file_id` (the space of `RowRef.file`); unused ids hold placeholders.
    public func loadExportFiles(_ key: PeriodKey) throws -> [FileReport] {
        try read { db in
            var out: [FileReport] = []
            for row in try db.rows("SELECT * FROM source_files WHERE pipeline = ? AND period = ? AND file_id IS NOT NULL ORDER BY file_id", [key.pipeline, key.period]) {
                let id: Int = row["file_id"]
                while out.count < id {
                    out.append(FileReport(source: .dossiers, file: "", size: 0, sha256: "", encoding: .utf8, delimiter: "",
                                          rows: 0, quarantined: 0, failed: false))
                }
                out.append(FileReport(source: SourceKind(rawValue: row["source"]) ?? .dossiers, file: row["file"], size: row["size"],
                                      sha256: row["sha256"], encoding: SourceEncoding(rawValue: row["encoding"] ?? "") ?? .utf8,
                                      delimiter: row["delimiter"] ?? "", rows: row["rows"], quarantined: row["quarantined"], failed: false))
            }
            return out
        }
    }

    /// The id of a pipeline's period in the big tables, created on first use.
    static func periodID(_ db: any SQLSession, _ key: PeriodKey) throws -> Int {
        try db.execute("INSERT INTO periods (pipeline, period) VALUES (?, ?) ON CONFLICT DO NOTHING", [key.pipeline, key.period])
        return try db.value("SELECT id FROM periods WHERE pipeline = ? AND period = ?", [key.pipeline, key.period])!
    }

    /// Files of the given stages, in stage order then reading order.
    public func loadFiles(_ key: PeriodKey, stages: [String]) throws -> [FileReport] {
        try read { db in
            var out: [FileReport] = []
            for stage in stages {
                for row in try db.rows("SELECT * FROM source_files WHERE pipeline = ? AND period = ? AND stage = ? ORDER BY position", [key.pipeline, key.period, stage]) {
                    out.append(FileReport(source: SourceKind(rawValue: row["source"]) ?? .dossiers, file: row["file"], size: row["size"],
                                          sha256: row["sha256"], encoding: SourceEncoding(rawValue: row["encoding"] ?? "") ?? .utf8,
                                          delimiter: row["delimiter"] ?? "", rows: row["rows"], quarantined: row["quarantined"],
                                          failed: false))
                }
            }
            return out
        }
    }

    static func saveFindings(_ db: any SQLSession, _ key: PeriodKey, stage: String, _ findings: [Finding]) throws {
        try delete(db, "findings", key, extra: " AND stage = ?", [stage])
        let st = try db.bulkWriter(table: "findings", columns: ["pipeline", "period", "stage", "severity", "code", "source", "file", "line", "\"column\"", "value", "dossier_id", "unit_code", "message"])
        for f in findings {
            try st.row([key.pipeline, key.period, stage, f.severity.rawValue, f.code.rawValue, f.source.rawValue,
                                       f.file, f.line, f.column, f.value, f.dossierID, f.unitCode, f.message])
        }
        try st.finish()
    }

    func loadFindings(_ key: PeriodKey) throws -> [Finding] {
        try read { db in
            try db.rows("SELECT * FROM findings WHERE pipeline = ? AND period = ? ORDER BY \(db.dialect.insertionOrder)", [key.pipeline, key.period]).map { row in
                Finding(Severity(rawValue: row["severity"]) ?? .error, FindingCode(rawValue: row["code"]) ?? .encoding,
                        source: SourceKind(rawValue: row["source"]) ?? .dossiers, file: row["file"], line: row["line"],
                        column: row["column"], value: row["value"], dossierID: row["dossier_id"], unitCode: row["unit_code"],
                        message: row["message"])
            }
        }
    }

    // MARK: ingest.dossiers and the linked sources

    static func saveDossiers(_ db: any SQLSession, _ key: PeriodKey, _ store: DossierStore, registry: UnitRegistry) throws {
        try saveDossiers(db, key, store.dossiers, ids: store.ids, registry: registry)
    }

    /// The dossiers alone (their ids and fields), so that they can be written while the linked sources are read.
    static func saveDossiers(_ db: any SQLSession, _ key: PeriodKey, _ dossiers: [Dossier], ids: ByteTable, registry: UnitRegistry) throws {
        let period = try periodID(db, key)
        let table = try db.replacePeriodRows(table: "dossiers", periodID: period)
        let insert = try db.bulkWriter(table: table, columns: [
            "period_id", "position", "dossier_id", "unit_code", "received_day", "due_day", "finished_day", "status", "channel",
            "full_online", "fee_required", "paid_online", "file_id", "line"])
        let codes = registry.units.map(\.code)
        for (i, d) in dossiers.enumerated() {
            insert.int(period)
            insert.int(i)
            ids.withKey(i) { insert.text(bytes: $0) }
            insert.text(codes[Int(d.unit)])
            insert.int(Int(d.received))
            if let due = d.due { insert.int(Int(due)) } else { insert.null() }
            if let finished = d.finished { insert.int(Int(finished)) } else { insert.null() }
            insert.int(Int(d.status.rawValue))
            insert.int(Int(d.channel.rawValue))
            insert.bool(d.fullOnline)
            insert.bool(d.feeRequired)
            insert.bool(d.paidOnline)
            insert.int(Int(d.ref.file))
            insert.int(Int(d.ref.line))
            try insert.endRow()
        }
        try insert.finish()
    }

    /// The valid dossiers with their links, as ingested (`RowRef.file` is the stored `file_id`).
    public func loadDossiers(_ key: PeriodKey, registry: UnitRegistry) throws -> DossierStore {
        try read { db in
            var store = DossierStore()
            guard let period: Int = try db.value("SELECT id FROM periods WHERE pipeline = ? AND period = ?", [key.pipeline, key.period])
            else { return store }
            var scratch = [UInt8](repeating: 0, count: 64)
            try db.scan("""
                SELECT dossier_id, unit_code, received_day, due_day, finished_day, status, channel, full_online, fee_required,
                       paid_online, file_id, line FROM dossiers WHERE period_id = ? ORDER BY position
                """, [period]) { rows in
                let received = Day(rows.int(2))
                let code = rows.withBytes(1) { UnitCodeLookup.findCode($0, registry, scratch: &scratch) } ?? 0
                let d = Dossier(unit: registry.resolve(codeID: code, on: received).row,
                                received: received, due: rows.isNull(3) ? nil : Day(rows.int(3)),
                                finished: rows.isNull(4) ? nil : Day(rows.int(4)),
                                status: DossierStatus(rawValue: UInt8(rows.int(5))) ?? .processing,
                                channel: Channel(rawValue: UInt8(rows.int(6))) ?? .direct,
                                fullOnline: rows.bool(7), feeRequired: rows.bool(8), paidOnline: rows.bool(9),
                                ref: RowRef(file: rows.int(10), line: rows.int(11)))
                rows.withBytes(0) { _ = store.upsert(id: $0, d) }
            }
            try db.scan("SELECT position, apology, file_id, line FROM late_rows WHERE period_id = ?", [period]) { late in
                let i = late.int(0)
                store.links[i].late = RowRef(file: late.int(2), line: late.int(3))
                store.links[i].apology = late.bool(1)
            }
            try db.scan("SELECT position, direction, delivered, file_id, line FROM postal_rows WHERE period_id = ?", [period]) { postal in
                let i = postal.int(0)
                let ref = RowRef(file: postal.int(3), line: postal.int(4))
                if postal.string(1) == "intake" { store.links[i].postalIntake = ref } else {
                    store.links[i].postalReturn = ref
                    store.links[i].returnDelivered = postal.bool(2)
                }
            }
            try db.scan("""
                SELECT position, digitized_inputs, reused, e_result, e_signed, file_id, line FROM digitized_rows WHERE period_id = ?
                """, [period]) { digitized in
                let i = digitized.int(0)
                store.links[i].digitized = RowRef(file: digitized.int(5), line: digitized.int(6))
                store.links[i].digitizedInputs = digitized.bool(1)
                store.links[i].reused = digitized.bool(2)
                store.links[i].eResult = digitized.bool(3)
                store.links[i].eSigned = digitized.bool(4)
            }
            return store
        }
    }

    /// Replaces one linked source's rows (late, postal or digitized) with those in `store`.
    static func saveLinks(_ db: any SQLSession, _ key: PeriodKey, _ kind: SourceKind, _ store: DossierStore) throws {
        let period = try periodID(db, key)
        switch kind {
        case .late:
            let table = try db.replacePeriodRows(table: "late_rows", periodID: period)
            let insert = try db.bulkWriter(table: table, columns: ["period_id", "position", "apology", "file_id", "line"])
            for (i, l) in store.links.enumerated() {
                guard let r = l.late else { continue }
                insert.int(period); insert.int(i); insert.bool(l.apology); insert.int(Int(r.file)); insert.int(Int(r.line))
                try insert.endRow()
            }
            try insert.finish()
        case .postal:
            let table = try db.replacePeriodRows(table: "postal_rows", periodID: period)
            let insert = try db.bulkWriter(table: table, columns: ["period_id", "position", "direction", "delivered", "file_id", "line"])
            for (i, l) in store.links.enumerated() {
                for (ref, direction, delivered) in [(l.postalIntake, "intake", false), (l.postalReturn, "return", l.returnDelivered)] {
                    guard let r = ref else { continue }
                    insert.int(period); insert.int(i); insert.text(direction); insert.bool(delivered)
                    insert.int(Int(r.file)); insert.int(Int(r.line))
                    try insert.endRow()
                }
            }
            try insert.finish()
        case .digitized:
            let table = try db.replacePeriodRows(table: "digitized_rows", periodID: period)
            let insert = try db.bulkWriter(table: table, columns: [
                "period_id", "position", "digitized_inputs", "reused", "e_result", "e_signed", "file_id", "line"])
            for (i, l) in store.links.enumerated() {
                guard let r = l.digitized else { continue }
                insert.int(period); insert.int(i); insert.bool(l.digitizedInputs); insert.bool(l.reused)
                insert.bool(l.eResult); insert.bool(l.eSigned); insert.int(Int(r.file)); insert.int(Int(r.line))
                try insert.endRow()
            }
            try insert.finish()
        default: break
        }
    }

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
