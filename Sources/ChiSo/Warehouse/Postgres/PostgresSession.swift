/// A ``SQLSession`` on a PostgreSQL connection inside one transaction.
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    var dialect: SQLDialect { .postgres }
    /// Rows fetched per round trip when scanning a big table.
    static let scanBatch = 50_000

    init(_ connection: PostgresConnection) { self.connection = connection }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        try connection.execute(sql, arguments.sqlValues)
    }

    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let result = try connection.execute(sql, arguments.sqlValues)
        let columns = SQLColumns((0..<result.columnCount).map(result.name))
        let types = (0..<result.columnCount).map(result.type)
        return (0..<result.rowCount).map { r in
            SQLRow(columns: columns, values: types.indices.map { result.value(r, $0, type: types[$0]) })
        }
    }

    /// Through a server-side cursor, `scanBatch` rows per `FETCH`, so that a period's million dossiers
    /// never sit in memory twice.
    func scan(_ sql: String, _ arguments: SQLArguments, _ body: (any SQLCursor) throws -> Void) throws {
        try connection.execute("DECLARE chiso_scan NO SCROLL CURSOR FOR \(sql)", arguments.sqlValues)
        while true {
            let batch = try connection.execute("FETCH FORWARD \(PostgresSession.scanBatch) FROM chiso_scan")
            if batch.rowCount == 0 { break }
            let cursor = PostgresCursor(result: batch)
            for r in 0..<batch.rowCount {
                cursor.row = r
                try body(cursor)
            }
        }
        try connection.execute("CLOSE chiso_scan")
    }

    func bulkWriter(table: String, columns: [String]) throws -> any SQLBulkWriter {
        try PostgresCopyWriter(connection, table: table, columns: columns)
    }

    /// Truncates the period's partition (created by ``PostgresStore/preparePeriod(_:)`` before the
    /// transaction) and loads into it directly: one period's replacement never touches another's rows.
    func replacePeriodRows(table: String, periodID: Int) throws -> String {
        let partition = PostgresSchema.partition(table, periodID)
        // Normally made already, outside this transaction (see `PostgresStore.preparePeriod`): creating a
        // partition locks the whole parent table until commit, which would hold up other pipelines' runs.
        if try connection.execute("SELECT to_regclass(?)", [.text(partition)]).isNull(0, 0) {
            try connection.execute("CREATE TABLE \(partition) PARTITION OF \(table) FOR VALUES IN (\(periodID))")
        }
        try connection.execute("TRUNCATE \(partition)")
        return partition
    }
}

/// The current row of a ``PostgresSession/scan(_:_:_:)`` batch.
final class PostgresCursor: SQLCursor {
    let result: PostgresResult
    var row = 0
    init(result: PostgresResult) { self.result = result }

    func int(_ column: Int) -> Int { result.int(row, column) }
    func bool(_ column: Int) -> Bool { result.int(row, column) != 0 }
    func isNull(_ column: Int) -> Bool { result.isNull(row, column) }
    func withBytes<R>(_ column: Int, _ body: (FieldBytes) throws -> R) rethrows -> R {
        try body(FieldBytes(unsafe: result.bytes(row, column)))
    }
    func string(_ column: Int) -> String { String(decoding: result.bytes(row, column), as: UTF8.self) }
}

/// Rows streamed to `COPY table (columns) FROM STDIN` in text format, 1 MiB per send.
final class PostgresCopyWriter: SQLBulkWriter {
    private let connection: PostgresConnection
    private var buffer: [UInt8] = []
    private var first = true
    private var finished = false
    private static let flushAt = 1 << 20
    /// Rows sent, for the load rate.
    private(set) var rows = 0

    init(_ connection: PostgresConnection, table: String, columns: [String]) throws {
        self.connection = connection
        try connection.execute("COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN")
        buffer.reserveCapacity(PostgresCopyWriter.flushAt + 4096)
    }

    @inline(__always) private func separate() {
        if first { first = false } else { buffer.append(9) }
    }

    func int(_ value: Int) {
        separate()
        if value == 0 { buffer.append(48); return }
        var v = value.magnitude
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 { d[n] = UInt8(48 + v % 10); v /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }

    func real(_ value: Double) {
        separate()
        let text = value.isFinite ? "\(value)" : (value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity"))
        buffer.append(contentsOf: text.utf8)
    }

    func bool(_ value: Bool) { separate(); buffer.append(value ? 49 : 48) }
    func null() { separate(); buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "N")) }

    func text(_ value: String) {
        var copy = value
        copy.withUTF8 { escape($0) }
    }

    /// Escapes what COPY's text format reserves (backslash, tab, newline, carriage return); NUL, which
    /// PostgreSQL text cannot hold, becomes U+FFFD.
    func text(bytes field: FieldBytes) {
        field.withUnsafeBuffer { escape($0) }
    }

    private func escape(_ bytes: UnsafeBufferPointer<UInt8>) {
        separate()
        for b in bytes {
            switch b {
            case 0: buffer.append(contentsOf: [0xEF, 0xBF, 0xBD])
            case 9: buffer.append(92); buffer.append(UInt8(ascii: "t"))
            case 10: buffer.append(92); buffer.append(UInt8(ascii: "n"))
            case 13: buffer.append(92); buffer.append(UInt8(ascii: "r"))
            case 92: buffer.append(92); buffer.append(92)
            default: buffer.append(b)
            }
        }
    }

    func endRow() throws {
        buffer.append(10)
        first = true
        rows += 1
        if buffer.count >= PostgresCopyWriter.flushAt { try flush() }
    }

    private func flush() throws {
        try buffer.withUnsafeBufferPointer { try connection.putCopyData($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        guard !finished else { return }
        finished = true
        if !buffer.isEmpty { try flush() }
        try connection.endCopy()
    }
}
