import GRDB
import GRDBSQLite

/// A prepared INSERT bound through SQLite's C API, for the tables that take one row per dossier:
/// no `StatementArguments` array, no `String` per value. Used inside a GRDB transaction.
struct BulkInsert {
    private let statement: Statement
    private let handle: OpaquePointer
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    @inline(__always) func int(_ i: Int32, _ v: Int) { sqlite3_bind_int64(handle, i, Int64(v)) }
    @inline(__always) func bool(_ i: Int32, _ v: Bool) { sqlite3_bind_int64(handle, i, v ? 1 : 0) }
    @inline(__always) func null(_ i: Int32) { sqlite3_bind_null(handle, i) }

    /// Binds UTF-8 bytes (copied by SQLite).
    @inline(__always) func text(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        _ = bytes.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, i, $0.baseAddress, Int32($0.count), BulkInsert.transient) }
    }

    func text(_ i: Int32, _ s: String) {
        var copy = s
        copy.withUTF8 { text(i, $0) }
    }

    /// Inserts the bound row and clears the bindings' statement state for the next one.
    func step() throws {
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
        }
    }
}

/// Reads a SELECT row by row through SQLite's C API.
struct BulkRead {
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

    @inline(__always) func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(handle, i)) }
    @inline(__always) func bool(_ i: Int32) -> Bool { sqlite3_column_int64(handle, i) != 0 }
    @inline(__always) func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }

    /// The column's UTF-8 bytes, valid until the next `next()`.
    @inline(__always) func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let p = sqlite3_column_text(handle, i) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i)))
    }

    func string(_ i: Int32) -> String { String(decoding: bytes(i), as: UTF8.self) }
}
