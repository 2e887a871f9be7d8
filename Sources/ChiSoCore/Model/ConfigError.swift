/// A configuration or usage error (exit code 2): the pipeline file, the units
/// registry, a reference file or the command line. Names file, line and column.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The file the error is in (the pipeline file, a source file, or an option such as `--db`).
    public var file: String
    /// 1-based line, when the error is at a place in the file.
    public var line: Int?
    /// 1-based column on that line.
    public var column: Int?
    /// What is wrong and what to do, in Vietnamese.
    public var message: String

    /// An error in `file`, at `line`:`column` when known.
    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, as compilers print it.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

/// Several configuration errors found in one pass, reported together.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// Every error found, in file order.
    public var errors: [ConfigError]
    /// One error per line, in file order.
    public var description: String { errors.map(\.description).joined(separator: "\n") }

    /// Every stored property, as the shell's loaders build it.
    package init(errors: [ConfigError]) {
        self.errors = errors
    }
}
