/// One column a source export can have (SPEC 2.2–2.5): its key, header aliases and whether it is required.
public struct ColumnSpec: Sendable {
    let key: String
    let aliases: [String]
    let required: Bool

    init(_ key: String, _ aliases: [String], required: Bool = false) {
        self.key = key
        self.aliases = aliases
        self.required = required
    }
}

/// The built-in columns of every source, in the order of SPEC's tables (also the order rows are checked in).
public enum ColumnCatalog {
    static let units: [ColumnSpec] = [
        ColumnSpec("unit_code", ["Mã đơn vị"], required: true),
        ColumnSpec("unit_name", ["Tên đơn vị"], required: true),
        ColumnSpec("tier", ["Cấp"], required: true),
        ColumnSpec("parent_code", ["Mã đơn vị cấp trên"]),
        ColumnSpec("valid_from", ["Hiệu lực từ", "Ngày thành lập"]),
        ColumnSpec("valid_to", ["Hiệu lực đến", "Ngày giải thể"]),
    ]

    /// The crosswalk of a reorganization (danh mục sắp xếp đơn vị, SPEC 10.2).
    public static let lineage: [ColumnSpec] = [
        ColumnSpec("old_code", ["Mã đơn vị cũ"], required: true),
        ColumnSpec("new_code", ["Mã đơn vị mới"], required: true),
        ColumnSpec("effective", ["Ngày hiệu lực"], required: true),
        ColumnSpec("primary", ["Nhận hồ sơ"]),
    ]

    static let dossiers: [ColumnSpec] = [
        ColumnSpec("dossier_id", ["Mã hồ sơ", "Số hồ sơ", "MaHoSo"], required: true),
        ColumnSpec("unit_code", ["Mã đơn vị", "Mã cơ quan", "DonViXuLy"], required: true),
        ColumnSpec("received_at", ["Ngày tiếp nhận", "Ngày nhận", "NgayTiepNhan"], required: true),
        ColumnSpec("due_at", ["Ngày hẹn trả", "NgayHenTra"]),
        ColumnSpec("finished_at", ["Ngày có kết quả", "Ngày kết thúc xử lý", "NgayKetThucXuLy"]),
        ColumnSpec("status", ["Trạng thái", "TrangThaiHoSo"], required: true),
        ColumnSpec("channel", ["Kênh nộp", "Hình thức nộp", "KenhThucHien"]),
        ColumnSpec("online_level", ["Mức độ", "Mức độ DVC"]),
        ColumnSpec("fee_required", ["Có phí", "Nghĩa vụ tài chính"]),
        ColumnSpec("paid_online", ["Thanh toán trực tuyến", "DuocThanhToanTrucTuyen"]),
        ColumnSpec("procedure_code", ["Mã TTHC"]),
        ColumnSpec("procedure_name", ["Tên TTHC"]),
        ColumnSpec("field", ["Lĩnh vực"]),
        ColumnSpec("unit_name", ["Tên đơn vị"]),
    ]

    static let late: [ColumnSpec] = [
        ColumnSpec("dossier_id", ["Mã hồ sơ", "Số hồ sơ"], required: true),
        ColumnSpec("unit_code", ["Mã đơn vị"], required: true),
        ColumnSpec("apology", ["Có văn bản xin lỗi", "Xin lỗi", "Phiếu xin lỗi"]),
        ColumnSpec("reason", ["Lý do trễ hạn", "Nguyên nhân"]),
        ColumnSpec("days_late", ["Số ngày trễ"]),
    ]

    static let postal: [ColumnSpec] = [
        ColumnSpec("dossier_id", ["Mã hồ sơ", "Số hồ sơ"], required: true),
        ColumnSpec("unit_code", ["Mã đơn vị"], required: true),
        ColumnSpec("direction", ["Chiều", "Loại dịch vụ", "Nghiệp vụ"], required: true),
        ColumnSpec("tracking_code", ["Mã bưu gửi", "Số hiệu bưu gửi"]),
        ColumnSpec("sent_at", ["Ngày gửi", "Ngày chấp nhận"]),
        ColumnSpec("delivery", ["Trạng thái phát", "Kết quả phát"]),
    ]

    static let digitized: [ColumnSpec] = [
        ColumnSpec("dossier_id", ["Mã hồ sơ", "Số hồ sơ"], required: true),
        ColumnSpec("unit_code", ["Mã đơn vị"], required: true),
        ColumnSpec("digitized_inputs", ["Số hóa thành phần hồ sơ", "Có số hóa TPHS"]),
        ColumnSpec("reused", ["Tái sử dụng", "Có tái sử dụng"]),
        ColumnSpec("e_result", ["Kết quả điện tử", "Số hóa kết quả", "Đã số hóa kết quả"]),
        ColumnSpec("e_signed", ["Ký số", "Kết quả ký số"]),
    ]

    /// The catalog of a source (references have only their unit column here; their value columns are free).
    public static func columns(for source: SourceKind) -> [ColumnSpec] {
        switch source {
        case .units: return units
        case .dossiers: return dossiers
        case .late: return late
        case .postal: return postal
        case .digitized: return digitized
        case .targets, .external: return [ColumnSpec("unit_code", ["Mã đơn vị"], required: true)]
        case .lineage: return lineage
        }
    }
}

/// Where each key's column is in one file's header.
public struct ColumnMap: Sendable {
    /// Column index per key, for the keys found.
    public private(set) var index: [String: Int] = [:]
    /// Required keys with no column.
    public private(set) var missing: [String] = []
    /// Keys that more than one column could stand for (two aliases present, or one name twice): the
    /// column used and the ones left aside, so that the reader can warn.
    public private(set) var conflicts: [(key: String, used: Int, ignored: [Int])] = []
    let headerCount: Int

    /// Resolves columns: the pipeline's aliases first, then the built-in ones in order, then the key
    /// itself; for one name the leftmost column wins.
    public init(header: [String], specs: [ColumnSpec], extraAliases: [String: [String]] = [:]) {
        headerCount = header.count
        var columns: [String: [Int]] = [:]
        for (i, name) in header.enumerated() {
            columns[ByteText.normalizedKey(name), default: []].append(i)
        }
        for spec in specs {
            let names = (extraAliases[spec.key] ?? []) + spec.aliases + [spec.key]
            // The first name found wins, and for one name the leftmost column (SPEC 2.1).
            if let found = names.lazy.compactMap({ columns[ByteText.normalizedKey($0)]?.first }).first {
                index[spec.key] = found
                var all: Set<Int> = []
                for n in names { all.formUnion(columns[ByteText.normalizedKey(n)] ?? []) }
                all.remove(found)
                if !all.isEmpty { conflicts.append((spec.key, found, all.sorted())) }
            } else if spec.required {
                missing.append(spec.key)
            }
        }
    }

    subscript(key: String) -> Int? { index[key] }
}
