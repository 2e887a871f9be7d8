/// One transaction on a warehouse, whichever database holds it: what the warehouse's tables are written
/// and read through. Statements use `?` parameters and the SQL both SQLite (3.39+) and PostgreSQL (15+)
/// accept (`ON CONFLICT … DO UPDATE`, `RETURNING`, `IS NOT DISTINCT FROM`); where they differ,
/// ``dialect`` says how.
protocol SQLSession: AnyObject {
    /// Which database this is, for the few statements that differ.
    var dialect: SQLDialect { get }

    /// Runs a statement that returns no rows.
    func execute(_ sql: String, _ arguments: SQLArguments) throws

    /// Every row of a query (for small results: a period's units, scores, findings).
    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]

    /// Streams a big query row by row without materializing it (a period's million dossiers).
    func scan(_ sql: String, _ arguments: SQLArguments, _ body: (any SQLCursor) throws -> Void) throws

    /// Starts a bulk load of `columns` into `table`: prepared inserts on SQLite, `COPY … FROM STDIN` on
    /// PostgreSQL. Call ``SQLBulkWriter/finish()`` before the next statement.
    func bulkWriter(table: String, columns: [String]) throws -> any SQLBulkWriter

    /// Empties one period's rows of a per-dossier table and returns the table to load them into: a
    /// `DELETE` on SQLite; on PostgreSQL the period's own partition, created if new, then truncated.
    func replacePeriodRows(table: String, periodID: Int) throws -> String

    /// The table to change one period's rows of a per-dossier table in, keeping the rest (an incremental
    /// write): the table itself on SQLite, the period's partition (created if new) on PostgreSQL.
    func periodTable(table: String, periodID: Int) throws -> String

    /// The BLOB in `column` of `table`'s row `rowid`, read straight into the array returned; nil where
    /// rows have no rowid (PostgreSQL), so that the caller selects the column instead.
    func blob(table: String, column: String, rowid: Int) throws -> [UInt8]?

    /// The same BLOB in three parts (``BlobParts``): `head` bytes, the 64-bit words that `words` counts
    /// from the head and the BLOB's size, read straight into their array, then `tail` bytes; nil where
    /// rows have no rowid (PostgreSQL). The words are read in pieces of about 4 MB, each handed to
    /// `piece` (as stored) on another core while the next is read (pieces may be handled at once, in any
    /// order); every call has returned when this does.
    func blobParts(table: String, column: String, rowid: Int, head: Int, tail: Int,
                   words: ([UInt8], Int) -> Int?, piece: @escaping @Sendable (WordPiece) -> Void) throws -> BlobParts?

    /// The first `bytes` bytes of the same BLOB (all of it when shorter) and its size, the rest not read;
    /// nil where rows have no rowid (PostgreSQL).
    func blobHead(table: String, column: String, rowid: Int, bytes: Int) throws -> (head: [UInt8], size: Int)?
}

/// A BLOB read in three parts: its first bytes, 64-bit words (as stored, little-endian), its last bytes.
struct BlobParts: Sendable {
    var head: [UInt8]
    var words: [UInt64]
    var tail: [UInt8]
}

extension SQLSession {
    func execute(_ sql: String) throws { try execute(sql, []) }

    /// The first column of the first row, if any.
    func value<T: SQLColumnValue>(_ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        guard let row = try rows(sql, arguments).first else { return nil }
        let value: T? = row.values.first.map(T.from)
        return value
    }

    /// The first column of every row.
    func column<T: SQLColumnValue>(_ sql: String, _ arguments: SQLArguments = []) throws -> [T] {
        try rows(sql, arguments).map { $0[0] }
    }
}

/// The current row of a ``SQLSession/scan(_:_:_:)``; valid only inside the body's call.
protocol SQLCursor {
    func int(_ column: Int) -> Int
    func bool(_ column: Int) -> Bool
    func isNull(_ column: Int) -> Bool
    /// The column's UTF-8 bytes, valid until the body returns.
    func withBytes<R>(_ column: Int, _ body: (FieldBytes) throws -> R) rethrows -> R
    func string(_ column: Int) -> String
    /// A BLOB (`bytea`) column's bytes, copied.
    func blob(_ column: Int) -> [UInt8]
}

/// Rows appended column by column, in the order the writer was created with. One writer at a time per
/// session: on PostgreSQL it is a `COPY` in progress.
protocol SQLBulkWriter: AnyObject {
    func int(_ value: Int)
    func real(_ value: Double)
    func bool(_ value: Bool)
    func null()
    func text(_ value: String)
    /// UTF-8 text, copied.
    func text(bytes: FieldBytes)
    /// Binary data (a BLOB on SQLite, `bytea` on PostgreSQL).
    func blob(_ bytes: [UInt8])
    /// Ends the row (every column must have been given).
    func endRow() throws
    /// Writes the rows given so far now and keeps the writer open: a writer of a few big rows (the stored
    /// state's chunks) calls it after each, so that it never holds more than one.
    func flush() throws
    /// Sends what is left; the rows are part of the session's transaction.
    func finish() throws
}

/// The two warehouses' differences that a statement has to spell.
enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// A column that orders a table's rows as they were inserted (`findings` keeps the stage's order).
    var insertionOrder: String { self == .sqlite ? "rowid" : "seq" }
}

extension SQLBulkWriter {
    /// Appends one row of values, in column order.
    func row(_ arguments: SQLArguments) throws {
        for value in arguments.sqlValues {
            switch value {
            case .null: null()
            case let .integer(i): int(Int(i))
            case let .real(d): real(d)
            case let .text(s): text(s)
            }
        }
        try endRow()
    }
}
