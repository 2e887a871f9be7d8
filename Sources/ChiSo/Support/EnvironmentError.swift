/// The machine, not the data or the configuration, stopped the run: a full disk, a corrupt or unreadable
/// warehouse, an output path taken by a file, a planted link (exit 74, EX_IOERR). Names the path and what
/// to do; the previous outputs and the warehouse's last commit stay as they were.
public struct EnvironmentError: Error, CustomStringConvertible {
    let path: String
    let reason: String

    /// An error about `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// The message for stderr: the path, then the reason.
    public var description: String { "\(path): \(reason)" }
}
