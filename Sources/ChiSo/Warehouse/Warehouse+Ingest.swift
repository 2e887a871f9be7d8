
/// What the ingest stages write and later stages read: the registry, the references, the files read and the findings.
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

    /// Export files in `file_id` order, with their ids (the space of `RowRef.file`).
    public func loadExportFiles(_ key: PeriodKey) throws -> (files: [FileReport], ids: [Int]) {
        try read { db in
            var out: [FileReport] = [], ids: [Int] = []
            for row in try db.rows("SELECT * FROM source_files WHERE pipeline = ? AND period = ? AND file_id IS NOT NULL ORDER BY file_id", [key.pipeline, key.period]) {
                ids.append(row["file_id"])
                out.append(FileReport(source: SourceKind(rawValue: row["source"]) ?? .dossiers, file: row["file"], size: row["size"],
                                      sha256: row["sha256"], encoding: SourceEncoding(rawValue: row["encoding"] ?? "") ?? .utf8,
                                      delimiter: row["delimiter"] ?? "", rows: row["rows"], quarantined: row["quarantined"], failed: false))
            }
            return (out, ids)
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
        // Each value bound by its type: a row of `any SQLBindable` boxed all thirteen (6,849 findings of a 5M
        // night took 36 ms).
        for f in findings {
            st.text(key.pipeline); st.text(key.period); st.text(stage); st.text(f.severity.rawValue); st.text(f.code.rawValue)
            st.text(f.source.rawValue); st.text(f.file)
            if let line = f.line { st.int(line) } else { st.null() }
            st.text(f.column); st.text(f.value); st.text(f.dossierID); st.text(f.unitCode); st.text(f.message)
            try st.endRow()
        }
        try st.finish()
    }

    /// The findings of a period in the order they were made: all of them, one stage's, or all but those of
    /// the stages `except` names.
    func loadFindings(_ key: PeriodKey, stage: String? = nil, except: [String] = []) throws -> [Finding] {
        let filter = (stage == nil ? "" : " AND stage = ?") + (except.isEmpty ? "" : " AND stage NOT IN (\(except.map { _ in "?" }.joined(separator: ", ")))")
        let arguments: SQLArguments = [key.pipeline, key.period] + (stage.map { [$0] } ?? []) + except.map { $0 }
        return try read { db in
            try db.rows("SELECT * FROM findings WHERE pipeline = ? AND period = ?\(filter) ORDER BY \(db.dialect.insertionOrder)",
                        arguments).map { row in
                Finding(Severity(rawValue: row["severity"]) ?? .error, FindingCode(rawValue: row["code"]) ?? .encoding,
                        source: SourceKind(rawValue: row["source"]) ?? .dossiers, file: row["file"], line: row["line"],
                        column: row["column"], value: row["value"], dossierID: row["dossier_id"], unitCode: row["unit_code"],
                        message: row["message"])
            }
        }
    }
}
