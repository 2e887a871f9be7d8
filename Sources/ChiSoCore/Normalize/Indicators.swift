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

    /// The table of several parts' dossiers together, from the parts' tables in position order: counts
    /// added, warnings one part's after the other's (as counting them in one pass orders them).
    public static func combined(_ parts: [IndicatorTable]) -> IndicatorTable {
        guard var out = parts.first else { return IndicatorTable(rows: [], warnings: []) }
        for part in parts.dropFirst() {
            for u in out.rows.indices {
                for k in out.rows[u].counts.indices { out.rows[u].counts[k] += part.rows[u].counts[k] }
            }
            out.warnings += part.warnings
            for r in out.inPeriodByRow.indices { out.inPeriodByRow[r] += part.inPeriodByRow[r] }
        }
        return out
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
    /// The dossier's unit (its registry row), which the finding names: kept here so that a check counted
    /// on another night (``IndicatorTable/decodePart(_:rows:attributedRows:units:positions:)``) needs no dossier.
    public var unit: Int32

    /// A failed check of the dossier at `dossier` (of `unit`), shown by the row at `ref`.
    public init(kind: Kind, dossier: Int, ref: RowRef, unit: Int32) {
        self.kind = kind
        self.dossier = dossier
        self.ref = ref
        self.unit = unit
    }
}

/// Counts SPEC 4's indicators for every unit. Pure: dossiers, their links and the dates in; counts out.
/// - Parameters:
///   - unitCount: the number of rows out (reporting units).
///   - checkLateList: report `late_unlisted` (only when a `late` source is configured).
///   - attribution: per registry row, the row its dossiers count in (SPEC 10.3), or -1 for none (a retired
///     unit: its dossiers are still cross-checked); nil = each dossier counts for its own unit.
///   - positions: the dossiers to count (all by default): tables of disjoint ranges, ``IndicatorTable/combined(_:)``
///     in order, are the table of their union, so that a caller may count parts on several cores.
public func computeIndicators(dossiers: [Dossier], links: [DossierLinks], unitCount: Int, dates: RunDates,
                              checkLateList: Bool, attribution: [Int]? = nil, positions: Range<Int>? = nil) -> IndicatorTable {
    // The counts of every unit in one flat table (a row of `width` per unit, then one for the dossiers
    // attributed nowhere): adding to it allocates nothing, where a row value per dossier would. Every
    // count a dossier could touch gets 0 or 1 added, with no branch: which ones apply is different from one
    // dossier to the next, so branching on each cost a misprediction after another (this loop was 0.11 s
    // of CPU at 5M dossiers with a branch per indicator).
    let width = Indicator.allCases.count
    var counts = [Int](repeating: 0, count: (unitCount + 1) * width)
    var warnings: [CrossCheck] = []
    var inPeriod = [Int](repeating: 0, count: attribution?.count ?? 0)
    @inline(__always) func one(_ x: Bool) -> Int { x ? 1 : 0 }
    for i in positions?.clamped(to: dossiers.indices) ?? dossiers.indices {
        let d = dossiers[i]
        guard case let .inPeriod(carried, outcome) = classify(d, dates) else { continue }
        let l = links[i]
        var slot = Int(d.unit)
        if let attribution {
            inPeriod[slot] += 1
            slot = attribution[slot]
        }
        let base = (slot >= 0 ? slot : unitCount) * width
        let new = one(!carried), finished = one(outcome.isFinished), late = one(outcome.isLate)
        let online = one(d.channel == .online) & new
        counts[base + Indicator.receivedTotal.position] += 1
        counts[base + Indicator.carriedOver.position] += 1 - new
        counts[base + Indicator.receivedNew.position] += new
        counts[base + Indicator.receivedOnline.position] += online
        counts[base + Indicator.receivedOnlineFull.position] += online & one(d.fullOnline)
        counts[base + Indicator.receivedDirect.position] += one(d.channel == .direct) & new
        counts[base + Indicator.receivedPostal.position] += one(d.channel == .postal) & new
        counts[base + Indicator.feeDossiers.position] += (one(d.feeRequired) | one(d.paidOnline)) & new
        counts[base + Indicator.paidOnline.position] += one(d.paidOnline) & new
        counts[base + Indicator.postalIntake.position] += one(l.hasPostalIntake) & new
        counts[base + Indicator.digitizedInputs.position] += one(l.digitizedInputs) & new
        counts[base + Indicator.reusedData.position] += one(l.reused) & new
        counts[base + outcome.indicator.position] += 1
        counts[base + Indicator.finishedTotal.position] += finished
        counts[base + Indicator.openTotal.position] += 1 - finished
        counts[base + Indicator.postalReturn.position] += one(l.hasPostalReturn) & finished
        counts[base + Indicator.postalReturnDelivered.position] += one(l.hasPostalReturn) & one(l.returnDelivered) & finished
        counts[base + Indicator.eResults.position] += one(l.eResult) & finished
        counts[base + Indicator.digitizedFull.position] += one(l.digitizedInputs) & one(l.eResult) & finished
        counts[base + Indicator.eSignedResults.position] += one(l.eSigned) & finished
        counts[base + Indicator.lateTotal.position] += late
        counts[base + Indicator.lateApologized.position] += one(l.hasLate) & one(l.apology) & late
        // The cross-checks (rare, so these branches are predicted).
        if late == 1 {
            if !l.hasLate && checkLateList { warnings.append(CrossCheck(kind: .lateUnlisted, dossier: i, ref: d.ref, unit: d.unit)) }
        } else if let ref = l.late {
            warnings.append(CrossCheck(kind: .lateListMismatch, dossier: i, ref: ref, unit: d.unit))
        }
        if l.hasPostalIntake && d.channel != .postal, let ref = l.postalIntake {
            warnings.append(CrossCheck(kind: .postalChannelMismatch, dossier: i, ref: ref, unit: d.unit))
        }
    }
    let rows = (0..<unitCount).map { u in
        var row = IndicatorRow()
        row.counts = Array(counts[u * width..<(u + 1) * width])
        return row
    }
    return IndicatorTable(rows: rows, warnings: warnings, inPeriodByRow: inPeriod)
}
