import Foundation

/// The shared PostgreSQL warehouse (SPEC 12): the same tables, migrations and SQL as the SQLite one,
/// the per-dossier tables partitioned by `period_id`, bulk rows loaded with `COPY`. One connection,
/// used by one thread at a time (like GRDB's queue for SQLite).
final class PostgresStore: WarehouseStore, @unchecked Sendable {
    let connection: PostgresConnection
    let address: PostgresAddress
    private let lock = NSLock()

    /// Connects; with `migrate`, brings the schema up to this version's migrations first.
    /// - Throws: ``EnvironmentError`` when the server cannot be reached (exit 74); ``ConfigError`` when
    ///   the schema was written by a newer chiso.
    init(_ address: PostgresAddress, migrate: Bool) throws {
        self.address = address
        do {
            connection = try PostgresConnection(address)
        } catch let error as PostgresError {
            throw error.environment(address.redacted)
        }
        try wrap { try PostgresSchema.refuseNewer(connection, display: address.redacted) }
        if migrate { try wrap { try PostgresSchema.migrate(connection) } }
    }

    /// Whether every migration this version knows has been applied.
    func isCurrent() throws -> Bool {
        try wrap { try PostgresSchema.isCurrent(connection) }
    }

    func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try transaction("BEGIN", body)
    }

    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    private func transaction<T>(_ begin: String, _ body: (any SQLSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try connection.execute(begin)
        do {
            let value = try body(PostgresSession(connection))
            try connection.execute("COMMIT")
            return value
        } catch {
            connection.abortCopy()
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Makes the period's partitions of the four per-dossier tables in a transaction of their own, before
    /// the run's: creating a partition locks its parent table until commit.
    func preparePeriod(_ periodID: Int) throws {
        lock.lock()
        defer { lock.unlock() }
        for table in PostgresSchema.partitionedTables {
            let partition = PostgresSchema.partition(table, periodID)
            try connection.execute("CREATE TABLE IF NOT EXISTS \(partition) PARTITION OF \(table) FOR VALUES IN (\(periodID))")
        }
    }

    func environmentError(_ error: any Error) -> EnvironmentError? {
        (error as? PostgresError).map { $0.environment(address.redacted) }
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as PostgresError { throw error.environment(address.redacted) }
    }
}
