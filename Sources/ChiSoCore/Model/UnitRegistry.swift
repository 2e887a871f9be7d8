/// An agency that receives and resolves dossiers (đơn vị): a department, a district or a commune.
/// One row of the units registry; since the 2025 reorganization a code may have several rows, one per
/// holder, with non-overlapping validity (SPEC 10.1).
public struct Unit: Sendable, Equatable {
    /// Trimmed and upper-cased, e.g. `000.00.12.H48`.
    public let code: String
    /// The unit's name (tên đơn vị).
    public let name: String
    /// The pipeline tier's key; empty for a row whose tier the pipeline does not declare (a district row
    /// kept only to be resolved through the crosswalk, SPEC 10.5).
    public let tier: String
    /// The code of the unit above it, if given.
    public let parentCode: String?
    /// First day the row is valid (`Hiệu lực từ`); nil = unbounded.
    public let validFrom: Day?
    /// Last day the row is valid (`Hiệu lực đến`); nil = unbounded.
    public let validTo: Day?
    /// The registry line the row was read from (0 when unknown), for findings that point at it.
    public let line: Int

    /// A registry row. Validity defaults to unbounded, as in a registry without validity columns.
    public init(code: String, name: String, tier: String, parentCode: String?, validFrom: Day? = nil, validTo: Day? = nil,
                line: Int = 0) {
        self.code = code
        self.name = name
        self.tier = tier
        self.parentCode = parentCode
        self.validFrom = validFrom
        self.validTo = validTo
        self.line = line
    }

    /// Active on `day`: valid_from ≤ day ≤ valid_to (SPEC 10.1).
    public func isActive(on day: Day) -> Bool {
        (validFrom.map { $0 <= day } ?? true) && (validTo.map { day <= $0 } ?? true)
    }
}

/// Danh mục đơn vị: the units registry (SPEC 1, 10.1). Configuration: any bad row is an error (exit 2).
///
/// `units` holds every row in file order. A code with several rows (a reused code) is resolved to the
/// row that holds it on a given day; the *reporting units* are the rows active on the period's last day.
/// Without validity columns every code has one row and every row is a reporting unit, as before 2025.
public struct UnitRegistry: Sendable {
    /// Every registry row in file order (several per code when a code was reused).
    public private(set) var units: [Unit] = []
    /// Distinct codes → code id (ids in order of first appearance).
    private var lookup = ByteTable(capacity: 256)
    /// Per code id: its rows, in file order.
    private var rowsOfCode: [[Int]] = []
    /// Per row: its code id.
    private var codeOfRow: [Int] = []
    /// Per code id: the row the code means on the reporting day (see ``index(of:)``).
    private var rowOnReportingDay: [Int] = []
    /// Per row: whether it is a reporting unit.
    public private(set) var isReporting: [Bool] = []
    /// True when the registry file had a validity column: rows are then resolved by date.
    public private(set) var hasValidity = false
    /// The day reporting units are active on (the period's `to`); nil = every row reports.
    public private(set) var reportingDay: Day?
    /// The registry file as read.
    public private(set) var file = FileReport(source: .units, file: "", size: 0, sha256: "", encoding: .utf8,
                                              delimiter: "", rows: 0, quarantined: 0, failed: false)

    /// A registry of the given rows; with `reportingDay`, only rows active that day are reporting units.
    public init(units: [Unit], reportingDay: Day? = nil, hasValidity: Bool? = nil) {
        self.hasValidity = hasValidity ?? units.contains { $0.validFrom != nil || $0.validTo != nil }
        self.reportingDay = self.hasValidity ? reportingDay : nil
        for (row, u) in units.enumerated() {
            let (id, inserted) = lookup.insert(u.code)
            if inserted { rowsOfCode.append([]) }
            rowsOfCode[id].append(row)
            codeOfRow.append(id)
            self.units.append(u)
        }
        isReporting = units.map { u in self.reportingDay.map { u.isActive(on: $0) } ?? true }
        rowOnReportingDay = rowsOfCode.indices.map { id in
            guard let day = self.reportingDay else { return rowsOfCode[id][0] }
            return Self.resolve(rowsOfCode[id], units, on: day).row
        }
    }

    /// The row a code means as of the period's last day: its holder then, or by the fallback of SPEC 10.3.
    /// For a code with one row, that row. References (`targets`, `external`) and per-unit results use it.
    @inline(__always)
    package func index(ofCode code: FieldBytes) -> Int? { lookup.find(code).map { rowOnReportingDay[$0] } }

    /// ``index(ofCode:)`` for a string.
    public func index(of code: String) -> Int? { lookup.find(code).map { rowOnReportingDay[$0] } }

    /// The code id of a code (equal for every row of a reused code).
    @inline(__always)
    package func codeID(ofCode code: FieldBytes) -> Int? { lookup.find(code) }

    /// The code id of a row.
    public func codeID(ofRow row: Int) -> Int { codeOfRow[row] }

    /// The rows of a code id, in file order.
    public func rows(ofCodeID id: Int) -> [Int] { rowsOfCode[id] }

    /// The row of code `id` for a dossier received on `day` (SPEC 10.3): the holder that day; with no
    /// holder, the row with the latest `valid_from` ≤ day, or else the earliest row (`active` false then).
    @inline(__always)
    public func resolve(codeID id: Int, on day: Day) -> (row: Int, active: Bool) {
        let rows = rowsOfCode[id]
        if !hasValidity { return (rows[0], true) }
        return Self.resolve(rows, units, on: day)
    }

    /// The holder of a code on `day` (its row active that day), if any.
    public func holder(of code: String, on day: Day) -> Int? {
        guard let id = lookup.find(code) else { return nil }
        let r = resolve(codeID: id, on: day)
        return r.active ? r.row : nil
    }

    static func resolve(_ rows: [Int], _ units: [Unit], on day: Day) -> (row: Int, active: Bool) {
        if let active = rows.first(where: { units[$0].isActive(on: day) }) { return (active, true) }
        var latest: Int?
        var earliest = rows[0]
        for r in rows {
            let from = units[r].validFrom ?? Day.min
            if from <= day, latest.map({ (units[$0].validFrom ?? Day.min) < from }) ?? true { latest = r }
            if from < (units[earliest].validFrom ?? Day.min) { earliest = r }
        }
        return (latest ?? earliest, false)
    }

    /// Indices of the reporting units, in registry order.
    public var reportingRows: [Int] { units.indices.filter { isReporting[$0] } }

    /// The registry of the reporting units alone (same order), which indices, awards and outputs use;
    /// the registry itself when every row reports (no validity columns), so outputs stay as before.
    public func reportingRegistry() -> UnitRegistry {
        if isReporting.allSatisfy({ $0 }) { return self }
        var r = UnitRegistry(units: reportingRows.map { units[$0] }, reportingDay: reportingDay, hasValidity: hasValidity)
        r.file = file
        return r
    }

    /// Sets the file report (the warehouse keeps it apart from the rows).
    package mutating func setFile(_ report: FileReport) { file = report }
}
