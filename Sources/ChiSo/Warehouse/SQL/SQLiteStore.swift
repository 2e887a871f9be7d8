import Foundation
import GRDB
import GRDBSQLite

/// The embedded SQLite warehouse (one file; WAL, so that `status` reads while a run writes).
final class SQLiteStore: WarehouseStore, @unchecked Sendable {
    let queue: DatabaseQueue
    let path: String

    /// Opens (creating the folder and file if needed) and migrates the file.
    init(creating path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(10)
        // In WAL mode NORMAL keeps every commit atomic and the file uncorrupted after a crash; only the very
        // last commit may be lost on power failure, and the next run redoes it.
        config.prepareDatabase { db in
            // 32 KiB pages for a new file (no effect on an existing one): the per-dossier tables are appended
            // a million rows at a time, and bigger pages make those appends about a fifth cheaper.
            try db.execute(sql: "PRAGMA page_size = 32768")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try SQLiteStore.refuseNewerSchema(queue, path)
            try SQLiteSchema.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw SQLiteStore.environment(error, path: path)
        }
    }

    /// Opens an existing, migrated file read-only; nil when there is none or its schema is older.
    /// - Throws: when the file exists but cannot be read, or was written by a newer chiso.
    init?(readOnly path: String, requireCurrent: Bool) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try SQLiteStore.refuseNewerSchema(queue, path)
            guard try queue.read({ try SQLiteSchema.migrator.hasCompletedMigrations($0) }) else {
                if requireCurrent { throw WarehouseLocation.olderSchema(Warehouse.absolute(path)) }
                return nil
            }
        } catch let error as DatabaseError {
            throw SQLiteStore.environment(error, path: path)
        }
    }

    /// An empty, migrated in-memory warehouse: every stage reads as never run (`run --dry-run`).
    init(empty: ()) throws {
        path = ":memory:"
        queue = try DatabaseQueue()
        try SQLiteSchema.migrator.migrate(queue)
    }

    func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try queue.write { try body(SQLiteSession($0)) }
    }

    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try queue.read { try body(SQLiteSession($0)) }
    }

    func preparePeriod(_ periodID: Int) throws {}

    /// The copies of the log back into the file that `writeLarge` and `checkpointInBackground` left
    /// running, if any: one at a time, in order.
    private let checkpoints = DispatchGroup()
    private let checkpointQueue = DispatchQueue(label: "chiso.sqlite.checkpoint")
    private let deferredLock = NSLock()
    private var deferred = false

    /// A large transaction (the ingest's per-dossier rows) is written once, not twice, where SQLite allows:
    /// - Into a warehouse that holds no per-dossier rows yet (a new file, a first load), it runs under a
    ///   rollback journal: the pages it adds lie beyond the file's old end, which SQLite never journals, so
    ///   they go straight into the file, and the commit syncs them. The WAL would have taken them all, then
    ///   copied them into the file and synced that (hundreds of megabytes written twice). The warehouse is
    ///   back in WAL mode before this returns, whether the transaction committed or failed (should a reader
    ///   hold the file at that moment, the next opening of the warehouse sets WAL mode again).
    /// - Otherwise (or when another connection holds the file open, which keeps it in WAL mode) it commits
    ///   with the connection's automatic checkpoint off, so that the commit only ends the log rather than
    ///   copying it back into the file and syncing it on the run's critical path. A second connection makes
    ///   that copy (a passive checkpoint, which never blocks the run's next transactions) while the run goes
    ///   on; ``settle()`` waits for it. Durability is unchanged: in WAL mode with `synchronous = NORMAL` a
    ///   commit was never synced before the checkpoint, and the run does not end before it.
    func writeLarge<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        settle()
        if try firstLoad() {
            defer { _ = try? queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") } }
            return try queue.write { try body(SQLiteSession($0)) }
        }
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        deferredLock.withLock { deferred = true }
        let result = try queue.write { try body(SQLiteSession($0)) }
        let path = self.path
        checkpointQueue.async(group: checkpoints) { SQLiteStore.checkpoint(path) }
        return result
    }

    func checkpointInBackground() {
        guard deferredLock.withLock({ deferred }) else { return }  // the connection's own checkpoints are on
        let path = self.path
        checkpointQueue.async(group: checkpoints) { SQLiteStore.checkpoint(path) }
    }

    /// True when the warehouse holds no per-dossier rows and could leave WAL mode for a rollback journal
    /// (SQLite refuses while another connection has the file open; then the warehouse stays in WAL).
    private func firstLoad() throws -> Bool {
        try queue.writeWithoutTransaction { db in
            guard try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM dossiers)") == true else { return false }
            let mode = try? String.fetchOne(db, sql: "PRAGMA journal_mode = TRUNCATE")
            return mode?.lowercased() == "truncate"
        }
    }

    /// Waits for the background checkpoint and turns the automatic one back on (SQLite's default, every
    /// 1,000 pages of log).
    func settle() {
        checkpoints.wait()
        let wasDeferred = deferredLock.withLock { () -> Bool in
            defer { deferred = false }
            return deferred
        }
        if wasDeferred { try? queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 1000") } }
    }

    /// Copies the log back into the file from a connection of its own. A failure leaves the log as it is,
    /// which is still the database (the next checkpoint, or the last connection's close, copies it).
    private static func checkpoint(_ path: String) {
        var handle: OpaquePointer?
        defer { sqlite3_close(handle) }
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK,
              // A connection finds the log only once it has read the file: read its schema version first.
              sqlite3_exec(handle, "PRAGMA schema_version", nil, nil, nil) == SQLITE_OK else { return }
        var log: Int32 = 0, copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        StageRunner.trace("background checkpoint: \(copied) of \(log) log pages copied (rc \(rc))")
    }

    func environmentError(_ error: any Error) -> EnvironmentError? {
        (error as? DatabaseError).map { SQLiteStore.environment($0, path: path) }
    }

    /// A warehouse written by a newer chiso (migrations this version does not know) is never written to.
    /// - Throws: ``ConfigError`` naming the version that last ran on it.
    static func refuseNewerSchema(_ queue: DatabaseQueue, _ path: String) throws {
        try queue.read { db in
            guard try SQLiteSchema.migrator.hasBeenSuperseded(db) else { return }
            let unknown = try SQLiteSchema.migrator.appliedIdentifiers(db).subtracting(SQLiteSchema.migrator.migrations).sorted()
            let version = try? String.fetchOne(db, sql: "SELECT tool_version FROM runs ORDER BY id DESC LIMIT 1")
            throw WarehouseLocation.newerSchema(Warehouse.absolute(path), version: version, unknown: unknown)
        }
    }

    /// What a SQLite failure means for the person at the other end, as an ``EnvironmentError`` (exit 74).
    static func environment(_ error: DatabaseError, path: String) -> EnvironmentError {
        let absolute = Warehouse.absolute(path)
        switch error.resultCode {
        case .SQLITE_FULL:
            return EnvironmentError(path: absolute, reason: "ổ đĩa đầy khi ghi kho dữ liệu; giải phóng chỗ trống rồi chạy lại (kho dữ liệu giữ nguyên lần ghi cuối)")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return EnvironmentError(path: absolute, reason: "kho dữ liệu bị hỏng hoặc không phải tệp SQLite; khôi phục từ bản sao lưu, hoặc đổi tên tệp để chiso tạo kho mới (mất lịch sử các kỳ)")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return EnvironmentError(path: absolute, reason: "không mở được kho dữ liệu để ghi; kiểm tra quyền của tệp và thư mục")
        case .SQLITE_IOERR:
            return EnvironmentError(path: absolute, reason: "lỗi đọc/ghi đĩa ở kho dữ liệu (\(error.message ?? "")); kiểm tra ổ đĩa rồi chạy lại")
        default:
            return EnvironmentError(path: absolute, reason: "lỗi SQLite \(error.resultCode.rawValue): \(error.message ?? "")")
        }
    }
}
