/// One row of the reorganization crosswalk (danh mục sắp xếp đơn vị, SPEC 10.2), resolved to registry rows.
public struct Succession: Sendable, Equatable {
    /// The registry row that held `oldCode` the day before `effective`.
    public let predecessor: Int
    /// The registry row that holds `newCode` on `effective`.
    public let successor: Int
    /// Ngày hiệu lực: the first day of the new arrangement.
    public let effective: Day
    /// Nhận hồ sơ: for a split, the successor that takes over the predecessor's dossiers.
    public let primary: Bool
    /// The crosswalk line, for errors and for `explain`.
    public let line: Int
    public let oldCode: String
    public let newCode: String

    /// A crosswalk row; tests build them inline.
    public init(predecessor: Int, successor: Int, effective: Day, primary: Bool, line: Int, oldCode: String, newCode: String) {
        self.predecessor = predecessor
        self.successor = successor
        self.effective = effective
        self.primary = primary
        self.line = line
        self.oldCode = oldCode
        self.newCode = newCode
    }
}

/// The crosswalk of a reorganization (`sources.lineage`): configuration, read like the registry, so that
/// every bad row is an error (exit 2) naming file, line and column.
public struct Crosswalk: Sendable {
    /// Rows in file order.
    public var successions: [Succession]
    /// The file as read (nil for an inline crosswalk in tests).
    public var file: FileReport?

    /// A crosswalk of already resolved rows.
    public init(successions: [Succession], file: FileReport? = nil) {
        self.successions = successions
        self.file = file
    }

    /// Reads `sources.lineage` against the registry. Errors (SPEC 10.2, 10.6): a missing or unreadable
    /// cell; a code without a holder on its day; a predecessor whose rows name different dates; a split
    /// with no or several primary successors; a cycle along the edges that attribution follows.
    /// - Throws: ``ConfigErrors`` with every error found.
    public static func load(config: PipelineConfig, registry: UnitRegistry) throws -> Crosswalk? {
        guard let relative = config.sources.lineage else { return nil }
        let path = try config.requireFile(.lineage, relative)
        let display = config.display(path)
        var errors: [ConfigError] = []
        var rows: [Succession] = []
        var columns: [Int?] = []
        var boolean = EnumMatcher(names: PortalBoolean.names)
        let reader = ExportFileReader(source: .lineage, specs: ColumnCatalog.lineage, aliases: [:],
                                      delimiter: config.sources.delimiter, maxBadRowRatio: 1)
        let (report, findings) = reader.read(path: path, display: display, begin: { map, _ in
            columns = ColumnCatalog.lineage.map { map[$0.key] }
        }, row: { row in
            func fail(_ c: Int, _ message: String) {
                errors.append(ConfigError(file: display, line: row.line, column: columns[c]! + 1, "danh mục sắp xếp đơn vị: " + message))
            }
            let oldCode = ByteText.unitCode(ByteText.string(row.cell(columns[0])))
            let newCode = ByteText.unitCode(ByteText.string(row.cell(columns[1])))
            if oldCode.isEmpty { return fail(0, "thiếu mã đơn vị cũ") }
            if newCode.isEmpty { return fail(1, "thiếu mã đơn vị mới") }
            let dateCell = row.cell(columns[2])
            if dateCell.isEmpty { return fail(2, "thiếu ngày hiệu lực") }
            guard let effective = PortalDate.parse(dateCell) else {
                return fail(2, "ngày hiệu lực '\(row.raw(columns[2]))' không đọc được (dùng d/M/yyyy hoặc yyyy-MM-dd)")
            }
            var primary = false
            if let c = columns[3], !row.cell(c).isEmpty {
                guard let b = boolean.match(row.cell(c)) else {
                    return fail(3, "giá trị '\(row.raw(c))' của cột nhận hồ sơ không phải có/không")
                }
                primary = b
            }
            guard let predecessor = registry.holder(of: oldCode, on: effective - 1) else {
                return fail(0, "mã \(oldCode) không có đơn vị nào giữ vào ngày \(PortalDate.iso(effective - 1)) (ngày trước ngày hiệu lực) trong danh mục đơn vị")
            }
            guard let successor = registry.holder(of: newCode, on: effective) else {
                return fail(1, "mã \(newCode) không có đơn vị nào giữ vào ngày hiệu lực \(PortalDate.iso(effective)) trong danh mục đơn vị")
            }
            rows.append(Succession(predecessor: predecessor, successor: successor, effective: effective, primary: primary,
                                   line: row.line, oldCode: oldCode, newCode: newCode))
        })
        for f in findings where f.severity == .error {
            errors.append(ConfigError(file: display, line: f.line, "danh mục sắp xếp đơn vị: \(f.message)"))
        }
        if errors.isEmpty {
            errors += shapeErrors(rows, registry: registry, display: display, columns: columns.map { $0.map { $0 + 1 } })
        }
        if !errors.isEmpty { throw ConfigErrors(errors: errors) }
        return Crosswalk(successions: rows, file: report)
    }

    /// The rules over several rows: one date per predecessor, one primary per split, no cycle.
    /// - Parameter columns: 1-based columns of old_code, new_code, effective, primary (nil if absent).
    static func shapeErrors(_ rows: [Succession], registry: UnitRegistry, display: String, columns: [Int?]) -> [ConfigError] {
        var errors: [ConfigError] = []
        let byPredecessor = Dictionary(grouping: rows.indices, by: { rows[$0].predecessor })
        for predecessor in byPredecessor.keys.sorted() {
            let group = byPredecessor[predecessor]!.map { rows[$0] }
            let code = registry.units[predecessor].code
            if let other = group.first(where: { $0.effective != group[0].effective }) {
                errors.append(ConfigError(file: display, line: other.line, column: columns[2],
                    "danh mục sắp xếp đơn vị: \(code) có ngày hiệu lực \(PortalDate.iso(other.effective)) khác dòng \(group[0].line) (\(PortalDate.iso(group[0].effective))); các dòng của một đơn vị cũ phải cùng một ngày"))
                continue
            }
            guard group.count > 1 else { continue }
            let primaries = group.filter(\.primary)
            if primaries.count != 1 {
                let lines = group.map { String($0.line) }.joined(separator: ", ")
                errors.append(ConfigError(file: display, line: (primaries.count > 1 ? primaries[1] : group[0]).line, column: columns[3],
                    "danh mục sắp xếp đơn vị: \(code) được chia cho \(group.count) đơn vị (dòng \(lines)) nên cần đúng một dòng có 'Nhận hồ sơ' = có; đang có \(primaries.count)"))
            }
        }
        if !errors.isEmpty { return errors }
        let reorganization = Reorganization(registry: registry, crosswalk: Crosswalk(successions: rows), lineageConfigured: true)
        for line in reorganization.cycleLines {
            let row = rows.first { $0.line == line }!
            errors.append(ConfigError(file: display, line: line, column: columns[1],
                "danh mục sắp xếp đơn vị: vòng lặp: theo các dòng sắp xếp, \(row.oldCode) lại quay về chính nó; sửa dòng này"))
        }
        return errors
    }
}
