import Foundation
import Testing

/// The throwaway PostgreSQL server `make test` starts (`scripts/pg-cluster.sh`): its addresses come in
/// `CHISO_TEST_PG*` variables. Without them the PostgreSQL tests fail (they are never skipped).
enum PostgresServer {
    static let environment = ProcessInfo.processInfo.environment

    /// Over the Unix socket (trusted), database `chiso`, role `chiso`.
    static var socketURI: String? { environment["CHISO_TEST_PG"] }
    /// Over 127.0.0.1, where the server asks for `password`.
    static var tcpURI: String? { environment["CHISO_TEST_PG_TCP"] }
    static var password: String? { environment["CHISO_TEST_PG_PASSWORD"] }
    /// The superuser, over the socket, to create databases.
    static var adminURI: String? { environment["CHISO_TEST_PG_ADMIN"] }

    struct NotStarted: Error, CustomStringConvertible {
        var description: String { "CHISO_TEST_PG is not set: run the tests with `make test`, which starts a PostgreSQL cluster" }
    }

    /// A new, empty database owned by `chiso`; its URI over the socket (or over TCP, without the password).
    static func freshDatabase(tcp: Bool = false) throws -> String {
        guard let socket = socketURI, let tcpURI, let admin = adminURI else { throw NotStarted() }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        _ = try psql(admin, "CREATE DATABASE \(name) OWNER chiso")
        return tcp ? String(tcpURI.dropLast("chiso".count)) + name : socket.replacingOccurrences(of: "@/chiso?", with: "@/\(name)?")
    }

    /// Runs `sql` with psql; rows as `a|b` lines.
    @discardableResult
    static func psql(_ uri: String, _ sql: String) throws -> String {
        let r = try CLI.capture("/usr/bin/psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql],
                                environment: password.map { ["PGPASSWORD": $0] } ?? [:])
        guard r.status == 0 else { throw PsqlError(message: r.stderr) }
        return r.stdout.trimmingCharacters(in: .newlines)
    }

    struct PsqlError: Error, CustomStringConvertible {
        let message: String
        var description: String { "psql: \(message)" }
    }
}
