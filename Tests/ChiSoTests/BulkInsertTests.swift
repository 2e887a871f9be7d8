import Foundation
import GRDB
import GRDBSQLite
import Testing
@testable import ChiSo

/// The SQLite bulk writer of the per-dossier tables: rows go in whole across full and partial multi-row
/// statements, every kind of value as bound, and a connection with a low limit on bound parameters gets
/// smaller statements instead of an error.
@Suite struct BulkInsertTests {
    func table(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE t (n INTEGER NOT NULL, s TEXT, r REAL, b BLOB, f INTEGER NOT NULL)")
    }

    func write(_ db: Database, rows: Int) throws {
        let insert = try BulkInsert(db, table: "t", columns: ["n", "s", "r", "b", "f"])
        for i in 0..<rows {
            insert.int(i)
            if i % 7 == 0 { insert.null() } else { insert.text(i % 5 == 0 ? "" : "mã-\(i)") }
            insert.real(Double(i) / 4)
            insert.blob([UInt8(i & 0xFF), 0, 7])
            insert.bool(i % 2 == 0)
            try insert.endRow()
        }
        try insert.finish()
    }

    func check(_ db: Database, rows: Int) throws {
        let back = try Row.fetchAll(db, sql: "SELECT n, s, r, b, f FROM t ORDER BY n")
        #expect(back.count == rows)
        for (i, row) in back.enumerated() {
            #expect(row["n"] as Int == i)
            let s: String? = row["s"]
            #expect(s == (i % 7 == 0 ? nil : i % 5 == 0 ? "" : "mã-\(i)"), "row \(i)")
            #expect(row["r"] as Double == Double(i) / 4)
            #expect((row["b"] as Data) == Data([UInt8(i & 0xFF), 0, 7]))
            #expect(row["f"] as Bool == (i % 2 == 0))
        }
    }

    @Test func rowsGoInWholeAcrossFullAndPartialStatements() throws {
        let queue = try DatabaseQueue()
        // Two full statements of 1,024 rows and a partial one row by row.
        let rows = BulkInsert.batchRows * 2 + 452
        try queue.write { db in
            try table(db)
            try write(db, rows: rows)
        }
        try queue.read { try check($0, rows: rows) }
    }

    @Test func aFlushedWriterTakesMoreRows() throws {
        // The stored state's chunks: one big row at a time, each written at once, through one writer.
        let queue = try DatabaseQueue()
        try queue.write { db in
            try table(db)
            let insert = try BulkInsert(db, table: "t", columns: ["n", "s", "r", "b", "f"])
            for i in 0..<3 {
                insert.int(i); insert.text("mã-\(i)"); insert.real(Double(i) / 4)
                insert.blob([UInt8](repeating: UInt8(i), count: 300_000 * (i + 1))); insert.bool(true)
                try insert.endRow()
                try insert.flush()
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == i + 1)
            }
            try insert.finish()
        }
        let sizes = try queue.read { try Int.fetchAll($0, sql: "SELECT length(b) FROM t ORDER BY n") }
        #expect(sizes == [300_000, 600_000, 900_000])
    }

    @Test func aLowParameterLimitGivesSmallerStatements() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            // 22 parameters at most: 4 rows of 5 columns a statement, not 1,024.
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_VARIABLE_NUMBER, 22)
            try table(db)
            try write(db, rows: 103)
        }
        try queue.read { try check($0, rows: 103) }
    }
}

/// A BLOB read in parts (``BulkRead/blobParts``): its words come back whole and, piece by piece, to the
/// callback (on other cores, in any order), each piece handed over before the read returns.
@Suite struct BlobPartsTests {
    @Test func theWordsAreReadInPiecesEachHandedOverBeforeTheReadReturns() throws {
        let n = 3 * BulkRead.pieceWords + 5  // three whole pieces and a short one
        let words = (0..<n).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        var blob: [UInt8] = [1, 2, 3]
        for w in words { for b in 0..<8 { blob.append(UInt8(truncatingIfNeeded: w.littleEndian >> (8 * UInt64(b)))) } }
        blob += [9, 9]
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE c (data BLOB)")
            try db.execute(sql: "INSERT INTO c (data) VALUES (?)", arguments: [Data(blob)])
        }
        final class Seen: @unchecked Sendable {
            var pieces: [(first: Int, words: [UInt64])] = []
            let lock = NSLock()
        }
        let seen = Seen()
        let (parts, handedOver) = try queue.read { db in
            let parts = try BulkRead.blobParts(db, table: "c", column: "data", rowid: 1, head: 3, tail: 2,
                                               words: { head, size in head == [1, 2, 3] ? (size - 5) / 8 : nil },
                                               piece: { piece in
                                                   Thread.sleep(forTimeInterval: 0.05)  // a slow consumer: the read waits for it
                                                   seen.lock.withLock { seen.pieces.append((piece.first, piece.stored)) }
                                               })
            return (parts, seen.lock.withLock { seen.pieces.count })  // at once
        }
        #expect(handedOver == 4)
        #expect(parts.head == [1, 2, 3] && parts.tail == [9, 9])
        #expect(parts.words.map { UInt64(littleEndian: $0) } == words)
        // The pieces, by where they start: each where the one before ends, together the words.
        let pieces = seen.lock.withLock { seen.pieces }.sorted { $0.first < $1.first }
        #expect(pieces.map(\.words.count) == [BulkRead.pieceWords, BulkRead.pieceWords, BulkRead.pieceWords, 5])
        #expect(pieces.map(\.first) == [0, BulkRead.pieceWords, 2 * BulkRead.pieceWords, 3 * BulkRead.pieceWords])
        #expect(Array(pieces.map(\.words).joined()) == parts.words)
    }
}
