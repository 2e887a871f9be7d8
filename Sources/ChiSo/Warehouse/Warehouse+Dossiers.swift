/// What the export stages write (one row per dossier and per linked row) and what later stages read back.
extension Warehouse {
    // MARK: ingest.dossiers and the linked sources

    /// The dossiers alone (their ids and fields), so that they can be written while the linked sources are
    /// read: the whole period, or with `only` just the positions in those ranges (an incremental write).
    static func saveDossiers(_ db: any SQLSession, _ key: PeriodKey, _ dossiers: [Dossier], ids: ByteTable, registry: UnitRegistry,
                             only: [Range<Int>]? = nil) throws {
        let period = try periodID(db, key)
        let table = try only.map { try clearRanges(db, table: "dossiers", period: period, $0) }
            ?? db.replacePeriodRows(table: "dossiers", periodID: period)
        let insert = try db.bulkWriter(table: table, columns: [
            "period_id", "position", "dossier_id", "unit_code", "received_day", "due_day", "finished_day", "status", "channel",
            "full_online", "fee_required", "paid_online", "file_id", "line"])
        let codes = registry.units.map(\.code)
        for range in only ?? [0..<dossiers.count] {
            for i in range.clamped(to: 0..<dossiers.count) {
                let d = dossiers[i]
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
        }
        try insert.finish()
    }

    /// The valid dossiers with their links, as ingested (`RowRef.file` is the stored `file_id`).
    public func loadDossiers(_ key: PeriodKey, registry: UnitRegistry) throws -> DossierStore {
        try read { db in
            var store = DossierStore()
            guard let period: Int = try db.value("SELECT id FROM periods WHERE pipeline = ? AND period = ?", [key.pipeline, key.period])
            else { return store }
            // Room for every row up front: no rehashing of the id table or regrowing of the arrays as they load.
            let count: Int = try db.value("SELECT count(*) FROM dossiers WHERE period_id = ?", [period]) ?? 0
            store.reserve(count, expected: count)
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

    /// Replaces one linked source's rows (late, postal or digitized) with those in `store`: the whole
    /// period, or with `only` just the positions in those ranges.
    static func saveLinks(_ db: any SQLSession, _ key: PeriodKey, _ kind: SourceKind, _ store: DossierStore,
                          only: [Range<Int>]? = nil) throws {
        let period = try periodID(db, key)
        let name: String, columns: [String]
        switch kind {
        case .late: (name, columns) = ("late_rows", ["apology"])
        case .postal: (name, columns) = ("postal_rows", ["direction", "delivered"])
        case .digitized: (name, columns) = ("digitized_rows", ["digitized_inputs", "reused", "e_result", "e_signed"])
        default: return
        }
        let table = try only.map { try clearRanges(db, table: name, period: period, $0) }
            ?? db.replacePeriodRows(table: name, periodID: period)
        let insert = try db.bulkWriter(table: table, columns: ["period_id", "position"] + columns + ["file_id", "line"])
        func end(_ r: RowRef) throws {
            insert.int(Int(r.file)); insert.int(Int(r.line))
            try insert.endRow()
        }
        for range in only ?? [0..<store.links.count] {
            for i in range.clamped(to: 0..<store.links.count) {
                let l = store.links[i]
                switch kind {
                case .late:
                    guard let r = l.late else { continue }
                    insert.int(period); insert.int(i); insert.bool(l.apology)
                    try end(r)
                case .postal:
                    if let r = l.postalIntake {
                        insert.int(period); insert.int(i); insert.text("intake"); insert.bool(false)
                        try end(r)
                    }
                    if let r = l.postalReturn {
                        insert.int(period); insert.int(i); insert.text("return"); insert.bool(l.returnDelivered)
                        try end(r)
                    }
                default:
                    guard let r = l.digitized else { continue }
                    insert.int(period); insert.int(i); insert.bool(l.digitizedInputs); insert.bool(l.reused)
                    insert.bool(l.eResult); insert.bool(l.eSigned)
                    try end(r)
                }
            }
        }
        try insert.finish()
    }
}
