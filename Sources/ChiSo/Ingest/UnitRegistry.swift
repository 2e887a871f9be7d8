/// An agency that receives and resolves dossiers (đơn vị): a department, a district or a commune.
public struct Unit: Sendable, Equatable {
    /// Trimmed and upper-cased, e.g. `000.00.12.H48`.
    public let code: String
    public let name: String
    /// The pipeline tier's key.
    public let tier: String
    public let parentCode: String?
}

/// Danh mục đơn vị: the units registry (SPEC 1). Configuration: any bad row is an error (exit 2).
public struct UnitRegistry: Sendable {
    public private(set) var units: [Unit] = []
    private var lookup = ByteTable(capacity: 256)
    public private(set) var file = FileReport(source: .units, file: "", size: 0, sha256: "", encoding: .utf8,
                                              delimiter: "", rows: 0, quarantined: 0, failed: false)

    public init(units: [Unit]) {
        for u in units { lookup.insert(u.code); self.units.append(u) }
    }

    /// The index of a unit by its (already trimmed and upper-cased) code bytes.
    @inline(__always)
    public func index(ofCode code: UnsafeBufferPointer<UInt8>) -> Int? { lookup.find(code) }

    public func index(of code: String) -> Int? { lookup.find(code) }

    /// Reads the registry CSV named in the pipeline file.
    public static func load(config: PipelineConfig) throws -> UnitRegistry {
        let path = config.resolve(config.sources.units)
        let display = config.display(path)
        var units: [Unit] = []
        var errors: [ConfigError] = []
        let reader = ExportFileReader(source: .units, specs: ColumnCatalog.units,
                                      aliases: config.sources.aliases[.units] ?? [:],
                                      delimiter: config.sources.delimiter, maxBadRowRatio: 1)
        var columns: [Int?] = []
        var firstLine: [String: Int] = [:]
        let (report, findings) = reader.read(path: path, display: display, begin: { map, _ in
            columns = ColumnCatalog.units.map { map[$0.key] }
        }, row: { row in
            let code = ByteText.unitCode(ByteText.string(row.cell(columns[0])))
            let name = ByteText.string(row.cell(columns[1]))
            let tierText = ByteText.string(row.cell(columns[2]))
            let parent = ByteText.unitCode(ByteText.string(row.cell(columns[3])))
            func fail(_ column: Int, _ message: String) {
                errors.append(ConfigError(file: display, line: row.line, column: column + 1, message))
            }
            if code.isEmpty { return fail(columns[0]!, "danh mục đơn vị: thiếu mã đơn vị") }
            if name.isEmpty { return fail(columns[1]!, "danh mục đơn vị: thiếu tên đơn vị \(code)") }
            guard let tier = config.tier(matching: tierText) else {
                let known = config.tiers.map { "\($0.key) (\($0.label))" }.joined(separator: ", ")
                return fail(columns[2]!, "danh mục đơn vị: cấp '\(tierText)' của \(code) không khớp cấp nào của pipeline: \(known)")
            }
            if let first = firstLine[code] {
                return fail(columns[0]!, "danh mục đơn vị: mã đơn vị \(code) lặp lại (đã có ở dòng \(first))")
            }
            firstLine[code] = row.line
            units.append(Unit(code: code, name: name, tier: tier.key, parentCode: parent.isEmpty ? nil : parent))
        })
        // Field-count problems and file-level failures are configuration errors here too.
        for f in findings where f.severity == .error {
            errors.append(ConfigError(file: display, line: f.line, "danh mục đơn vị: \(f.message)"))
        }
        if units.count > Int(UInt16.max) {
            errors.append(ConfigError(file: display, "danh mục đơn vị có \(units.count) đơn vị, nhiều hơn mức tối đa \(UInt16.max)"))
        }
        if !errors.isEmpty { throw ConfigErrors(errors: errors) }
        var registry = UnitRegistry(units: units)
        registry.file = report
        return registry
    }
}
