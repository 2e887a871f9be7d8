import Foundation

/// Normalize's table per chunk of the stored dossier state (``IndicatorTable/encodedPart(ids:)``): what lets
/// a night that changed a few chunks count only those (see ``IndicatorParts``).
extension Warehouse {
    /// One chunk's table as stored, under the key it was counted with.
    struct StoredIndicatorPart: Sendable {
        /// The chunk's SHA-256 and the counting's parameters, as ``IndicatorParts/key(chunk:)`` makes it.
        let key: String
        /// ``IndicatorTable/encodedPart(ids:)``'s bytes.
        let bytes: [UInt8]
    }

    /// The period's stored parts by chunk; those whose bytes do not match their CRC-32 are left out (they
    /// are counted again).
    func loadIndicatorParts(_ key: PeriodKey) throws -> [Int: StoredIndicatorPart] {
        try read { db in
            guard let period: Int = try db.value("SELECT id FROM periods WHERE pipeline = ? AND period = ?", [key.pipeline, key.period])
            else { return [:] }
            var parts: [Int: StoredIndicatorPart] = [:]
            try db.scan("SELECT chunk, key, data, crc32 FROM indicator_parts WHERE period_id = ?", [period]) { row in
                let bytes = row.blob(2)
                guard UInt32(exactly: row.int(3)) == Hashing.crc32(bytes: bytes) else { return }
                parts[row.int(0)] = StoredIndicatorPart(key: row.string(1), bytes: bytes)
            }
            return parts
        }
    }

    /// Replaces the parts of the chunks in `parts` and drops those from `chunks` on (a state that shrank).
    static func saveIndicatorParts(_ db: any SQLSession, _ key: PeriodKey, _ parts: [Int: StoredIndicatorPart], chunks: Int) throws {
        let period = try periodID(db, key)
        try db.execute("DELETE FROM indicator_parts WHERE period_id = ? AND chunk >= ?", [period, chunks])
        for (k, part) in parts.sorted(by: { $0.key < $1.key }) where k < chunks {
            try db.execute("DELETE FROM indicator_parts WHERE period_id = ? AND chunk = ?", [period, k])
            // On PostgreSQL no statement may run while a COPY is open: a writer per row.
            let insert = try db.bulkWriter(table: "indicator_parts", columns: ["period_id", "chunk", "key", "data", "crc32"])
            insert.int(period); insert.int(k); insert.text(part.key); insert.blob(part.bytes)
            insert.int(Int(Hashing.crc32(bytes: part.bytes)))
            try insert.endRow()
            try insert.finish()
        }
    }
}
