/// How serious a data-quality finding is (Mức độ).
public enum Severity: String, Sendable, Codable, Comparable {
    case error, warning, info

    /// Errors sort before warnings.
    public static func < (a: Severity, b: Severity) -> Bool {
        let order: [Severity] = [.error, .warning, .info]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// The inputs a finding can come from, in the order `chat-luong-du-lieu.csv` lists them.
public enum SourceKind: String, Sendable, Codable, CaseIterable, Comparable {
    case units, dossiers, late, postal, digitized, targets, external
    /// The crosswalk of a reorganization (SPEC 10.2): configuration, like the registry.
    case lineage

    /// Sources sort in reading order (registry first).
    public static func < (a: SourceKind, b: SourceKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Every finding code chiso reports, with its severity.
public enum FindingCode: String, Sendable, Codable {
    // File-level errors (the file fails).
    case encoding, syntax, noHeader = "no_header", missingColumn = "missing_column"
    case tooManyBadRows = "too_many_bad_rows"
    // Row quarantines (errors).
    case badFieldCount = "bad_field_count", missingValue = "missing_value", badDate = "bad_date"
    case badBoolean = "bad_boolean", unknownUnit = "unknown_unit", badStatus = "bad_status"
    case badChannel = "bad_channel", badDirection = "bad_direction", badDelivery = "bad_delivery"
    case missingFinishedAt = "missing_finished_at", dateOrder = "date_order", badNumber = "bad_number"
    // Warnings.
    case badTrackingCode = "bad_tracking_code", orphanRecord = "orphan_record", unitMismatch = "unit_mismatch"
    case lateListMismatch = "late_list_mismatch", lateUnlisted = "late_unlisted"
    case postalChannelMismatch = "postal_channel_mismatch", unknownReferenceUnit = "unknown_reference_unit"
    // Reorganizations (SPEC 10.3).
    case unitInactiveOnDate = "unit_inactive_on_date", retiredUnit = "retired_unit"
    // Headers.
    case conflictingColumns = "conflicting_columns"
    // Reconciliation with the portal's published scores.
    case portalMismatch = "portal_mismatch"
    // Information.
    case duplicateReplaced = "duplicate_replaced", splitUnit = "split_unit"
}

/// One line of `chat-luong-du-lieu.csv`.
public struct Finding: Sendable, Equatable {
    /// Error (the row or file was rejected) or warning (kept).
    public var severity: Severity
    /// The stable code analysts filter on (`bad_date`, `unknown_unit`…).
    public var code: FindingCode
    /// The source the row came from.
    public var source: SourceKind
    /// Path relative to the pipeline file, `/`-separated.
    public var file: String
    /// 1-based physical line; nil for a finding about the whole file.
    public var line: Int?
    /// The column's key (e.g. `received_at`), or empty.
    public var column: String
    /// The cell as read.
    public var value: String
    /// The dossier concerned, when known.
    public var dossierID: String
    /// The unit concerned, when known.
    public var unitCode: String
    /// For people, in Vietnamese.
    public var message: String

    /// A finding at a file, line and column.
    public init(_ severity: Severity, _ code: FindingCode, source: SourceKind, file: String, line: Int?,
                column: String = "", value: String = "", dossierID: String = "", unitCode: String = "",
                message: String) {
        self.severity = severity
        self.code = code
        self.source = source
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.dossierID = dossierID
        self.unitCode = unitCode
        self.message = message
    }

    /// SPEC 7.1's order: source, file, line (empty last), code, dossier_id.
    public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.source != b.source { return a.source < b.source }
        if a.file != b.file { return a.file.utf8.lexicographicallyPrecedes(b.file.utf8) }
        switch (a.line, b.line) {
        case let (x?, y?) where x != y: return x < y
        case (nil, _?): return false
        case (_?, nil): return true
        default: break
        }
        if a.code != b.code { return a.code.rawValue.utf8.lexicographicallyPrecedes(b.code.rawValue.utf8) }
        return a.dossierID.utf8.lexicographicallyPrecedes(b.dossierID.utf8)
    }

    /// The positions of `findings` in ``reportOrder``, equal keys in reading order. Source, file and code
    /// are ranked once (a few distinct values each) and the positions sorted on those integers and the
    /// line; the dossier ids are compared only where all of those tie, which is rare. Sorting the findings
    /// themselves copied a finding's strings at every comparison (a tenth of a report over 7,000
    /// findings); ranking every id too hashed each one byte by byte (17 ms of a 5M night's report).
    public static func reportPermutation(_ findings: [Finding]) -> [Int] {
        func ranks<K: Hashable>(_ keys: some Sequence<K>, by precedes: (K, K) -> Bool) -> [Int] {
            var rank: [K: Int] = [:]
            for k in keys where rank[k] == nil { rank[k] = 0 }
            for (i, k) in rank.keys.sorted(by: precedes).enumerated() { rank[k] = i }
            return keys.map { rank[$0]! }
        }
        let sources = ranks(findings.lazy.map(\.source), by: <)
        let files = ranks(findings.lazy.map(\.file)) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let codes = ranks(findings.lazy.map(\.code.rawValue)) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let keys = findings.indices.map { i in
            ReportKey(source: sources[i], file: files[i], line: findings[i].line ?? Int.max, code: codes[i], position: i)
        }
        return keys.sorted { a, b in
            if (a.source, a.file, a.line, a.code) != (b.source, b.file, b.line, b.code) {
                return (a.source, a.file, a.line, a.code) < (b.source, b.file, b.line, b.code)
            }
            let x = findings[a.position].dossierID.utf8, y = findings[b.position].dossierID.utf8
            if !x.elementsEqual(y) { return x.lexicographicallyPrecedes(y) }
            return a.position < b.position
        }.map(\.position)
    }
}

/// A finding's place in ``Finding/reportOrder`` as integers (a missing line last) but for its dossier id,
/// and its position.
private struct ReportKey {
    var source: Int, file: Int, line: Int, code: Int, position: Int
}

/// A row that failed a rule: its one error finding (SPEC 2.1: the first failure).
public struct RowRejection: Error, Sendable {
    /// The code the finding will carry.
    public var code: FindingCode
    /// The column (canonical key) at fault.
    public var column: String
    /// The cell as read.
    public var value: String
    /// What is wrong, in Vietnamese.
    public var message: String

    /// Every stored property, as the shell's loaders build it.
    package init(code: FindingCode, column: String, value: String, message: String) {
        self.code = code
        self.column = column
        self.value = value
        self.message = message
    }
}

extension FindingCode {
    /// What the code means, in Vietnamese, for summaries people read (the CSVs keep the code).
    public var meaning: String {
        switch self {
        case .encoding: return "tệp sai bảng mã (không phải UTF-8/UTF-16 hợp lệ)"
        case .syntax: return "tệp sai cú pháp CSV (dấu ngoặc kép)"
        case .noHeader: return "tệp không có dòng tiêu đề"
        case .missingColumn: return "thiếu cột bắt buộc"
        case .tooManyBadRows: return "quá nhiều dòng lỗi trong tệp"
        case .badFieldCount: return "dòng có số cột khác dòng tiêu đề"
        case .missingValue: return "thiếu giá trị bắt buộc"
        case .badDate: return "ngày không đọc được"
        case .badBoolean: return "giá trị có/không không hợp lệ"
        case .unknownUnit: return "mã đơn vị không có trong danh mục"
        case .badStatus: return "trạng thái hồ sơ không hợp lệ"
        case .badChannel: return "kênh nộp không hợp lệ"
        case .badDirection: return "chiều BCCI không hợp lệ"
        case .badDelivery: return "trạng thái phát không hợp lệ"
        case .missingFinishedAt: return "hồ sơ đã kết thúc nhưng thiếu ngày có kết quả"
        case .dateOrder: return "ngày trước ngày tiếp nhận"
        case .badNumber: return "không phải số"
        case .badTrackingCode: return "mã bưu gửi sai dạng"
        case .orphanRecord: return "dòng không khớp hồ sơ hợp lệ nào"
        case .unitMismatch: return "mã đơn vị khác đơn vị của hồ sơ"
        case .lateListMismatch: return "có trong danh sách trễ hạn nhưng không trễ hạn"
        case .lateUnlisted: return "trễ hạn nhưng không có trong danh sách trễ hạn"
        case .postalChannelMismatch: return "có lượt BCCI nhưng kênh nộp không phải BCCI"
        case .unknownReferenceUnit: return "tệp tham chiếu có mã đơn vị lạ"
        case .unitInactiveOnDate: return "mã đơn vị hết hiệu lực vào ngày tiếp nhận"
        case .retiredUnit: return "đơn vị giải thể, không có đơn vị kế thừa"
        case .duplicateReplaced: return "dòng trùng, dòng sau thay dòng trước"
        case .splitUnit: return "đơn vị chia tách, hồ sơ về đơn vị nhận hồ sơ"
        case .conflictingColumns: return "nhiều cột cùng một ý nghĩa; dùng cột đầu tiên"
        case .portalMismatch: return "điểm chiso tính khác điểm cổng quốc gia công bố quá mức cho phép"
        }
    }
}

extension Severity {
    /// Lỗi / Cảnh báo / Thông tin.
    public var label: String {
        switch self {
        case .error: return "Lỗi"
        case .warning: return "Cảnh báo"
        case .info: return "Thông tin"
        }
    }
}
