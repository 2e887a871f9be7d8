/// A parsed row of `late`, `postal` or `digitized`: which dossier it is about and what it says.
struct LinkedRow {
    enum Payload {
        /// Hồ sơ trễ hạn: with or without a letter of apology.
        case late(apology: Bool)
        /// One BCCI leg.
        case postal(direction: PostalDirection, delivery: Delivery)
        /// Số hóa.
        case digitized(inputs: Bool, reused: Bool, eResult: Bool, eSigned: Bool)
    }
    var payload: Payload
    /// A non-quarantining warning about the row (bad tracking code).
    var warning: RowRejection?
}

/// Parses rows of the three exports that refer to dossiers (SPEC 2.3–2.5).
struct LinkedParser {
    let kind: SourceKind
    private let specs: [ColumnSpec]
    private let col: [Int?]
    private var boolean = EnumMatcher(names: PortalBoolean.names)
    private var direction = EnumMatcher(names: PostalDirection.names)
    private var delivery = EnumMatcher(names: Delivery.names)

    init(kind: SourceKind, columns: ColumnMap) {
        self.kind = kind
        specs = ColumnCatalog.columns(for: kind)
        col = specs.map { columns[$0.key] }
    }

    func idCell(_ row: ExportRow) -> FieldBytes { row.cell(col[0]) }
    func unitCell(_ row: ExportRow) -> FieldBytes { row.cell(col[1]) }
    func unitRaw(_ row: ExportRow) -> String { row.raw(col[1]) }
    /// The unit cell's bytes as read (``unitRaw(_:)`` before it is made a string).
    func unitRawCell(_ row: ExportRow) -> FieldBytes { row.rawCell(col[1]) }

    mutating func parse(_ row: ExportRow) throws -> LinkedRow {
        if idCell(row).isEmpty { throw RowRejection.missing("dossier_id", row.raw(col[0])) }
        if unitCell(row).isEmpty { throw RowRejection.missing("unit_code", row.raw(col[1])) }
        switch kind {
        case .late:
            return LinkedRow(payload: .late(apology: try bool(row, 2)))
        case .postal:
            let dirCell = row.cell(col[2])
            if dirCell.isEmpty { throw RowRejection.missing("direction", row.raw(col[2])) }
            guard let dir = direction.match(dirCell) else {
                throw reject(row, 2, .badDirection, "Chiều BCCI không hợp lệ (Tiếp nhận hồ sơ / Trả kết quả)")
            }
            var warning: RowRejection?
            let tracking = row.cell(col[3])
            if !tracking.isEmpty && !TrackingCode.isValid(tracking) {
                warning = RowRejection(code: .badTrackingCode, column: "tracking_code", value: row.raw(col[3]),
                                       message: "Mã bưu gửi không đúng dạng S10 (2 chữ, 8 số, 1 số kiểm tra, 2 chữ) hoặc sai số kiểm tra")
            }
            let sent = row.cell(col[4])
            if !sent.isEmpty && PortalDate.parse(sent) == nil {
                throw reject(row, 4, .badDate, "Ngày gửi không đọc được")
            }
            let delCell = row.cell(col[5])
            var del = Delivery.inTransit
            if !delCell.isEmpty {
                guard let d = delivery.match(delCell) else {
                    throw reject(row, 5, .badDelivery, "Trạng thái phát không hợp lệ (Phát thành công, Chuyển hoàn, Đang vận chuyển)")
                }
                del = d
            }
            return LinkedRow(payload: .postal(direction: dir, delivery: del), warning: warning)
        case .digitized:
            return LinkedRow(payload: .digitized(inputs: try bool(row, 2), reused: try bool(row, 3),
                                                 eResult: try bool(row, 4), eSigned: try bool(row, 5)))
        default:
            preconditionFailure("LinkedParser is for late, postal and digitized")
        }
    }

    private func reject(_ row: ExportRow, _ i: Int, _ code: FindingCode, _ message: String) -> RowRejection {
        RowRejection(code: code, column: specs[i].key, value: row.raw(col[i]), message: message)
    }

    private mutating func bool(_ row: ExportRow, _ i: Int) throws -> Bool {
        let cell = row.cell(col[i])
        if cell.isEmpty { return false }
        guard let b = boolean.match(cell) else {
            throw reject(row, i, .badBoolean, "Giá trị có/không không hợp lệ (có, x, 1, true, đã / không, 0, false, chưa)")
        }
        return b
    }
}
