/// The per-unit indicators of SPEC 4 (chỉ tiêu), in `chi-tieu.csv`'s column order.
public enum Indicator: String, CaseIterable, Sendable {
    case receivedTotal = "received_total"
    case carriedOver = "carried_over"
    case receivedNew = "received_new"
    case receivedOnline = "received_online"
    case receivedOnlineFull = "received_online_full"
    case receivedDirect = "received_direct"
    case receivedPostal = "received_postal"
    case finishedTotal = "finished_total"
    case finishedEarly = "finished_early"
    case finishedOnTime = "finished_on_time"
    case finishedLate = "finished_late"
    case openTotal = "open_total"
    case openInTime = "open_in_time"
    case openOverdue = "open_overdue"
    case lateTotal = "late_total"
    case lateApologized = "late_apologized"
    case feeDossiers = "fee_dossiers"
    case paidOnline = "paid_online"
    case postalIntake = "postal_intake"
    case postalReturn = "postal_return"
    case postalReturnDelivered = "postal_return_delivered"
    case digitizedInputs = "digitized_inputs"
    case reusedData = "reused_data"
    case eResults = "e_results"
    case digitizedFull = "digitized_full"
    case eSignedResults = "e_signed_results"

    /// The Vietnamese column header.
    public var label: String {
        switch self {
        case .receivedTotal: return "Tổng số hồ sơ tiếp nhận"
        case .carriedOver: return "Từ kỳ trước chuyển qua"
        case .receivedNew: return "Tiếp nhận trong kỳ"
        case .receivedOnline: return "Trực tuyến"
        case .receivedOnlineFull: return "Trực tuyến toàn trình"
        case .receivedDirect: return "Trực tiếp"
        case .receivedPostal: return "Qua BCCI"
        case .finishedTotal: return "Đã giải quyết"
        case .finishedEarly: return "Trước hạn"
        case .finishedOnTime: return "Đúng hạn"
        case .finishedLate: return "Quá hạn"
        case .openTotal: return "Đang giải quyết"
        case .openInTime: return "Trong hạn"
        case .openOverdue: return "Quá hạn (đang giải quyết)"
        case .lateTotal: return "Tổng hồ sơ trễ hạn"
        case .lateApologized: return "Trễ hạn có văn bản xin lỗi"
        case .feeDossiers: return "Hồ sơ có nghĩa vụ tài chính"
        case .paidOnline: return "Thanh toán trực tuyến"
        case .postalIntake: return "Tiếp nhận qua BCCI"
        case .postalReturn: return "Trả kết quả qua BCCI"
        case .postalReturnDelivered: return "Trả qua BCCI thành công"
        case .digitizedInputs: return "Số hóa thành phần hồ sơ"
        case .reusedData: return "Tái sử dụng dữ liệu số hóa"
        case .eResults: return "Kết quả điện tử"
        case .digitizedFull: return "Số hóa đầy đủ (TPHS và kết quả)"
        case .eSignedResults: return "Kết quả được ký số"
        }
    }

    /// Position in `IndicatorRow.counts` (a switch: this runs several times per dossier).
    public var position: Int {
        switch self {
        case .receivedTotal: return 0
        case .carriedOver: return 1
        case .receivedNew: return 2
        case .receivedOnline: return 3
        case .receivedOnlineFull: return 4
        case .receivedDirect: return 5
        case .receivedPostal: return 6
        case .finishedTotal: return 7
        case .finishedEarly: return 8
        case .finishedOnTime: return 9
        case .finishedLate: return 10
        case .openTotal: return 11
        case .openInTime: return 12
        case .openOverdue: return 13
        case .lateTotal: return 14
        case .lateApologized: return 15
        case .feeDossiers: return 16
        case .paidOnline: return 17
        case .postalIntake: return 18
        case .postalReturn: return 19
        case .postalReturnDelivered: return 20
        case .digitizedInputs: return 21
        case .reusedData: return 22
        case .eResults: return 23
        case .digitizedFull: return 24
        case .eSignedResults: return 25
        }
    }
}

/// One unit's indicator counts.
public struct IndicatorRow: Sendable, Equatable {
    /// The 26 counts, in `Indicator.allCases` order.
    public var counts = [Int](repeating: 0, count: Indicator.allCases.count)

    /// All zero.
    public init() {}

    /// One indicator's count.
    public subscript(_ i: Indicator) -> Int {
        get { counts[i.position] }
        set { counts[i.position] = newValue }
    }
}

/// The indicator table and the cross-check warnings of SPEC 4.
public struct IndicatorTable: Sendable {
    /// One row per reporting unit, in registry order (every registry unit when nothing was reorganized).
    public var rows: [IndicatorRow]
    /// Cross-checks between the exports that failed, to report as warnings.
    public var warnings: [CrossCheck]
    /// With an attribution: per registry row, its dossiers in the period (SPEC 10.3), before attribution.
    public var inPeriodByRow: [Int] = []

    /// A table of counts and warnings.
    public init(rows: [IndicatorRow], warnings: [CrossCheck], inPeriodByRow: [Int] = []) {
        self.rows = rows
        self.warnings = warnings
        self.inPeriodByRow = inPeriodByRow
    }
}

/// A cross-check that did not hold (SPEC 4), pointing at the row that shows it.
public struct CrossCheck: Sendable, Equatable {
    /// Which cross-check failed.
    public enum Kind: Sendable, Equatable { case lateListMismatch, lateUnlisted, postalChannelMismatch }
    /// Which cross-check failed.
    public var kind: Kind
    /// The dossier's index in the store.
    public var dossier: Int
    /// The row that shows it.
    public var ref: RowRef
}

/// Counts SPEC 4's indicators for every unit. Pure: dossiers, their links and the dates in; counts out.
/// - Parameters:
///   - unitCount: the number of rows out (reporting units).
///   - checkLateList: report `late_unlisted` (only when a `late` source is configured).
///   - attribution: per registry row, the row its dossiers count in (SPEC 10.3), or -1 for none (a retired
///     unit: its dossiers are still cross-checked); nil = each dossier counts for its own unit.
public func computeIndicators(dossiers: [Dossier], links: [DossierLinks], unitCount: Int, dates: RunDates,
                              checkLateList: Bool, attribution: [Int]? = nil) -> IndicatorTable {
    var rows = [IndicatorRow](repeating: IndicatorRow(), count: unitCount)
    var warnings: [CrossCheck] = []
    var inPeriod = [Int](repeating: 0, count: attribution?.count ?? 0)
    var discarded = IndicatorRow()
    for i in dossiers.indices {
        let d = dossiers[i]
        guard case let .inPeriod(carried, outcome) = classify(d, dates) else { continue }
        let l = links[i]
        var slot = Int(d.unit)
        if let attribution {
            inPeriod[slot] += 1
            slot = attribution[slot]
        }
        var r = slot >= 0 ? rows[slot] : discarded
        if slot >= 0 { rows[slot] = IndicatorRow() }  // hand the counts over so that updating them does not copy
        let isNew = !carried
        r[.receivedTotal] += 1
        if carried { r[.carriedOver] += 1 } else { r[.receivedNew] += 1 }
        if isNew {
            switch d.channel {
            case .online:
                r[.receivedOnline] += 1
                if d.fullOnline { r[.receivedOnlineFull] += 1 }
            case .direct: r[.receivedDirect] += 1
            case .postal: r[.receivedPostal] += 1
            }
            if d.feeRequired || d.paidOnline { r[.feeDossiers] += 1 }
            if d.paidOnline { r[.paidOnline] += 1 }
            if l.postalIntake != nil { r[.postalIntake] += 1 }
            if l.digitizedInputs { r[.digitizedInputs] += 1 }
            if l.reused { r[.reusedData] += 1 }
        }
        switch outcome {
        case .finishedEarly: r[.finishedEarly] += 1
        case .finishedOnTime: r[.finishedOnTime] += 1
        case .finishedLate: r[.finishedLate] += 1
        case .openInTime: r[.openInTime] += 1
        case .openOverdue: r[.openOverdue] += 1
        }
        if outcome.isFinished {
            r[.finishedTotal] += 1
            if l.postalReturn != nil {
                r[.postalReturn] += 1
                if l.returnDelivered { r[.postalReturnDelivered] += 1 }
            }
            if l.eResult { r[.eResults] += 1 }
            if l.digitizedInputs && l.eResult { r[.digitizedFull] += 1 }
            if l.eSigned { r[.eSignedResults] += 1 }
        } else {
            r[.openTotal] += 1
        }
        if outcome.isLate {
            r[.lateTotal] += 1
            if l.late != nil && l.apology { r[.lateApologized] += 1 }
            if l.late == nil && checkLateList { warnings.append(CrossCheck(kind: .lateUnlisted, dossier: i, ref: d.ref)) }
        } else if let ref = l.late {
            warnings.append(CrossCheck(kind: .lateListMismatch, dossier: i, ref: ref))
        }
        if let ref = l.postalIntake, d.channel != .postal {
            warnings.append(CrossCheck(kind: .postalChannelMismatch, dossier: i, ref: ref))
        }
        if slot >= 0 { rows[slot] = r } else { discarded = r }
    }
    return IndicatorTable(rows: rows, warnings: warnings, inPeriodByRow: inPeriod)
}
