/// The database under a ``Warehouse``: the embedded SQLite file (the default) or a shared PostgreSQL
/// server (SPEC 12). Every read and write of the warehouse's tables goes through one of its transactions.
protocol WarehouseStore: AnyObject, Sendable {
    /// Runs `body` in one read-write transaction: all of it commits, or none of it.
    func write<T>(_ body: (any SQLSession) throws -> T) throws -> T
    /// Runs `body` in one read-only transaction, a consistent view of the warehouse.
    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T
    /// Readies a period's storage before a run writes it (PostgreSQL: its partitions, made outside the
    /// run's transactions); nothing to do on SQLite.
    func preparePeriod(_ periodID: Int) throws
    /// What a failure of this database means for the person at the other end (exit 74), or nil when the
    /// error is not the database's.
    func environmentError(_ error: any Error) -> EnvironmentError?
    /// Runs `body` in one read-write transaction, as `write` does, for a transaction that holds a period's
    /// per-dossier rows, which SQLite puts on disk once: a first load under a rollback journal, a later one
    /// committed to the log, which another thread copies back into the file while the run goes on and
    /// ``settle()`` waits for (see ``SQLiteStore/writeLarge(_:)``).
    func writeLarge<T>(_ body: (any SQLSession) throws -> T) throws -> T
    /// Waits for what `writeLarge` left running (before a run reports that it is done).
    func settle()
    /// Starts copying what the log holds back into the file while the run goes on (SQLite after a large
    /// write, whose automatic checkpoints are off until ``settle()``), so that the run's end copies and
    /// syncs only its last transactions; ``settle()`` waits for it. Nothing to do elsewhere.
    func checkpointInBackground()
}

extension WarehouseStore {
    /// PostgreSQL has no log to copy back: a large transaction is an ordinary one.
    func writeLarge<T>(_ body: (any SQLSession) throws -> T) throws -> T { try write(body) }
    func settle() {}
    func checkpointInBackground() {}
}
