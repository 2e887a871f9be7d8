import Foundation

/// A set of output files replaced together: each is written to a temporary file in its target
/// folder and flushed; only `commit()` renames them into place. A run that fails before `commit`
/// leaves every previous file untouched.
public final class AtomicOutput {
    private var staged: [(temp: String, final: String)] = []
    private var removals: [String] = []

    init() {}

    /// Writes `bytes` to a new, uniquely named temporary file beside `path` (creating folders; never
    /// through a planted link) and flushes it to disk. Leftover temporaries of dead runs are removed first.
    public func stage(_ bytes: [UInt8], to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        try OutputFolder.makeFolder(dir)
        OutputFolder.removeLeftovers(in: dir, prefix: ".\(name).")
        let temp = dir + "/.\(name).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        do {
            try OutputFolder.writeNew(bytes, to: temp)
        } catch {
            unlink(temp)  // a full disk leaves nothing behind
            throw error
        }
        staged.append((temp, path))
    }

    /// Removes `path` (a file or folder) at commit time.
    public func remove(_ path: String) { removals.append(path) }

    /// Renames every staged file into place, then performs the removals.
    public func commit() throws {
        for (temp, final) in staged where rename(temp, final) != 0 {
            throw OutputError.system(final)
        }
        staged.removeAll()
        for path in removals where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
        removals.removeAll()
    }

    /// Deletes the temporary files of an abandoned run.
    public func discard() {
        for (temp, _) in staged { unlink(temp) }
        staged.removeAll()
    }

    deinit { discard() }
}

/// An output file could not be written (exit 74): says which path and what to do.
public struct OutputError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    /// The message for stderr.
    public var description: String { "không ghi được \(path): \(reason)" }

    /// The error of the last system call on `path`, in Vietnamese for the usual causes.
    public static func system(_ path: String) -> OutputError {
        let code = errno
        let reason: String
        switch code {
        case ENOSPC, EDQUOT: reason = "ổ đĩa đầy (hoặc hết hạn mức); giải phóng chỗ trống rồi chạy lại"
        case EACCES, EPERM: reason = "không có quyền ghi; kiểm tra quyền của thư mục"
        case EROFS: reason = "ổ đĩa chỉ cho đọc"
        case ENOTDIR: reason = "một phần của đường dẫn là tệp, không phải thư mục; chọn --out khác"
        case EEXIST: reason = "đã có tệp trùng tên (có thể do một lần chạy khác); chạy lại"
        case ELOOP: reason = "đường dẫn là một liên kết tượng trưng; chiso không ghi qua liên kết ở đây"
        default: reason = String(cString: strerror(code))
        }
        return OutputError(path: path, reason: reason)
    }
}
