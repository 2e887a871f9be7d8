import CLibPQ
import Foundation

/// One libpq connection, used by one thread at a time. Parameters are sent as text (`$1`, `$2`…,
/// rewritten from `?`); results come back as text and are typed by their column's OID.
final class PostgresConnection {
    private let handle: OpaquePointer
    /// The password-free URI, for messages.
    let display: String

    /// Connects. libpq takes the password from the URI, `PGPASSWORD` or `~/.pgpass`.
    /// - Throws: ``PostgresError`` with an empty SQLSTATE when the server cannot be reached.
    init(_ address: PostgresAddress) throws {
        display = address.redacted
        let keys = ["dbname", "application_name", "client_encoding"]
        let values = [address.uri, "chiso", "UTF8"]
        let connection: OpaquePointer? = keys.withCStrings { k in values.withCStrings { v in PQconnectdbParams(k, v, 1) } }
        guard let connection else { throw PostgresError(sqlState: "", message: "libpq: hết bộ nhớ") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw PostgresError(sqlState: "", message: PostgresAddress.redactAll(in: message))
        }
        handle = connection
        // Notices (e.g. "relation already exists, skipping") are not for the cron mail.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        // The stored dossier state is read as `bytea` text: in hex whatever the server's default says.
        try execute("SET bytea_output = 'hex'")
    }

    deinit { PQfinish(handle) }

    /// Runs one statement with parameters; the result must be rows or a command's completion.
    @discardableResult
    func execute(_ sql: String, _ values: [SQLValue] = []) throws -> PostgresResult {
        let text = values.map { value -> String? in
            switch value {
            case .null: return nil
            case let .integer(i): return String(i)
            case let .real(d): return d.isFinite ? "\(d)" : (d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"))
            case let .text(s): return PostgresConnection.withoutNUL(s)
            }
        }
        let statement = PostgresConnection.numberedParameters(sql)
        let result = text.withOptionalCStrings { params in
            PQexecParams(handle, statement, Int32(text.count), nil, params, nil, nil, 0)
        }
        return try check(result)
    }

    /// Runs several statements without parameters (a migration).
    func executeScript(_ sql: String) throws {
        try check(PQexec(handle, sql))
    }

    @discardableResult
    private func check(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else { throw error(nil) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK: return PostgresResult(result)
        case PGRES_COPY_IN:
            copying = true
            return PostgresResult(result)
        default:
            let e = error(result)
            PQclear(result)
            throw e
        }
    }

    private func error(_ result: OpaquePointer?) -> PostgresError {
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        let message = result.map { String(cString: PQresultErrorMessage($0)) } ?? String(cString: PQerrorMessage(handle))
        let connectionLost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(sqlState: state.isEmpty && connectionLost ? "08006" : state,
                             message: PostgresAddress.redactAll(in: message.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    // MARK: COPY FROM STDIN

    /// Sends a chunk of a `COPY … FROM STDIN` in progress.
    func putCopyData(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        let rc = bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        guard rc == 1 else { throw error(nil) }
    }

    /// A `COPY … FROM STDIN` has started and not ended.
    private(set) var copying = false

    /// Abandons a `COPY` left open by an error, so that the transaction can be rolled back.
    func abortCopy() {
        guard copying else { return }
        copying = false
        _ = PQputCopyEnd(handle, "chiso: lần chạy bị hủy")
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    /// Ends the `COPY` and checks that the server took every row.
    func endCopy() throws {
        copying = false
        guard PQputCopyEnd(handle, nil) == 1 else { throw error(nil) }
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            if status != PGRES_COMMAND_OK {
                let e = error(result)
                PQclear(result)
                while let rest = PQgetResult(handle) { PQclear(rest) }
                throw e
            }
            PQclear(result)
        }
    }

    // MARK: Text

    /// `?` placeholders as `$1`, `$2`…, outside quoted literals and identifiers.
    static func numberedParameters(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character? = nil
        for c in sql {
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// PostgreSQL text cannot hold NUL; a cell that had one keeps U+FFFD in its place.
    static func withoutNUL(_ s: String) -> String {
        s.utf8.contains(0) ? s.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : s
    }
}

/// A result set, freed with its owner.
final class PostgresResult {
    let handle: OpaquePointer
    init(_ handle: OpaquePointer) { self.handle = handle }
    deinit { PQclear(handle) }

    var rowCount: Int { Int(PQntuples(handle)) }
    var columnCount: Int { Int(PQnfields(handle)) }
    func name(_ column: Int) -> String { String(cString: PQfname(handle, Int32(column))) }
    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(column)) != 0 }

    /// The value's text bytes (valid while the result lives).
    func bytes(_ row: Int, _ column: Int) -> UnsafeBufferPointer<UInt8> {
        let p = PQgetvalue(handle, Int32(row), Int32(column))!
        return UnsafeRawPointer(p).withMemoryRebound(to: UInt8.self, capacity: 1) {
            UnsafeBufferPointer(start: $0, count: Int(PQgetlength(handle, Int32(row), Int32(column))))
        }
    }

    /// An integer column's value, parsed from its text; `t`/`f` for booleans.
    func int(_ row: Int, _ column: Int) -> Int {
        let b = bytes(row, column)
        guard let first = b.first else { return 0 }
        if first == UInt8(ascii: "t") { return 1 }
        if first == UInt8(ascii: "f") { return 0 }
        var value = 0, negative = false
        for (i, c) in b.enumerated() {
            if i == 0 && c == UInt8(ascii: "-") { negative = true; continue }
            guard c >= 48 && c <= 57 else { break }
            value = value &* 10 &+ Int(c - 48)
        }
        return negative ? -value : value
    }

    /// The value in the type of its column: integers, doubles (`float8`, `numeric`) or text.
    func value(_ row: Int, _ column: Int, type: Oid) -> SQLValue {
        if isNull(row, column) { return .null }
        switch type {
        case 16, 20, 21, 23, 26: return .integer(Int64(int(row, column)))
        case 700, 701, 1700:
            return .real(Double(String(decoding: bytes(row, column), as: UTF8.self)) ?? .nan)
        default: return .text(String(decoding: bytes(row, column), as: UTF8.self))
        }
    }

    func type(_ column: Int) -> Oid { PQftype(handle, Int32(column)) }
}

extension Array where Element == String {
    /// A NULL-terminated `const char *[]` of the strings, for the body's duration.
    func withCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension Array where Element == String? {
    /// A `const char *[]` with NULL for nil, for the body's duration.
    func withOptionalCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
