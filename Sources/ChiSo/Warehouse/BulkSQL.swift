import GRDB
import GRDBSQLite

/// A prepared INSERT bound through SQLite's C API, for the tables that take one row per dossier:
/// no `StatementArguments` array, no `String` per value. Used inside a GRDB transaction.
final class BulkInsert: SQLBulkWriter {
    private let statement: Statement
    private let handle: OpaquePointer
    private var column: Int32 = 1
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    @inline(__always) func int(_ v: Int) { sqlite3_bind_int64(handle, column, Int64(v)); column += 1 }
    @inline(__always) func real(_ v: Double) { sqlite3_bind_double(handle, column, v); column += 1 }
    @inline(__always) func bool(_ v: Bool) { sqlite3_bind_int64(handle, column, v ? 1 : 0); column += 1 }
    @inline(__always) func null() { sqlite3_bind_null(handle, column); column += 1 }

    /// Binds UTF-8 bytes (copied by SQLite).
    @inline(__always) func text(bytes field: FieldBytes) {
        field.withUnsafeBuffer { text($0) }
    }

    @inline(__always) private func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = bytes.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, column, $0.baseAddress, Int32($0.count), BulkInsert.transient) }
        column += 1
    }

    func blob(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { sqlite3_bind_blob(handle, column, $0.baseAddress, Int32($0.count), BulkInsert.transient) }
        column += 1
    }

    func text(_ s: String) {
        var copy = s
        copy.withUTF8 { text($0) }
    }

    /// Inserts the bound row and resets the statement for the next one.
    func endRow() throws {
        column = 1
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
        }
    }

    func finish() throws {}
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
}
