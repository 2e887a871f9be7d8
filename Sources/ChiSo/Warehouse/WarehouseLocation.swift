import Foundation

/// Where the warehouse is, from `--db` (or `CHISO_DB`): a SQLite file path, or a PostgreSQL connection
/// URI (`postgresql://…` / `postgres://…`, SPEC 12).
public enum WarehouseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    /// The default when neither `--db` nor `CHISO_DB` says otherwise.
    public static let defaultPath = "var/chiso.sqlite"

    /// Reads a `--db` argument.
    public init(_ argument: String) {
        if argument.hasPrefix("postgresql://") || argument.hasPrefix("postgres://") {
            self = .postgres(PostgresAddress(uri: argument))
        } else {
            self = .sqlite(path: argument)
        }
    }

    /// `--db` if given, else the `CHISO_DB` environment variable, else `var/chiso.sqlite`.
    public static func resolve(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> WarehouseLocation {
        WarehouseLocation(option ?? environment["CHISO_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath)
    }

    /// How messages, logs and the manifest name the warehouse: the file's path, or the URI without its
    /// password.
    public var display: String {
        switch self {
        case let .sqlite(path): return path
        case let .postgres(address): return address.redacted
        }
    }

    static func olderSchema(_ display: String) -> ConfigError {
        ConfigError(file: "--db", "kho dữ liệu \(display) có lược đồ cũ hơn phiên bản chiso này; chạy 'chiso run' một lần để nâng cấp")
    }

    static func newerSchema(_ display: String, version: String?, unknown: [String]) -> ConfigError {
        ConfigError(file: "--db", "kho dữ liệu \(display) do chiso \(version ?? "mới hơn") ghi (có bước nâng cấp lược đồ \(unknown.joined(separator: ", ")) mà chiso \(ChiSoVersion.current) này không biết); dùng phiên bản chiso đó hoặc mới hơn, không ghi đè")
    }
}

/// A PostgreSQL connection URI as given, and the same without its password for anything shown or stored.
/// libpq reads the password from the URI, `PGPASSWORD` or `~/.pgpass`; chiso never prints it.
public struct PostgresAddress: Sendable, Equatable {
    /// Passed to libpq as is.
    let uri: String
    /// The URI with the password (in the user part or a `password=` parameter) removed.
    public let redacted: String

    init(uri: String) {
        self.uri = uri
        redacted = PostgresAddress.redact(uri)
    }

    /// Drops `:password` from `scheme://user:password@host…` and any `password=` query parameter.
    public static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        var out = String(text[..<scheme.upperBound])
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let user = authority[..<at]
            out += user.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            out += authority[at...]
        } else {
            out += authority
        }
        var tail = String(rest[authorityEnd...])
        if let q = tail.firstIndex(of: "?") {
            let kept = tail[tail.index(after: q)...].split(separator: "&").filter { !$0.lowercased().hasPrefix("password=") }
            tail = String(tail[..<q]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        }
        return out + tail
    }

    /// Any PostgreSQL URI in `text` (a command line, an error) with its password removed.
    public static func redactAll(in text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word in
            let w = String(word)
            guard let r = w.range(of: "postgres") else { return w }
            return String(w[..<r.lowerBound]) + redact(String(w[r.lowerBound...]))
        }.joined(separator: " ")
    }
}
