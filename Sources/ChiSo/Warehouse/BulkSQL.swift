import ChiSoCore
import Dispatch
import GRDB
import GRDBSQLite

/// A prepared INSERT bound through SQLite's C API, for the tables that take one row per dossier:
/// no `StatementArguments` array, no `String` per value. Rows are gathered up to ``batchRows`` at a time
/// and go in with one multi-row statement (`VALUES (…), (…), …`), which spares SQLite most of its
/// per-statement work (each statement reopens the table and seeks its end); a last partial batch goes
/// row by row. Used inside a GRDB transaction.
final class BulkInsert: SQLBulkWriter {
    /// Rows per multi-row statement at most. Measured at 1M dossiers (14 columns): 32 rows a statement
    /// wrote them in 0.61 s, 128 in 0.50 s, 512 in 0.45 s, 1,024 in 0.43 s.
    static let batchRows = 1024
    /// Rows per multi-row statement for this table: ``batchRows``, fewer if SQLite's limit on bound
    /// parameters (250,000 in Debian's build, 32,766 by default, 999 in old builds) would not take them.
    private let batch: Int
    /// The multi-row statement, prepared when the first batch fills: preparing one of 1,024 rows costs
    /// milliseconds, more than writing the few rows of most tables (or one stored-state chunk) takes.
    private var many: Statement?
    private let one: Statement
    private let db: Database
    private let manySQL: String
    private let width: Int
    /// The values of the rows gathered so far, in column order (`count` of them, room for a batch); text
    /// and blobs point into `bytes`, which starts with one byte of its own so that an empty value still has
    /// an address (bound as '', not NULL). Raw storage without exclusivity checks: this is the hot path of
    /// the warehouse writes, and the writer is used by one thread.
    @exclusivity(unchecked) private var cells: UnsafeMutablePointer<Cell>
    @exclusivity(unchecked) private var count = 0
    @exclusivity(unchecked) private var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var used = 1
    @exclusivity(unchecked) private var capacity = 1 << 16

    private enum Cell {
        case int(Int64), real(Double), null, text(Int, Int), blob(Int, Int)
    }

    init(_ db: Database, table: String, columns: [String]) throws {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let limit = Int(sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_VARIABLE_NUMBER, -1))
        batch = max(1, min(BulkInsert.batchRows, limit / max(columns.count, 1)))
        manySQL = head + Array(repeating: row, count: batch).joined(separator: ", ")
        one = try db.makeStatement(sql: head + row)
        self.db = db
        width = columns.count
        cells = .allocate(capacity: width * batch)
        bytes = .allocate(capacity: capacity)
    }

    deinit {
        cells.deinitialize(count: count)
        cells.deallocate()
        bytes.deallocate()
    }

    @inline(__always) private func put(_ cell: Cell) {
        precondition(count < width * batch, "BulkInsert: more values than columns")
        (cells + count).initialize(to: cell)
        count += 1
    }

    @inline(__always) func int(_ v: Int) { put(.int(Int64(v))) }
    @inline(__always) func real(_ v: Double) { put(.real(v)) }
    @inline(__always) func bool(_ v: Bool) { put(.int(v ? 1 : 0)) }
    @inline(__always) func null() { put(.null) }

    /// UTF-8 bytes, copied.
    @inline(__always) func text(bytes field: FieldBytes) {
        put(.text(used, field.count))
        copy(field)
    }

    func text(_ s: String) {
        FieldBytes.of(s) { text(bytes: $0) }
    }

    func blob(_ data: [UInt8]) {
        put(.blob(used, data.count))
        data.withUnsafeBufferPointer { copy(FieldBytes(unsafe: $0)) }
    }

    /// Values are offsets into `bytes`, so it may move until the batch is bound.
    @inline(__always) private func copy(_ field: FieldBytes) {
        let n = field.count
        guard n > 0 else { return }
        if used + n > capacity { bytes = RawGrowth.grow(bytes, count: used, capacity: &capacity, needed: used + n) }
        field.withUnsafeBuffer { (bytes + used).update(from: $0.baseAddress!, count: n) }
        used += n
    }

    /// Ends the row; a full batch is inserted.
    func endRow() throws {
        guard count == width * batch else { return }
        if many == nil { many = try db.makeStatement(sql: manySQL) }
        try insert(many!.sqliteStatement, 0..<count)
        cells.deinitialize(count: count)
        count = 0
        used = 1
    }

    /// Inserts the rows of a last, partial batch.
    func finish() throws { try flush() }

    /// Inserts the rows of a partial batch one by one; the writer can take more rows after.
    func flush() throws {
        precondition(count % width == 0, "BulkInsert: a row left unfinished")
        for start in stride(from: 0, to: count, by: width) {
            try insert(one.sqliteStatement, start..<start + width)
        }
        cells.deinitialize(count: count)
        count = 0
        used = 1
        // The statements keep pointers to `bytes` until rebound: forget them.
        if let many { sqlite3_clear_bindings(many.sqliteStatement) }
        sqlite3_clear_bindings(one.sqliteStatement)
    }

    /// Binds `cells[range]` to the statement's parameters in order and runs it. The values are bound
    /// without a copy (`SQLITE_STATIC`): `bytes` stays put until the statement has run.
    private func insert(_ statement: OpaquePointer, _ range: Range<Int>) throws {
        let base = UnsafeRawPointer(bytes)
        var p: Int32 = 1
        for i in range {
            switch cells[i] {
            case let .int(v): sqlite3_bind_int64(statement, p, v)
            case let .real(v): sqlite3_bind_double(statement, p, v)
            case .null: sqlite3_bind_null(statement, p)
            case let .text(at, n):
                sqlite3_bind_text(statement, p, base.advanced(by: at).assumingMemoryBound(to: CChar.self), Int32(n), nil)
            case let .blob(at, n):
                sqlite3_bind_blob(statement, p, base.advanced(by: at), Int32(n), nil)
            }
            p += 1
        }
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))))
        }
    }
}

/// Reads a SELECT row by row through SQLite's C API.
final class BulkRead: SQLCursor {
    private let statement: Statement
    private let handle: OpaquePointer

    init(_ db: Database, sql: String, arguments: StatementArguments) throws {
        statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        handle = statement.sqliteStatement
    }

    /// Advances; false at the end.
    func next() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
    }

    @inline(__always) func int(_ i: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(i))) }
    @inline(__always) func bool(_ i: Int) -> Bool { sqlite3_column_int64(handle, Int32(i)) != 0 }
    @inline(__always) func isNull(_ i: Int) -> Bool { sqlite3_column_type(handle, Int32(i)) == SQLITE_NULL }

    /// The column's UTF-8 bytes, valid until the next `next()`.
    @inline(__always) func withBytes<R>(_ i: Int, _ body: (FieldBytes) throws -> R) rethrows -> R {
        guard let p = sqlite3_column_text(handle, Int32(i)) else { return try body(.empty) }
        return try body(FieldBytes(unsafe: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, Int32(i))))))
    }

    func string(_ i: Int) -> String { withBytes(i) { $0.string } }

    func blob(_ i: Int) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, Int32(i)))
        guard n > 0, let p = sqlite3_column_blob(handle, Int32(i)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// Words per piece of a ``blobParts(_:table:column:rowid:head:tail:words:piece:)`` read: 4 MB, a dozen
    /// pieces for a 5M state's index.
    static let pieceWords = 1 << 19

    /// The BLOB in `column` of `table`'s row `rowid` read in three parts: `head` bytes, then as many
    /// 64-bit words as `words` makes of the head and the BLOB's size (read straight into their array, as
    /// stored: little-endian), then the last `tail` bytes. No words when `words` gives nil.
    /// The words are read in pieces of ``pieceWords``, each handed to `piece` on another core while the
    /// next is read; every call has returned when this does.
    static func blobParts(_ db: Database, table: String, column: String, rowid: Int, head: Int, tail: Int,
                          words: ([UInt8], Int) -> Int?, piece: @escaping @Sendable (WordPiece) -> Void) throws -> BlobParts {
        try IncrementalBlob(db, table: table, column: column, rowid: rowid).read { blob in
            let first = blob.bytes(head, at: 0)
            guard let n = words(first, blob.size), n > 0, head + 8 * n + tail == blob.size else {
                return BlobParts(head: first, words: [], tail: [])
            }
            let middle = blob.words(n, at: head, piece: piece)
            return BlobParts(head: first, words: middle, tail: blob.bytes(tail, at: head + 8 * n))
        }
    }

    /// The first `bytes` bytes of the BLOB in `column` of `table`'s row `rowid` (all of it when shorter),
    /// and its size: SQLite reads the pages those bytes are on, not the rest.
    static func blobHead(_ db: Database, table: String, column: String, rowid: Int, bytes: Int) throws -> (head: [UInt8], size: Int) {
        try IncrementalBlob(db, table: table, column: column, rowid: rowid).read { ($0.bytes(min(bytes, $0.size), at: 0), $0.size) }
    }

    /// The BLOB in `column` of `table`'s row `rowid`, read straight into the array returned (SQLite's
    /// incremental I/O). Selecting the column makes SQLite assemble the value in a buffer of its own first,
    /// then it is copied: for the stored state's 53 MB index, two fresh buffers where one will do.
    static func blob(_ db: Database, table: String, column: String, rowid: Int) throws -> [UInt8] {
        try IncrementalBlob(db, table: table, column: column, rowid: rowid).read { $0.bytes($0.size, at: 0) }
    }
}

/// A piece of the words of a ``BlobParts`` being read, valid only during the call it is handed to (it
/// points into the array being filled; the pointer stays in this file).
struct WordPiece: @unchecked Sendable {
    fileprivate let words: UnsafeBufferPointer<UInt64>
    /// Where the piece starts among the BLOB's words.
    let first: Int
    /// How many words it has.
    var count: Int { words.count }
    /// Its words, as stored (little-endian), copied.
    var stored: [UInt64] { Array(words) }

    /// Checks the piece as slots of an id index (``ByteTable/SlotCheck``), in this machine's byte order.
    func check(into check: inout ByteTable.SlotCheck) {
        #if _endian(little)
        check.check(words)
        #else
        words.map { UInt64(littleEndian: $0) }.withUnsafeBufferPointer { check.check($0) }
        #endif
    }
}

/// One BLOB opened for SQLite's incremental I/O, read in pieces straight into arrays; the first failed
/// read is thrown once the pieces are read.
private final class IncrementalBlob {
    private let db: Database
    private var blob: OpaquePointer?
    private var failure = SQLITE_OK
    /// The BLOB's size in bytes.
    private(set) var size = 0

    init(_ db: Database, table: String, column: String, rowid: Int) throws {
        self.db = db
        let opened = sqlite3_blob_open(db.sqliteConnection, "main", table, column, sqlite3_int64(rowid), 0, &blob)
        guard opened == SQLITE_OK, let blob else { throw error(opened) }
        size = Int(sqlite3_blob_bytes(blob))
    }

    deinit { sqlite3_blob_close(blob) }

    /// What `body` reads; throws the first read that failed.
    func read<R>(_ body: (IncrementalBlob) -> R) throws -> R {
        let result = body(self)
        guard failure == SQLITE_OK else { throw error(failure) }
        return result
    }

    /// `n` bytes from `offset` (none past the end, or after a failed read).
    func bytes(_ n: Int, at offset: Int) -> [UInt8] {
        guard failure == SQLITE_OK, n > 0, offset >= 0, offset + n <= size else { return [] }
        return [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
            failure = sqlite3_blob_read(blob, buffer.baseAddress, Int32(n), Int32(offset))
            count = failure == SQLITE_OK ? n : 0
        }
    }

    /// `n` 64-bit words from `offset`, as stored (none past the end, or after a failed read), read in
    /// pieces of ``BulkRead/pieceWords``: each piece read is handed to `piece` on another core while the
    /// next is read (pieces may be handled at once, in any order), and every call has returned before
    /// this does (the pieces point into the array being filled).
    func words(_ n: Int, at offset: Int, piece: @escaping @Sendable (WordPiece) -> Void) -> [UInt64] {
        guard failure == SQLITE_OK, n > 0, offset >= 0, offset + 8 * n <= size else { return [] }
        let handed = DispatchGroup(), queue = DispatchQueue.global()
        return [UInt64](unsafeUninitializedCapacity: n) { buffer, count in
            defer { handed.wait() }
            var at = 0
            while at < n && failure == SQLITE_OK {
                let m = min(BulkRead.pieceWords, n - at)
                failure = sqlite3_blob_read(blob, buffer.baseAddress! + at, Int32(8 * m), Int32(offset + 8 * at))
                guard failure == SQLITE_OK else { break }
                let read = WordPiece(words: UnsafeBufferPointer(rebasing: buffer[at..<(at + m)]), first: at)
                queue.async(group: handed) { piece(read) }
                at += m
            }
            count = failure == SQLITE_OK ? n : 0
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
}
