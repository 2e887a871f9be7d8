/// Where a row was read: the index of its file in the run's file list, and its physical line.
public struct RowRef: Sendable, Equatable {
    public var file: Int32
    public var line: Int32
    public init(file: Int, line: Int) { self.file = Int32(file); self.line = Int32(line) }
}

/// One valid dossier (hồ sơ), reduced to what classification and the indicators need.
public struct Dossier: Sendable, Equatable {
    /// Index in the units registry.
    public var unit: Int32
    /// Ngày tiếp nhận.
    public var received: Day
    /// Ngày hẹn trả; nil = no deadline.
    public var due: Day?
    /// Ngày có kết quả.
    public var finished: Day?
    public var status: DossierStatus
    public var channel: Channel
    /// Mức độ `Toàn trình`.
    public var fullOnline: Bool
    /// Có phí / nghĩa vụ tài chính.
    public var feeRequired: Bool
    public var paidOnline: Bool
    public var ref: RowRef

    public init(unit: Int, received: Day, due: Day? = nil, finished: Day? = nil, status: DossierStatus,
                channel: Channel = .direct, fullOnline: Bool = false, feeRequired: Bool = false,
                paidOnline: Bool = false, ref: RowRef = RowRef(file: 0, line: 0)) {
        self.unit = Int32(unit)
        self.received = received
        self.due = due
        self.finished = finished
        self.status = status
        self.channel = channel
        self.fullOnline = fullOnline
        self.feeRequired = feeRequired
        self.paidOnline = paidOnline
        self.ref = ref
    }
}

/// What the `late`, `postal` and `digitized` exports say about one dossier, after duplicates.
public struct DossierLinks: Sendable, Equatable {
    /// Its row in `late` (danh sách trễ hạn), if any.
    public var late: RowRef?
    public var apology = false
    /// Its BCCI intake leg.
    public var postalIntake: RowRef?
    /// Its BCCI result-return leg, and whether it was delivered.
    public var postalReturn: RowRef?
    public var returnDelivered = false
    /// Its row in the digitization export.
    public var digitized: RowRef?
    public var digitizedInputs = false
    public var reused = false
    public var eResult = false
    public var eSigned = false

    public init() {}
}

/// The valid dossiers of a run, keyed by `dossier_id`, in order of first appearance.
public struct DossierStore: Sendable {
    public private(set) var ids = ByteTable(capacity: 1 << 12)
    public var dossiers: [Dossier] = []
    public var links: [DossierLinks] = []

    public init() {}

    /// Inserts or replaces (last wins); returns the replaced dossier's row, if any.
    @discardableResult
    public mutating func upsert(id: UnsafeBufferPointer<UInt8>, _ dossier: Dossier) -> RowRef? {
        let (index, inserted) = ids.insert(id)
        if inserted {
            dossiers.append(dossier)
            links.append(DossierLinks())
            return nil
        }
        let previous = dossiers[index].ref
        dossiers[index] = dossier
        return previous
    }

    /// Test and generator convenience.
    public mutating func upsert(id: String, _ dossier: Dossier) {
        var s = id
        s.withUTF8 { _ = upsert(id: $0, dossier) }
    }

    public func index(of id: UnsafeBufferPointer<UInt8>) -> Int? { ids.find(id) }

    public func id(_ index: Int) -> String { ids.key(index) }
}
