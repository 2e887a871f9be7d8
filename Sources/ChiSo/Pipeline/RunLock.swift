import Foundation

/// One run at a time per warehouse: an exclusive `flock` on `DB.lock`. The kernel drops the lock when
/// its holder dies, however it dies, so a killed run never blocks the next one.
public final class RunLock {
    public struct Held: Error, CustomStringConvertible {
        public let path: String
        public let holder: String
        public var description: String {
            "một lần chạy khác đang giữ khóa \(path) (\(holder.isEmpty ? "không rõ tiến trình" : holder)); thử lại sau"
        }
    }

    private let fd: Int32
    public let path: String

    /// Takes the lock or throws ``Held`` at once (no waiting: cron retries later).
    public init(warehouse: String) throws {
        path = warehouse + ".lock"
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw Held(path: path, holder: holder)
        }
        let stamp = "pid \(getpid()), bắt đầu \(Warehouse.now())\n"
        ftruncate(fd, 0)
        _ = stamp.withCString { write(fd, $0, strlen($0)) }
        fsync(fd)
    }

    deinit {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
