import Foundation
import GRDB

/// Which results a row belongs to: a pipeline's period.
public struct PeriodKey: Sendable, Equatable {
    public let pipeline: String
    public let period: String

    public init(pipeline: String, period: String) {
        self.pipeline = pipeline
        self.period = period
    }
}

/// The last successful run of a period and the options it ran with (nil: not recorded by older versions).
public struct LastRun: Sendable {
    public let id: Int64
    public let asOf: Day?
    public let outDirectory: String?
    public let headerStyle: HeaderStyle?
    public let finishedAt: String
}

/// The last successful run of a stage.
public struct StageState: Sendable {
    public let stage: String
    public let fingerprint: String
    /// Named inputs the fingerprint was made of, to say which one changed.
    public let inputs: [String: String]
    public let finishedAt: String
    public let rows: Int?
}

/// The embedded SQLite warehouse (SPEC 7.2): normalized dossiers, findings, indicators, scores, award
/// decisions and the history of runs. A thin layer over GRDB: SQL stays SQL; each stage's writes go
/// through one `write` transaction.
public final class Warehouse: @unchecked Sendable {
    public let path: String
    let queue: DatabaseQueue
    /// Opened for `status`, `--dry-run` and `explain`: nothing is written, not even the hash cache.
    public let readOnly: Bool

    /// Opens (creating the folder and file if needed) and migrates the warehouse.
    public init(path: String) throws {
        self.path = path
        readOnly = false
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(10)
        // In WAL mode NORMAL keeps every commit atomic and the file uncorrupted after a crash; only the very
        // last commit may be lost on power failure, and the next run redoes it.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try Warehouse.refuseNewerSchema(queue, path)
            try Schema.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw Warehouse.environment(error, path: path)
        }
    }

    /// A warehouse written by a newer chiso (migrations this version does not know) is never written to.
    /// - Throws: ``ConfigError`` naming the version that last ran on it.
    static func refuseNewerSchema(_ queue: DatabaseQueue, _ path: String) throws {
        try queue.read { db in
            guard try Schema.migrator.hasBeenSuperseded(db) else { return }
            let unknown = try Schema.migrator.appliedIdentifiers(db).subtracting(Schema.migrator.migrations).sorted()
            let version = try? String.fetchOne(db, sql: "SELECT tool_version FROM runs ORDER BY id DESC LIMIT 1")
            throw ConfigError(file: "--db", "kho dữ liệu \(absolute(path)) do chiso \(version ?? "mới hơn") ghi (có bước nâng cấp lược đồ \(unknown.joined(separator: ", ")) mà chiso \(ChiSoVersion.current) này không biết); dùng phiên bản chiso đó hoặc mới hơn, không ghi đè")
        }
    }

    /// What a SQLite failure means for the person at the other end, as an ``EnvironmentError`` (exit 74).
    public static func environment(_ error: DatabaseError, path: String) -> EnvironmentError {
        let absolute = absolute(path)
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

    /// Opens an existing warehouse for reading only (`status`, `explain`, `history`, `compare`): never
    /// creates one. A missing file, or one this version has not migrated yet, is a configuration error
    /// naming the absolute path.
    public init(existing path: String) throws {
        self.path = path
        readOnly = true
        let absolute = Warehouse.absolute(path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError(file: "--db", "kho dữ liệu \(absolute) không tồn tại; chạy 'chiso run' trước, hoặc chỉ đúng tệp bằng --db")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let q: DatabaseQueue
        do {
            q = try DatabaseQueue(path: path, configuration: config)
            try Warehouse.refuseNewerSchema(q, path)
        } catch let error as DatabaseError {
            throw Warehouse.environment(error, path: path)
        }
        guard try q.read({ try Schema.migrator.hasCompletedMigrations($0) }) else {
            throw ConfigError(file: "--db", "kho dữ liệu \(absolute) có lược đồ cũ hơn phiên bản chiso này; chạy 'chiso run' một lần để nâng cấp")
        }
        queue = q
    }

    /// `path` made absolute against the working directory, for messages.
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Opens a warehouse for reading only; if there is none (or its schema is older than this tool's), an
    /// empty in-memory one stands in, so that every stage reads as never run (`run --dry-run`).
    public init(readingFrom path: String) throws {
        self.path = path
        readOnly = true
        if FileManager.default.fileExists(atPath: path) {
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(10)
            let q = try DatabaseQueue(path: path, configuration: config)
            if try q.read({ try Schema.migrator.hasCompletedMigrations($0) }) {
                queue = q
                return
            }
        }
        queue = try DatabaseQueue()
        try Schema.migrator.migrate(queue)
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
        try queue.write { db in
            try db.execute(sql: "UPDATE runs SET status = 'killed', finished_at = COALESCE(finished_at, ?) WHERE status = 'running'",
                           arguments: [Warehouse.now()])
            try db.execute(sql: """
                INSERT INTO runs (pipeline, period, started_at, status, as_of, tool_version, pipeline_sha256, pid, command,
                                  out_dir, header_style)
                VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.pipeline, key.period, Warehouse.now(), asOf, ChiSoVersion.current, pipelineSHA,
                                 Int(getpid()), command, outDirectory, headerStyle])
            return db.lastInsertedRowID
        }
    }

    /// The options of the last successful run of a period, if any: what `status` and `explain` default to.
    public func lastSuccessfulRun(_ key: PeriodKey) throws -> LastRun? {
        try queue.read { db in
            try Row.fetchOne(db, sql: """
                SELECT id, as_of, out_dir, header_style, finished_at FROM runs
                WHERE pipeline = ? AND period = ? AND status = 'ok' ORDER BY id DESC LIMIT 1
                """, arguments: [key.pipeline, key.period]).map {
                LastRun(id: $0["id"], asOf: ($0["as_of"] as String?).flatMap(PortalDate.parseISO), outDirectory: $0["out_dir"],
                        headerStyle: ($0["header_style"] as String?).flatMap(HeaderStyle.init(rawValue:)), finishedAt: $0["finished_at"] ?? "")
            }
        }
    }

    public func finishRun(_ id: Int64, status: String, exitCode: Int32, message: String?) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, exit_code = ?, message = ?, finished_at = ? WHERE id = ?",
                           arguments: [status, Int(exitCode), message, Warehouse.now(), id])
        }
    }

    public func recordStage(run: Int64, stage: String, status: String, reason: String, seconds: Double?,
                            fingerprint: String?, rows: Int?) throws {
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO stage_runs (run_id, stage, status, reason, started_at, seconds, fingerprint, rows)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run, stage, status, reason, Warehouse.now(), seconds, fingerprint, rows])
        }
    }

    /// The last successful state of every stage of a period.
    public func stageStates(_ key: PeriodKey) throws -> [String: StageState] {
        try queue.read { db in
            var out: [String: StageState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM stage_state WHERE pipeline = ? AND period = ?",
                                        arguments: [key.pipeline, key.period]) {
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
    static func saveStageState(_ db: Database, _ key: PeriodKey, stage: String, fingerprint: Fingerprint, run: Int64,
                               rows: Int?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let inputs = String(decoding: try encoder.encode(fingerprint.inputs), as: UTF8.self)
        try db.execute(sql: """
            INSERT OR REPLACE INTO stage_state (pipeline, period, stage, fingerprint, inputs, run_id, finished_at, rows)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [key.pipeline, key.period, stage, fingerprint.value, inputs, run, Warehouse.now(), rows])
    }

    /// Runs `body` in one transaction.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.write(body)
    }

    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }

    // MARK: File hashes

    /// Size, mtime (ns) and inode of a file: what says it has not changed since it was hashed.
    public static func fileStamp(_ path: String) throws -> [Int64] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw CSVReadError.io("\(path): \(String(cString: strerror(errno)))") }
        return [Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                Int64(bitPattern: UInt64(st.st_ino))]
    }

    /// SHA-256 of a file, reusing the stored hash when size, mtime and inode are unchanged.
    public func fileHash(_ path: String) throws -> (sha256: String, size: Int) {
        try fileHashes([path])[path]!
    }

    /// SHA-256 of several files: stored hashes where size, mtime and inode are unchanged, the others
    /// computed on both cores and stored.
    public func fileHashes(_ paths: [String]) throws -> [String: (sha256: String, size: Int)] {
        var out: [String: (sha256: String, size: Int)] = [:]
        var missing: [(path: String, stamp: [Int64])] = []
        for path in Set(paths).sorted() {
            let stamp = try Warehouse.fileStamp(path)
            let cached = try queue.read { db in
                try String.fetchOne(db, sql: "SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ns = ? AND inode = ?",
                                    arguments: [path, stamp[0], stamp[1], stamp[2]])
            }
            if let cached { out[path] = (cached, Int(stamp[0])) } else { missing.append((path, stamp)) }
        }
        let results = ConcurrentResults(count: missing.count)
        let toHash = missing.map(\.path)
        DispatchQueue.concurrentPerform(iterations: toHash.count) { i in
            results.set(i, Result { try Hashing.sha256(file: toHash[i]) })
        }
        for (i, m) in missing.enumerated() {
            let sha = try results.get(i).get()
            out[m.path] = (sha, Int(m.stamp[0]))
            if readOnly { continue }
            try queue.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO file_hashes (path, size, mtime_ns, inode, sha256) VALUES (?, ?, ?, ?, ?)",
                               arguments: [m.path, m.stamp[0], m.stamp[1], m.stamp[2], sha])
            }
        }
        return out
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
