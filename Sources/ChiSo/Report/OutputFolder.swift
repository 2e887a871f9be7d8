import CSystemCalls
import Foundation

/// The report's folder `OUT/PIPELINE/PERIOD`, replaced as a whole in one step: every file is written into a
/// fresh sibling folder (created exclusively, files opened with `O_EXCL | O_NOFOLLOW`, each flushed), then
/// the two folders are swapped atomically (`renameat2(RENAME_EXCHANGE)`) and the old one removed. A reader,
/// or a run killed at any moment, sees either every old file or every new one, never a mix. The folder
/// belongs to chiso: files put there by hand go with the old folder.
public final class OutputFolder {
    let target: String
    /// The fresh folder the files are written into before the swap.
    public let staging: String
    private var committed = false

    /// Creates the staging folder beside `target`, after removing those left by runs that died.
    /// - Throws: ``OutputError`` when the parent cannot be made or `target` is not a folder.
    public init(target: String) throws {
        self.target = target
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        try OutputFolder.makeFolder(parent.isEmpty ? "." : parent)
        var st = stat()
        if lstat(target, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR {
            throw OutputError(path: target, reason: "đã có một tệp (hoặc liên kết) ở chỗ thư mục đầu ra; xóa hoặc đổi tên nó, hoặc chọn --out khác")
        }
        OutputFolder.cleanLeftovers(target: target)
        var template = Array("\(parent.isEmpty ? "." : parent)/.\(name).new-\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw OutputError.system(parent)
        }
        staging = String(cString: made)
        // mkdtemp makes it private (0700); the outputs are for the Office to read.
        let mask = umask(0)
        umask(mask)
        chmod(staging, 0o755 & ~mask)
    }

    /// Removes what runs that died left around `target`: staging folders beside it and temporary files
    /// in it and in its `loi/` (a run that was killed, a full disk). Called at the start of every run.
    public static func cleanLeftovers(target: String) {
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        removeLeftovers(in: parent.isEmpty ? "." : parent, prefix: ".\(name).new-")
        for folder in [target, target + "/loi"] {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where entry.hasPrefix(".") && entry.hasSuffix(".tmp") {
                // `.NAME.PID-RANDOM.tmp`
                let parts = entry.dropLast(4).split(separator: ".")
                guard let last = parts.last, let pid = last.split(separator: "-").first.flatMap({ Int32($0) }) else { continue }
                if pid != getpid() && kill(pid, 0) == 0 { continue }
                var st = stat()
                guard lstat(folder + "/" + entry, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }  // not a planted link
                unlink(folder + "/" + entry)
            }
        }
    }

    /// Writes `bytes` as `name` (a plain file name) in the staging folder and flushes it.
    public func stage(_ bytes: [UInt8], as name: String) throws {
        try OutputFolder.writeNew(bytes, to: staging + "/" + name)
    }

    /// The removals of replaced folders still under way.
    private static let removals = DispatchGroup()

    /// Waits until every folder a commit replaced is removed: what a run does before it returns.
    public static func waitForRemovals() { removals.wait() }

    /// Swaps the staging folder into place and removes the old one (on another core: see ``waitForRemovals()``).
    public func commit() throws {
        let dir = open(staging, O_RDONLY | O_DIRECTORY)
        if dir >= 0 { fsync(dir); close(dir) }
        var st = stat()
        if lstat(target, &st) == 0 {
            guard chiso_exchange_paths(staging, target) == 0 else {
                throw OutputError.system(target)
            }
            committed = true
            // The old folder, now under the staging name, is removed on another core while the run records
            // itself; the run waits for it last (``waitForRemovals()``). One left by a run that died goes
            // at the next run's start, with the other leftovers.
            let old = staging
            DispatchQueue.global().async(group: OutputFolder.removals) { try? FileManager.default.removeItem(atPath: old) }
        } else {
            guard rename(staging, target) == 0 else { throw OutputError.system(target) }
            committed = true
        }
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: staging) }
    }

    /// Creates a folder and its parents; a file in the way is an ``OutputError`` naming it.
    static func makeFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: path, reason: "không tạo được thư mục (có một tệp trùng tên trên đường dẫn?)")
        }
    }

    /// Writes a new file exclusively (never through a planted link or over an existing file) and flushes it.
    static func writeNew(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError.system(path) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            // Normally one call writes everything; a partial write continues with a copy of the rest.
            let n = written == 0 ? write(fd, bytes, bytes.count) : write(fd, Array(bytes[written...]), bytes.count - written)
            if n < 0 { throw OutputError.system(path) }
            written += n
        }
        guard fsync(fd) == 0 else { throw OutputError.system(path) }
    }

    /// Removes `prefix…-PID-…` entries of `folder` whose process is gone (a run that died, a full disk).
    static func removeLeftovers(in folder: String, prefix: String) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where entry.hasPrefix(prefix) {
            let pid = entry.dropFirst(prefix.count).split(separator: "-").first.flatMap { Int32($0) }
            if let pid, pid != getpid(), kill(pid, 0) == 0 { continue }  // a live run's
            try? FileManager.default.removeItem(atPath: folder + "/" + entry)
        }
    }
}
