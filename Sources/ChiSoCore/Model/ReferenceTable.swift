/// Chỉ tiêu giao (`targets`) or indices measured elsewhere (`external`, e.g. PAR INDEX, DTI, SIPAS):
/// one number per unit and key (SPEC 2).
public struct ReferenceTable: Sendable {
    /// Keys in header order, normalized like headers.
    public package(set) var keys: [String] = []
    /// Values per key, per unit index.
    package var values: [String: [Int: Double]] = [:]
    /// The file it was read from (nil when loaded from the warehouse).
    public package(set) var file: FileReport?

    /// A table with no keys.
    public init() {}

    /// A table of `values` by key and unit row, keys sorted (tests).
    public init(values: [String: [Int: Double]]) {
        self.values = values
        keys = values.keys.sorted()
    }

    /// A table with its keys in header order (as the warehouse stores it).
    public init(keys: [String], values: [String: [Int: Double]]) {
        self.keys = keys
        self.values = values
    }

    /// The value of `key` for registry row `unit`; nil when the file had none.
    public func value(unit: Int, key: String) -> Double? { values[key]?[unit] }

    /// Every value of one key, by unit index.
    public func valuesOf(_ key: String) -> [Int: Double] { values[key] ?? [:] }

    /// Whether the file had a `key` column.
    public func has(_ key: String) -> Bool { values[key] != nil }

    /// Throws a configuration error at the file's header when a key the pipeline uses (`target.KEY`,
    /// `external.KEY`) is not one of its columns, naming the missing keys and the columns it has.
    public func requireKeys(_ used: some Collection<String>, of kind: SourceKind, config: PipelineConfig) throws {
        let missing = used.filter { !has($0) }.sorted()
        guard !missing.isEmpty, let path = kind == .targets ? config.sources.targets : config.sources.external else { return }
        let prefix = kind == .targets ? "target" : "external"
        throw ConfigError(file: config.display(config.resolve(path)), line: 1,
                          "thiếu cột \(missing.joined(separator: ", ")) mà \(config.path) dùng (\(prefix).KEY); tệp có: \(keys.joined(separator: ", "))")
    }

}
