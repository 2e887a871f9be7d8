/// Trạng thái hồ sơ (TrangThaiHoSo), SPEC 2.2.
public enum DossierStatus: UInt8, Sendable, CaseIterable {
    case registered = 1        // Mới đăng ký
    case accepted = 2          // Được tiếp nhận
    case rejected = 3          // Không được tiếp nhận
    case processing = 4        // Đang xử lý
    case supplementRequested = 5 // Yêu cầu bổ sung
    case awaitingFees = 6      // Yêu cầu thực hiện nghĩa vụ tài chính
    case withdrawn = 7         // Rút hồ sơ
    case stopped = 8           // Dừng xử lý
    case resolved = 9          // Đã xử lý xong
    case returned = 10         // Đã trả kết quả

    /// The portal's names, matched as tiers are.
    public static let names: [String: DossierStatus] = [
        "Mới đăng ký": .registered, "Được tiếp nhận": .accepted, "Không được tiếp nhận": .rejected,
        "Đang xử lý": .processing, "Yêu cầu bổ sung": .supplementRequested,
        "Yêu cầu thực hiện nghĩa vụ tài chính": .awaitingFees, "Rút hồ sơ": .withdrawn,
        "Dừng xử lý": .stopped, "Đã xử lý xong": .resolved, "Đã trả kết quả": .returned,
    ]

    /// SPEC 3.1: statuses excluded from everything (1, 3, 7).
    public var isExcluded: Bool { self == .registered || self == .rejected || self == .withdrawn }
    /// SPEC 3.2: statuses that finish a dossier (8, 9, 10).
    public var isFinished: Bool { self == .stopped || self == .resolved || self == .returned }
}

/// Kênh nộp (KenhThucHien), SPEC 2.2.
public enum Channel: UInt8, Sendable {
    case direct = 1
    case online = 2
    case postal = 3

    /// The portal's channel labels, normalized.
    public static let names: [String: Channel] = [
        "Trực tiếp": .direct, "Trực tuyến": .online,
        "Bưu chính công ích": .postal, "BCCI": .postal, "Qua bưu chính": .postal,
    ]
}

/// Chiều của một lượt BCCI: tiếp nhận hồ sơ hay trả kết quả (SPEC 2.4).
public enum PostalDirection: UInt8, Sendable {
    case intake = 0
    case `return` = 1

    /// The portal's postal direction labels, normalized.
    public static let names: [String: PostalDirection] = [
        "Tiếp nhận hồ sơ": .intake, "Nhận hồ sơ": .intake, "intake": .intake,
        "Trả kết quả": .return, "return": .return,
    ]
}

/// Trạng thái phát (SPEC 2.4).
public enum Delivery: UInt8, Sendable {
    case inTransit = 0
    case delivered = 1
    case returnedToSender = 2

    /// The portal's delivery outcome labels, normalized.
    public static let names: [String: Delivery] = [
        "Phát thành công": .delivered, "Chuyển hoàn": .returnedToSender, "Đang vận chuyển": .inTransit,
    ]
}

/// SPEC 2.1 booleans.
public enum PortalBoolean {
    /// Yes/no spellings the exports use (Có/Không, 1/0, x…).
    public static let names: [String: Bool] = [
        "có": true, "x": true, "1": true, "true": true, "yes": true, "đã": true,
        "không": false, "0": false, "false": false, "no": false, "chưa": false,
    ]
}

/// Mức độ DVC: `Toàn trình` (also `4`, `Mức độ 4`) is full; anything else partial.
public enum OnlineLevel {
    /// Service-level labels that mean full online (toàn trình).
    public static let fullNames: [String: Bool] = ["Toàn trình": true, "Mức độ 4": true]
    /// Service-level codes that mean full online.
    public static let fullCodes: [Int: Bool] = [4: true]
}
