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
    /// The code before the change, as written in the crosswalk.
    public let oldCode: String
    /// The code after the change.
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

    /// The rules over several rows: one date per predecessor, one primary per split, no cycle.
    /// - Parameter columns: 1-based columns of old_code, new_code, effective, primary (nil if absent).
    package static func shapeErrors(_ rows: [Succession], registry: UnitRegistry, display: String, columns: [Int?]) -> [ConfigError] {
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
