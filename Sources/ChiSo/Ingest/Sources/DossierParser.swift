/// Parses one row of a `dossiers` export (SPEC 2.2), checking columns in the table's order.
struct DossierParser {
    private let col: [Int?]
    private var status = EnumMatcher(names: DossierStatus.names,
                                     codes: Dictionary(uniqueKeysWithValues: DossierStatus.allCases.map { (Int($0.rawValue), $0) }))
    private var channel = EnumMatcher(names: Channel.names, codes: [1: .direct, 2: .online, 3: .postal])
    private var level = EnumMatcher(names: OnlineLevel.fullNames, codes: OnlineLevel.fullCodes)
    private var boolean = EnumMatcher(names: PortalBoolean.names)
    private var upper = [UInt8](repeating: 0, count: 64)
    /// Set by ``parse(_:registry:ref:)``: the last dossier's code had no holder on its received date.
    private(set) var receivedUnderInactiveCode = false

    init(columns: ColumnMap) {
        col = ColumnCatalog.dossiers.map { columns[$0.key] }
    }

    // Positions in ColumnCatalog.dossiers.
    private static let id = 0, unit = 1, received = 2, due = 3, finished = 4, status = 5, channel = 6,
                       level = 7, fee = 8, paid = 9

    /// The dossier id cell (trimmed) of a row.
    func idCell(_ row: ExportRow) -> FieldBytes { row.cell(col[Self.id]) }

    mutating func parse(_ row: ExportRow, registry: UnitRegistry, ref: RowRef) throws -> Dossier {
        let spec = ColumnCatalog.dossiers
        let col = self.col
        func reject(_ i: Int, _ code: FindingCode, _ message: String) -> RowRejection {
            RowRejection(code: code, column: spec[i].key, value: row.raw(col[i]), message: message)
        }
        if idCell(row).isEmpty { throw RowRejection.missing("dossier_id", row.raw(col[Self.id])) }

        let unitCell = row.cell(col[Self.unit])
        if unitCell.isEmpty { throw RowRejection.missing("unit_code", row.raw(col[Self.unit])) }
        guard let code = lookupUnit(unitCell, registry) else {
            throw reject(Self.unit, .unknownUnit, "Mã đơn vị không có trong danh mục đơn vị")
        }

        let receivedCell = row.cell(col[Self.received])
        if receivedCell.isEmpty { throw RowRejection.missing("received_at", row.raw(col[Self.received])) }
        guard let received = PortalDate.parse(receivedCell) else {
            throw reject(Self.received, .badDate, "Ngày tiếp nhận không đọc được (dùng d/M/yyyy, yyyy-MM-dd hoặc yyyyMMddHHmmss)")
        }
        let due = try optionalDate(row, Self.due, reject)
        let finished = try optionalDate(row, Self.finished, reject)

        let statusCell = row.cell(col[Self.status])
        if statusCell.isEmpty { throw RowRejection.missing("status", row.raw(col[Self.status])) }
        guard let status = status.match(statusCell) else {
            throw reject(Self.status, .badStatus, "Trạng thái hồ sơ không thuộc bảng mã 1–10")
        }

        let channelCell = row.cell(col[Self.channel])
        var ch = Channel.direct
        if !channelCell.isEmpty {
            guard let c = channel.match(channelCell) else {
                throw reject(Self.channel, .badChannel, "Kênh nộp không hợp lệ (Trực tiếp, Trực tuyến, BCCI hoặc 1–3)")
            }
            ch = c
        }
        let levelCell = row.cell(col[Self.level])
        let full = levelCell.isEmpty ? false : (level.match(levelCell) ?? false)
        let fee = try bool(row, Self.fee, reject)
        let paid = try bool(row, Self.paid, reject)

        if status.isFinished && finished == nil {
            throw RowRejection(code: .missingFinishedAt, column: "finished_at", value: row.raw(col[Self.finished]),
                               message: "Hồ sơ đã kết thúc (trạng thái \(status.rawValue)) nhưng không có ngày có kết quả")
        }
        if let f = finished, f < received {
            throw RowRejection(code: .dateOrder, column: "finished_at", value: row.raw(col[Self.finished]),
                               message: "Ngày có kết quả trước ngày tiếp nhận")
        }
        if let d = due, d < received {
            throw RowRejection(code: .dateOrder, column: "due_at", value: row.raw(col[Self.due]),
                               message: "Ngày hẹn trả trước ngày tiếp nhận")
        }
        // The code's holder on the day the dossier was received (SPEC 10.3).
        let (unit, active) = registry.resolve(codeID: code, on: received)
        receivedUnderInactiveCode = !active
        return Dossier(unit: unit, received: received, due: due, finished: finished, status: status, channel: ch,
                       fullOnline: full, feeRequired: fee, paidOnline: paid, ref: ref)
    }

    private func optionalDate(_ row: ExportRow, _ i: Int, _ reject: (Int, FindingCode, String) -> RowRejection) throws -> Day? {
        let cell = row.cell(col[i])
        if cell.isEmpty { return nil }
        guard let d = PortalDate.parse(cell) else {
            throw reject(i, .badDate, "Ngày không đọc được (dùng d/M/yyyy, yyyy-MM-dd hoặc yyyyMMddHHmmss)")
        }
        return d
    }

    private mutating func bool(_ row: ExportRow, _ i: Int, _ reject: (Int, FindingCode, String) -> RowRejection) throws -> Bool {
        let cell = row.cell(col[i])
        if cell.isEmpty { return false }
        guard let b = boolean.match(cell) else {
            throw reject(i, .badBoolean, "Giá trị có/không không hợp lệ (có, x, 1, true, đã / không, 0, false, chưa)")
        }
        return b
    }

    /// Upper-cases ASCII in a scratch buffer and looks the code's id up without making a string.
    private mutating func lookupUnit(_ cell: FieldBytes, _ registry: UnitRegistry) -> Int? {
        UnitCodeLookup.findCode(cell, registry, scratch: &upper)
    }

    /// The unit code cell as read, for findings.
    func unitRaw(_ row: ExportRow) -> String { row.raw(col[Self.unit]) }
}

/// Finds a unit code cell (already trimmed) in the registry, upper-casing it as SPEC 1 says.
enum UnitCodeLookup {
    /// The row the code means as of the period's end (``UnitRegistry/index(ofCode:)``).
    static func find(_ cell: FieldBytes, _ registry: UnitRegistry, scratch: inout [UInt8]) -> Int? {
        upperCased(cell, scratch: &scratch, slow: { registry.index(of: $0) }) { registry.index(ofCode: $0) }
    }

    /// The code's id (shared by every row of a reused code).
    static func findCode(_ cell: FieldBytes, _ registry: UnitRegistry, scratch: inout [UInt8]) -> Int? {
        upperCased(cell, scratch: &scratch, slow: { code in FieldBytes.of(code) { registry.codeID(ofCode: $0) } }) {
            registry.codeID(ofCode: $0)
        }
    }

    @inline(__always)
    private static func upperCased(_ cell: FieldBytes, scratch: inout [UInt8], slow: (String) -> Int?,
                                   _ fast: (FieldBytes) -> Int?) -> Int? {
        guard ByteText.isASCII(cell), cell.count <= scratch.count else {
            return slow(ByteText.unitCode(ByteText.string(cell)))
        }
        for i in 0..<cell.count {
            let b = cell[i]
            scratch[i] = b >= 0x61 && b <= 0x7A ? b - 0x20 : b
        }
        return FieldBytes.of(scratch, prefix: cell.count, fast)
    }

    /// The trimmed, upper-cased code as a string (for findings and comparisons of linked rows).
    static func normalized(_ cell: FieldBytes) -> String {
        ByteText.unitCode(ByteText.string(cell))
    }
}
