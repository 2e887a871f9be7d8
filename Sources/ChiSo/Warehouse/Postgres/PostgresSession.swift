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

    /// PostgreSQL rows have no rowid: the caller selects the column.
    func blob(table: String, column: String, rowid: Int) throws -> [UInt8]? { nil }
    func blobParts(table: String, column: String, rowid: Int, head: Int, tail: Int,
                   words: ([UInt8], Int) -> Int?, piece: @escaping @Sendable (WordPiece) -> Void) throws -> BlobParts? { nil }
    func blobHead(table: String, column: String, rowid: Int, bytes: Int) throws -> (head: [UInt8], size: Int)? { nil }

    func periodTable(table: String, periodID: Int) throws -> String {
        let partition = PostgresSchema.partition(table, periodID)
        if try connection.execute("SELECT to_regclass(?)", [.text(partition)]).isNull(0, 0) {
            try connection.execute("CREATE TABLE \(partition) PARTITION OF \(table) FOR VALUES IN (\(periodID))")
        }
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
    /// `bytea` arrives as text in hex form (a backslash, `x`, two hex digits per byte).
    func blob(_ column: Int) -> [UInt8] { PostgresCursor.unhex(result.bytes(row, column)) }

    static func unhex(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return [] }
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c &- 48 : (c | 0x20) &- 87 }
        var out = [UInt8](repeating: 0, count: (text.count - 2) / 2)
        for k in out.indices { out[k] = nibble(text[2 + 2 * k]) << 4 | nibble(text[3 + 2 * k]) }
        return out
    }
}

/// Rows streamed to `COPY table (columns) FROM STDIN (FORMAT binary)`, 1 MiB per send. Binary rather
/// than text: the server copies 8-byte integers and doubles instead of parsing digits, which makes the
/// load of a million dossiers faster. Every integer column of the warehouse is `bigint` and every real
/// `double precision` (see `PostgresSchema.translate`), so each value has one binary form.
final class PostgresCopyWriter: SQLBulkWriter {
    private let connection: PostgresConnection
    private var buffer: [UInt8] = []
    private var rowStart = -1
    private var fields: Int16 = 0
    private var finished = false
    private static let flushAt = 1 << 20
    /// Rows sent, for the load rate.
    private(set) var rows = 0

    init(_ connection: PostgresConnection, table: String, columns: [String]) throws {
        self.connection = connection
        try connection.execute("COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN (FORMAT binary)")
        buffer.reserveCapacity(PostgresCopyWriter.flushAt + 4096)
        // Signature, flags, header extension length.
        buffer.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
        append32(0)
        append32(0)
    }

    @inline(__always) private func append16(_ v: Int16) {
        let u = UInt16(bitPattern: v)
        buffer.append(UInt8(u >> 8)); buffer.append(UInt8(u & 0xFF))
    }

    @inline(__always) private func append32(_ v: Int32) {
        let u = UInt32(bitPattern: v)
        buffer.append(UInt8(u >> 24)); buffer.append(UInt8((u >> 16) & 0xFF))
        buffer.append(UInt8((u >> 8) & 0xFF)); buffer.append(UInt8(u & 0xFF))
    }

    @inline(__always) private func append64(_ u: UInt64) {
        var shift: UInt64 = 56
        while true {
            buffer.append(UInt8((u >> shift) & 0xFF))
            if shift == 0 { break }
            shift -= 8
        }
    }

    /// Starts the row (its field count is written when it ends) and counts one more field.
    @inline(__always) private func field() {
        if rowStart < 0 {
            rowStart = buffer.count
            append16(0)
        }
        fields += 1
    }

    func int(_ value: Int) { field(); append32(8); append64(UInt64(bitPattern: Int64(value))) }
    func real(_ value: Double) { field(); append32(8); append64(value.bitPattern) }
    func bool(_ value: Bool) { int(value ? 1 : 0) }
    func null() { field(); append32(-1) }

    func text(_ value: String) {
        var copy = value
        copy.withUTF8 { raw($0) }
    }

    /// The field's UTF-8 as is; NUL, which PostgreSQL text cannot hold, becomes U+FFFD.
    func text(bytes field: FieldBytes) {
        field.withUnsafeBuffer { raw($0) }
    }

    func blob(_ bytes: [UInt8]) {
        field()
        append32(Int32(bytes.count))
        buffer.append(contentsOf: bytes)
    }

    private func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        field()
        if !bytes.contains(0) {
            append32(Int32(bytes.count))
            buffer.append(contentsOf: bytes)
            return
        }
        let cleaned = bytes.flatMap { $0 == 0 ? [0xEF, 0xBF, 0xBD] : [$0] }
        append32(Int32(cleaned.count))
        buffer.append(contentsOf: cleaned)
    }

    func endRow() throws {
        if rowStart < 0 { field(); fields = 0 }  // a row of no columns (not used by the warehouse)
        let u = UInt16(bitPattern: fields)
        buffer[rowStart] = UInt8(u >> 8)
        buffer[rowStart + 1] = UInt8(u & 0xFF)
        rowStart = -1
        fields = 0
        rows += 1
        if buffer.count >= PostgresCopyWriter.flushAt { try flush() }
    }

    func flush() throws {
        try buffer.withUnsafeBufferPointer { try connection.putCopyData($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        guard !finished else { return }
        finished = true
        append16(-1)  // the trailer
        try flush()
        try connection.endCopy()
    }
}
