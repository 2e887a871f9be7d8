import Foundation

/// One run at a time per warehouse: an exclusive `flock` on `DB.lock` beside the warehouse's **real**
/// path, so that two spellings of one file (a symlink, `..`) share one lock. The kernel drops the lock
/// when its holder dies, however it dies, so a killed run never blocks the next one. The lock file is
/// opened with `O_NOFOLLOW`: a link planted in its place is refused, never followed (or truncated).
/// A second lock, ``init(outputFolder:)``, keeps two warehouses from writing one output folder at once.
public final class RunLock {
    /// Another run holds the lock (exit 75).
    public struct Held: Error, CustomStringConvertible {
        let path: String
        let holder: String
        /// The message for stderr: which lock, who holds it, what to do.
        public var description: String {
            "một lần chạy khác đang giữ khóa \(path) (\(holder.isEmpty ? "không rõ tiến trình" : holder)); thử lại sau"
        }
    }

    private let fd: Int32
    /// Whether the lock is a file that names its holder (the warehouse's), rather than a folder.
    private let holdsStamp: Bool
    /// The lock file, or the locked folder.
    public let path: String

    /// Takes the lock or throws ``Held`` at once (no waiting: cron retries later).
    /// - Throws: ``Held``; ``EnvironmentError`` when the lock path is a link or not a regular file.
    public convenience init(warehouse: String) throws {
        let dir = (warehouse as NSString).deletingLastPathComponent
        try OutputFolder.makeFolder(dir.isEmpty ? "." : dir)
        try self.init(lockFile: RunLock.realPath(warehouse) + ".lock")
    }

    /// One run at a time per output folder as well: two warehouses (two deployments, two `--db`) writing
    /// the same `--out/PIPELINE/PERIOD` would otherwise swap the folder under each other. The lock is a
    /// `flock` on the folder's parent (`--out/PIPELINE`, its real path), not a file: the folder itself is
    /// replaced as a whole, and nothing is left beside it. Runs of one warehouse are already one at a time,
    /// so this only ever refuses a run of another warehouse into the same `--out/PIPELINE` (any period).
    /// - Throws: ``Held``; ``EnvironmentError`` when the parent cannot be opened as a folder.
    public init(outputFolder: String) throws {
        let parent = (outputFolder as NSString).deletingLastPathComponent
        try OutputFolder.makeFolder(parent.isEmpty ? "." : parent)
        path = RunLock.realPath(parent.isEmpty ? "." : parent)
        holdsStamp = false
        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw EnvironmentError(path: path, reason: "không mở được thư mục đầu ra để khóa: \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw Held(path: path, holder: "một kho dữ liệu khác đang ghi thư mục này")
        }
    }

    private init(lockFile: String) throws {
        path = lockFile
        holdsStamp = true
        fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == ELOOP
                ? "là một liên kết tượng trưng; chiso không theo liên kết ở đây. Xóa nó rồi chạy lại"
                : String(cString: strerror(errno))
            throw EnvironmentError(path: path, reason: "không mở được tệp khóa: \(reason)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw EnvironmentError(path: path, reason: "tệp khóa không phải tệp thường; xóa nó rồi chạy lại")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var holder = [UInt8](repeating: 0, count: 256)
            let n = pread(fd, &holder, 255, 0)
            close(fd)
            throw Held(path: path, holder: String(decoding: holder.prefix(max(0, n)), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // Who holds it, for the message a second run prints; not synced (the lock is the kernel's, and dies
        // with its holder; the stamp only names it).
        let stamp = "pid \(getpid()), bắt đầu \(Warehouse.now())\n"
        ftruncate(fd, 0)
        _ = stamp.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// The warehouse's path with every link and `..` resolved (its folder's, if the file is not there yet).
    public static func realPath(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let dir = (path as NSString).deletingLastPathComponent
        guard let real = realpath(dir.isEmpty ? "." : dir, nil) else { return path }
        defer { free(real) }
        return String(cString: real) + "/" + (path as NSString).lastPathComponent
    }

    deinit {
        if holdsStamp { ftruncate(fd, 0) }
        flock(fd, LOCK_UN)
        close(fd)
    }
}
