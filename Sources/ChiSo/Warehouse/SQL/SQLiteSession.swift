import GRDB
import GRDBSQLite

/// A ``SQLSession`` over a GRDB `Database` inside one of its transactions.
final class SQLiteSession: SQLSession {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    init(_ db: Database) { self.db = db }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        try db.execute(sql: sql, arguments: SQLiteSession.arguments(arguments))
    }

    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try db.makeStatement(sql: sql)
        let columns = SQLColumns(statement.columnNames)
        return try Row.fetchAll(statement, arguments: SQLiteSession.arguments(arguments)).map { row in
            SQLRow(columns: columns, values: (0..<row.count).map { i in
                switch row[i] as DatabaseValue {
                case let v where v.isNull: return .null
                case let v: switch v.storage {
                    case let .int64(i): return .integer(i)
                    case let .double(d): return .real(d)
                    case let .string(s): return .text(s)
                    case let .blob(b): return .text(String(decoding: b, as: UTF8.self))
                    case .null: return .null
                    }
                }
            })
        }
    }

    func scan(_ sql: String, _ arguments: SQLArguments, _ body: (any SQLCursor) throws -> Void) throws {
        let read = try BulkRead(db, sql: sql, arguments: SQLiteSession.arguments(arguments))
        while try read.next() { try body(read) }
    }

    func blob(table: String, column: String, rowid: Int) throws -> [UInt8]? {
        try BulkRead.blob(db, table: table, column: column, rowid: rowid)
    }

    func blobParts(table: String, column: String, rowid: Int, head: Int, tail: Int,
                   words: ([UInt8], Int) -> Int?, piece: @escaping @Sendable (WordPiece) -> Void) throws -> BlobParts? {
        try BulkRead.blobParts(db, table: table, column: column, rowid: rowid, head: head, tail: tail, words: words, piece: piece)
    }

    func blobHead(table: String, column: String, rowid: Int, bytes: Int) throws -> (head: [UInt8], size: Int)? {
        try BulkRead.blobHead(db, table: table, column: column, rowid: rowid, bytes: bytes)
    }

    func bulkWriter(table: String, columns: [String]) throws -> any SQLBulkWriter {
        try BulkInsert(db, table: table, columns: columns)
    }

    func replacePeriodRows(table: String, periodID: Int) throws -> String {
        try db.execute(sql: "DELETE FROM \(table) WHERE period_id = ?", arguments: [periodID])
        return table
    }

    func periodTable(table: String, periodID: Int) throws -> String { table }

    static func arguments(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(arguments.sqlValues.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: return nil
            case let .integer(i): return i
            case let .real(d): return d
            case let .text(s): return s
            }
        })
    }
}
