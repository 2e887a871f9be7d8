import Foundation

/// Which results a row belongs to: a pipeline's period.
public struct PeriodKey: Sendable, Equatable {
    let pipeline: String
    let period: String

    /// The key of `pipeline`'s `period`.
    public init(pipeline: String, period: String) {
        self.pipeline = pipeline
        self.period = period
    }
}

/// The last successful run of a period and the options it ran with (nil: not recorded by older versions).
public struct LastRun: Sendable {
    let id: Int64
    /// The `as_of` it ran with.
    public let asOf: Day?
    /// The `--out` it wrote to.
    public let outDirectory: String?
    /// The `--header-style` it wrote with.
    public let headerStyle: HeaderStyle?
    /// When it finished (ISO 8601, Asia/Ho_Chi_Minh).
    public let finishedAt: String
}

/// The last successful run of a stage.
public struct StageState: Sendable {
    let stage: String
    /// SHA-256 of the named inputs; a different one means the stage must run again.
    public let fingerprint: String
    /// Named inputs the fingerprint was made of, to say which one changed.
    public let inputs: [String: String]
    /// When it finished (ISO 8601, Asia/Ho_Chi_Minh).
    public let finishedAt: String
    /// Rows it produced.
    public let rows: Int?
}

/// The warehouse (SPEC 7.2, 12): normalized dossiers, findings, indicators, scores, award decisions and
/// the history of runs, in the embedded SQLite file (the default) or a shared PostgreSQL server. The
/// pipeline talks to it in domain terms (save a stage's results, load a period's ranks); SQL stays SQL,
/// written once for both databases, and each stage's writes go through one transaction.
public final class Warehouse: @unchecked Sendable {
    /// How messages name the warehouse: the SQLite path, or the PostgreSQL URI without its password.
    public let path: String
    /// Where it is.
    public let location: WarehouseLocation
    let store: any WarehouseStore
    /// Opened for `status`, `--dry-run` and `explain`: nothing is written, not even the hash cache.
    public let readOnly: Bool

    /// Opens (creating it if needed) and migrates the warehouse at `location`.
    public convenience init(path: String) throws { try self.init(creating: WarehouseLocation(path)) }

    /// Opens (creating the SQLite file, or the PostgreSQL schema, if needed) and migrates the warehouse.
    public init(creating location: WarehouseLocation) throws {
        self.location = location
        path = location.display
        readOnly = false
        switch location {
        case let .sqlite(file): store = try SQLiteStore(creating: file)
        case let .postgres(address): store = try PostgresStore(address, migrate: true)
        }
    }

    /// Opens an existing warehouse for reading only (`status`, `explain`, `history`, `compare`): never
    /// creates one. A missing file, or one this version has not migrated yet, is a configuration error
    /// naming the absolute path.
    public convenience init(existing path: String) throws { try self.init(existing: WarehouseLocation(path)) }

    /// See ``init(existing:)-(String)``.
    public init(existing location: WarehouseLocation) throws {
        self.location = location
        path = location.display
        readOnly = true
        switch location {
        case let .sqlite(file):
            guard let s = try SQLiteStore(readOnly: file, requireCurrent: true) else {
                throw ConfigError(file: "--db", "kho dữ liệu \(Warehouse.absolute(file)) không tồn tại; chạy 'chiso run' trước, hoặc chỉ đúng tệp bằng --db")
            }
            store = s
        case let .postgres(address):
            let s = try PostgresStore(address, migrate: false)
            guard try s.isCurrent() else { throw WarehouseLocation.olderSchema(address.redacted) }
            store = s
        }
    }

    /// Opens a warehouse for reading only; if there is none (or its schema is older than this tool's), an
    /// empty in-memory one stands in, so that every stage reads as never run (`run --dry-run`).
    public convenience init(readingFrom path: String) throws { try self.init(readingFrom: WarehouseLocation(path)) }

    /// See ``init(readingFrom:)-(String)``.
    public init(readingFrom location: WarehouseLocation) throws {
        self.location = location
        path = location.display
        readOnly = true
        switch location {
        case let .sqlite(file):
            store = try SQLiteStore(readOnly: file, requireCurrent: false) ?? SQLiteStore(empty: ())
        case let .postgres(address):
            let s = try PostgresStore(address, migrate: false)
            store = try s.isCurrent() ? s : SQLiteStore(empty: ())
        }
    }

    /// `path` made absolute against the working directory, for messages.
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The database failure behind `error` as an ``EnvironmentError`` (exit 74); nil when it is not one.
    public func environmentError(_ error: any Error) -> EnvironmentError? {
        if let e = error as? EnvironmentError { return e }
        return store.environmentError(error)
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }

    // MARK: Runs

    /// Records the start of a run; any run still marked `running` died without finishing (we hold the lock).
    public func beginRun(_ key: PeriodKey, asOf: String, pipelineSHA: String, command: String, outDirectory: String = "out",
                         headerStyle: String = "vi") throws -> Int64 {
        let runID = try write { db in
            // Only this pipeline's runs: on a shared warehouse other pipelines run at once (SPEC 12).
            try db.execute("UPDATE runs SET status = 'killed', finished_at = COALESCE(finished_at, ?) WHERE status = 'running' AND pipeline = ?",
                           [Warehouse.now(), key.pipeline])
            let id: Int64? = try db.value("""
                INSERT INTO runs (pipeline, period, started_at, status, as_of, tool_version, pipeline_sha256, pid, command,
                                  out_dir, header_style)
                VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [key.pipeline, key.period, Warehouse.now(), asOf, ChiSoVersion.current, pipelineSHA,
                      Int(getpid()), PostgresAddress.redactAll(in: command), outDirectory, headerStyle])
            return id ?? 0
        }
        let period = try write { try Warehouse.periodID($0, key) }
        try store.preparePeriod(period)
        return runID
    }

    /// The options of the last successful run of a period, if any: what `status` and `explain` default to.
    public func lastSuccessfulRun(_ key: PeriodKey) throws -> LastRun? {
        try read { db in
            try db.rows("""
                SELECT id, as_of, out_dir, header_style, finished_at FROM runs
                WHERE pipeline = ? AND period = ? AND status = 'ok' ORDER BY id DESC LIMIT 1
                """, [key.pipeline, key.period]).first.map {
                LastRun(id: $0["id"], asOf: ($0["as_of"] as String?).flatMap(PortalDate.parseISO), outDirectory: $0["out_dir"],
                        headerStyle: ($0["header_style"] as String?).flatMap(HeaderStyle.init(rawValue:)), finishedAt: $0["finished_at"] ?? "")
            }
        }
    }

    func finishRun(_ id: Int64, status: String, exitCode: Int32, message: String?) throws {
        try write { db in
            try db.execute("UPDATE runs SET status = ?, exit_code = ?, message = ?, finished_at = ? WHERE id = ?",
                           [status, Int(exitCode), message.map(PostgresAddress.redactAll), Warehouse.now(), id])
        }
    }

    func recordStage(run: Int64, stage: String, status: String, reason: String, seconds: Double?,
                            fingerprint: String?, rows: Int?) throws {
        try write { db in
            try db.execute("""
                INSERT INTO stage_runs (run_id, stage, status, reason, started_at, seconds, fingerprint, rows)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [run, stage, status, reason, Warehouse.now(), seconds, fingerprint, rows])
        }
    }

    /// The last successful state of every stage of a period.
    public func stageStates(_ key: PeriodKey) throws -> [String: StageState] {
        try read { db in
            var out: [String: StageState] = [:]
            for row in try db.rows("SELECT * FROM stage_state WHERE pipeline = ? AND period = ?", [key.pipeline, key.period]) {
                let inputsJSON: String = row["inputs"]
                let inputs = (try? JSONDecoder().decode([String: String].self, from: Data(inputsJSON.utf8))) ?? [:]
                let stage: String = row["stage"]
                out[stage] = StageState(stage: stage, fingerprint: row["fingerprint"], inputs: inputs,
                                        finishedAt: row["finished_at"], rows: row["rows"])
            }
            return out
        }
    }

    /// Marks a stage as done with `fingerprint`, inside the stage's own transaction.
    static func saveStageState(_ db: any SQLSession, _ key: PeriodKey, stage: String, fingerprint: String, inputs: [String: String], run: Int64,
                               rows: Int?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let inputsJSON = String(decoding: try encoder.encode(inputs), as: UTF8.self)
        try db.execute("""
            INSERT INTO stage_state (pipeline, period, stage, fingerprint, inputs, run_id, finished_at, rows)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (pipeline, period, stage) DO UPDATE SET fingerprint = excluded.fingerprint, inputs = excluded.inputs,
              run_id = excluded.run_id, finished_at = excluded.finished_at, rows = excluded.rows
            """, [key.pipeline, key.period, stage, fingerprint, inputsJSON, run, Warehouse.now(), rows])
    }

    /// Runs `body` in one read-write transaction.
    func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try store.write(body)
    }

    /// Runs `body` in one read-write transaction that holds a period's per-dossier rows (see
    /// ``WarehouseStore/writeLarge(_:)``); ``settle()`` waits for what it leaves running.
    func writeLarge<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try store.writeLarge(body)
    }

    /// Waits for the background work of ``writeLarge(_:)``: called before a run ends.
    func settle() { store.settle() }

    /// See ``WarehouseStore/checkpointInBackground()``.
    func checkpointInBackground() { store.checkpointInBackground() }

    /// Runs `body` in one read-only transaction.
    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try store.read(body)
    }

    // MARK: File hashes

    /// Size, mtime (ns) and inode of a file: what says it has not changed since it was hashed.
    public static func fileStamp(_ path: String) throws -> [Int64] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw EnvironmentError(path: path, reason: "không đọc được tệp: \(String(cString: strerror(errno)))") }
        return [Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                Int64(bitPattern: UInt64(st.st_ino))]
    }

    /// SHA-256 of a file, reusing the stored hash when size, mtime and inode are unchanged.
    public func fileHash(_ path: String) throws -> (sha256: String, size: Int) {
        try fileHashes([path])[path]!
    }

    /// SHA-256 of several files: stored hashes where size, mtime and inode are unchanged, the others
    /// computed on both cores (the biggest first, so that the cores finish together) and stored.
    /// - Parameter alongside: work to do on the cores beside the hashing, after every file has started,
    ///   when the file it is about is hashed (its stored hash unusable); otherwise not done.
    public func fileHashes(_ paths: [String], alongside: (path: String, work: @Sendable () -> Void)? = nil) throws
        -> [String: (sha256: String, size: Int)] {
        var out: [String: (sha256: String, size: Int)] = [:]
        var missing: [(path: String, stamp: [Int64])] = []
        for path in Set(paths).sorted() {
            let stamp = try Warehouse.fileStamp(path)
            let cached: String? = try read { db in
                try db.value("SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ns = ? AND inode = ?",
                             [path, stamp[0], stamp[1], stamp[2]])
            }
            if let cached { out[path] = (cached, Int(stamp[0])) } else { missing.append((path, stamp)) }
        }
        let results = ConcurrentResults(count: missing.count)
        let toHash = missing.map(\.path)
        // Longest first: the cores take the files in this order, so the big ones do not come last.
        let order = toHash.indices.sorted { missing[$0].stamp[0] != missing[$1].stamp[0] ? missing[$0].stamp[0] > missing[$1].stamp[0] : $0 < $1 }
        let extra = alongside.flatMap { toHash.contains($0.path) ? $0.work : nil }
        DispatchQueue.concurrentPerform(iterations: toHash.count + (extra == nil ? 0 : 1)) { k in
            guard k < order.count else { extra?(); return }
            let i = order[k]
            results.set(i, Result { try Hashing.sha256(file: toHash[i]) })
        }
        for (i, m) in missing.enumerated() {
            let sha = try results.get(i).get()
            out[m.path] = (sha, Int(m.stamp[0]))
            if readOnly { continue }
            try write { db in try Warehouse.saveFileHash(db, path: m.path, stamp: m.stamp, sha256: sha) }
        }
        return out
    }

    /// Records `path`'s hash with the stamp (``fileStamp(_:)``) it was taken under, for later runs to reuse.
    static func saveFileHash(_ db: any SQLSession, path: String, stamp: [Int64], sha256: String) throws {
        try db.execute("""
            INSERT INTO file_hashes (path, size, mtime_ns, inode, sha256) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, inode = excluded.inode,
              sha256 = excluded.sha256
            """, [path, stamp[0], stamp[1], stamp[2], sha256])
    }
}

/// Results filled from `concurrentPerform`, one slot per iteration.
private final class ConcurrentResults: @unchecked Sendable {
    private var slots: [Result<String, Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<String, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    func get(_ i: Int) -> Result<String, Error> { lock.lock(); defer { lock.unlock() }; return slots[i]! }
}
