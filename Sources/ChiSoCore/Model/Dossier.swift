/// Where a row was read: the index of its file in the run's file list, and its physical line. The
/// reader keeps files to 65,535 per run and lines to 4,294,967,295 per file (a clear error past either),
/// so both always fit the packed records below.
public struct RowRef: Sendable, Equatable {
    /// The export file's index in the ingest's file list (`source_files.file_id`).
    public var file: Int
    /// 1-based physical line of the row in that file.
    public var line: Int
    /// A row at `line` of file `file`.
    public init(file: Int, line: Int) { self.file = file; self.line = line }
}

/// One valid dossier (hồ sơ), reduced to what classification and the indicators need.
/// Kept compact (24 bytes apart in an array, the 4-byte fields first so that no padding comes between
/// them): a province's nightly export holds millions of them.
public struct Dossier: Sendable, Equatable {
    /// Ngày tiếp nhận.
    public var received: Day
    private var dueDay: Day
    private var finishedDay: Day
    private var line: UInt32
    private var unitIndex: UInt16
    private var file: UInt16
    /// The portal's status code (SPEC 3 classification reads it).
    public var status: DossierStatus
    /// How it was submitted: direct, online or postal (BCCI).
    public var channel: Channel
    private var flags: UInt8

    /// Index in the units registry (at most 65,535 units).
    public var unit: Int32 {
        get { Int32(unitIndex) }  // at most 65,535 registry rows (checked when the registry is read)
        set { unitIndex = UInt16(truncatingIfNeeded: newValue) }
    }
    /// Where the row was read.
    public var ref: RowRef {
        get { RowRef(file: Int(file), line: Int(line)) }
        set { file = UInt16(truncatingIfNeeded: newValue.file); line = UInt32(truncatingIfNeeded: newValue.line) }
    }
    private static let none = Day.min

    /// Ngày hẹn trả; nil = no deadline.
    public var due: Day? {
        get { dueDay == Dossier.none ? nil : dueDay }
        set { dueDay = newValue ?? Dossier.none }
    }
    /// Ngày có kết quả.
    public var finished: Day? {
        get { finishedDay == Dossier.none ? nil : finishedDay }
        set { finishedDay = newValue ?? Dossier.none }
    }
    /// Mức độ `Toàn trình`.
    public var fullOnline: Bool { get { flags & 1 != 0 } set { flags = newValue ? flags | 1 : flags & ~1 } }
    /// Có phí / nghĩa vụ tài chính.
    public var feeRequired: Bool { get { flags & 2 != 0 } set { flags = newValue ? flags | 2 : flags & ~2 } }
    /// The fee was paid online.
    public var paidOnline: Bool { get { flags & 4 != 0 } set { flags = newValue ? flags | 4 : flags & ~4 } }

    /// A dossier as the exports describe it (tests build them inline).
    public init(unit: Int, received: Day, due: Day? = nil, finished: Day? = nil, status: DossierStatus,
                channel: Channel = .direct, fullOnline: Bool = false, feeRequired: Bool = false,
                paidOnline: Bool = false, ref: RowRef = RowRef(file: 0, line: 0)) {
        unitIndex = UInt16(truncatingIfNeeded: unit)
        self.received = received
        dueDay = due ?? Dossier.none
        finishedDay = finished ?? Dossier.none
        line = UInt32(truncatingIfNeeded: ref.line)
        file = UInt16(truncatingIfNeeded: ref.file)
        self.status = status
        self.channel = channel
        flags = (fullOnline ? 1 : 0) | (feeRequired ? 2 : 0) | (paidOnline ? 4 : 0)
    }
}

extension Dossier {
    /// Bytes of ``encode(into:)``'s record.
    package static let recordBytes = 23

    /// Its fields, little-endian, in a record of fixed size (23 bytes), for the warehouse's snapshot of the
    /// store.
    package func encode(into w: inout ByteWriter) {
        w.u16(unitIndex); w.i32(received); w.i32(dueDay); w.i32(finishedDay); w.u32(line); w.u16(file)
        w.u8(status.rawValue); w.u8(channel.rawValue); w.u8(flags)
    }

    /// A dossier from the fields ``encode(into:)`` wrote, as read back; nil when a code is not one chiso
    /// writes, or the unit is not a row of a registry of `units` rows.
    @inline(__always)
    package init?(unit: UInt16, received: Int32, due: Int32, finished: Int32, line: UInt32, file: UInt16,
                  status: UInt8, channel: UInt8, flags: UInt8, units: Int) {
        guard Int(unit) < units, let status = DossierStatus(rawValue: status), let channel = Channel(rawValue: channel),
              flags < 8 else { return nil }
        unitIndex = unit
        self.received = received
        dueDay = due
        finishedDay = finished
        self.line = line
        self.file = file
        self.status = status
        self.channel = channel
        self.flags = flags
    }
}

/// What the `late`, `postal` and `digitized` exports say about one dossier, after duplicates.
/// Compact (28 bytes): a row's line 0 means "no such row".
public struct DossierLinks: Sendable, Equatable {
    // Per linked row: its line (0 = none) and file; four of each, then the flags.
    private var lateLine: UInt32 = 0, intakeLine: UInt32 = 0, returnLine: UInt32 = 0, digitizedLine: UInt32 = 0
    private var lateFile: UInt16 = 0, intakeFile: UInt16 = 0, returnFile: UInt16 = 0, digitizedFile: UInt16 = 0
    private var flags: UInt8 = 0

    /// No linked rows.
    public init() {}

    @inline(__always) private static func ref(_ line: UInt32, _ file: UInt16) -> RowRef? {
        line == 0 ? nil : RowRef(file: Int(file), line: Int(line))
    }
    @inline(__always) private static func parts(_ r: RowRef?) -> (UInt32, UInt16) {
        guard let r else { return (0, 0) }
        return (UInt32(truncatingIfNeeded: r.line), UInt16(truncatingIfNeeded: r.file))
    }
    @inline(__always) private func flag(_ bit: UInt8) -> Bool { flags & bit != 0 }
    @inline(__always) private mutating func set(_ bit: UInt8, _ on: Bool) { flags = on ? flags | bit : flags & ~bit }

    /// Whether it has a row in `late`, in `postal` as intake, in `postal` as return (no row reference
    /// made): what counting the indicators asks of every dossier.
    var hasLate: Bool { lateLine != 0 }
    var hasPostalIntake: Bool { intakeLine != 0 }
    var hasPostalReturn: Bool { returnLine != 0 }

    /// Its row in `late` (danh sách trễ hạn), if any.
    public var late: RowRef? { get { Self.ref(lateLine, lateFile) } set { (lateLine, lateFile) = Self.parts(newValue) } }
    /// The late row says the unit apologized (xin lỗi).
    public var apology: Bool { get { flag(1) } set { set(1, newValue) } }
    /// Its BCCI intake leg.
    public var postalIntake: RowRef? {
        get { Self.ref(intakeLine, intakeFile) }
        set { (intakeLine, intakeFile) = Self.parts(newValue) }
    }
    /// Its BCCI result-return leg, and whether it was delivered.
    public var postalReturn: RowRef? {
        get { Self.ref(returnLine, returnFile) }
        set { (returnLine, returnFile) = Self.parts(newValue) }
    }
    /// The return leg was delivered.
    public var returnDelivered: Bool { get { flag(2) } set { set(2, newValue) } }
    /// Its row in the digitization export.
    public var digitized: RowRef? {
        get { Self.ref(digitizedLine, digitizedFile) }
        set { (digitizedLine, digitizedFile) = Self.parts(newValue) }
    }
    /// Its inputs were digitized (số hóa hồ sơ).
    public var digitizedInputs: Bool { get { flag(4) } set { set(4, newValue) } }
    /// Digitized data was reused instead of asking the citizen again.
    public var reused: Bool { get { flag(8) } set { set(8, newValue) } }
    /// The result was issued electronically.
    public var eResult: Bool { get { flag(16) } set { set(16, newValue) } }
    /// The electronic result was digitally signed.
    public var eSigned: Bool { get { flag(32) } set { set(32, newValue) } }
}

extension DossierLinks {
    /// The flag bits that belong to each linked source.
    private static func flagBits(_ source: SourceKind) -> UInt8 {
        switch source {
        case .late: return 1
        case .postal: return 2
        case .digitized: return 4 | 8 | 16 | 32
        default: return 0
        }
    }

    /// Replaces this dossier's rows and flags from `source` with `other`'s, leaving the other sources' as
    /// they are (with `other` empty: that source's links cleared, to be read again). Sources other than the
    /// three linked ones change nothing.
    public mutating func take(_ source: SourceKind, from other: DossierLinks) {
        switch source {
        case .late: (lateLine, lateFile) = (other.lateLine, other.lateFile)
        case .postal:
            (intakeLine, intakeFile) = (other.intakeLine, other.intakeFile)
            (returnLine, returnFile) = (other.returnLine, other.returnFile)
        case .digitized: (digitizedLine, digitizedFile) = (other.digitizedLine, other.digitizedFile)
        default: return
        }
        let bits = Self.flagBits(source)
        flags = flags & ~bits | other.flags & bits
    }
}

extension DossierLinks {
    /// The most bytes ``encode(into:)`` writes: all four rows.
    package static let mostBytes = 26

    /// Its fields for the warehouse's snapshot of the store: which of the four rows it has (one byte),
    /// the flags, then line and file of each row it has (2 bytes for a dossier with none, 26 with all).
    package func encode(into w: inout ByteWriter) {
        let mask: UInt8 = (lateLine != 0 ? 1 : 0) | (intakeLine != 0 ? 2 : 0) | (returnLine != 0 ? 4 : 0) | (digitizedLine != 0 ? 8 : 0)
        w.u8(mask); w.u8(flags)
        if lateLine != 0 { w.u32(lateLine); w.u16(lateFile) }
        if intakeLine != 0 { w.u32(intakeLine); w.u16(intakeFile) }
        if returnLine != 0 { w.u32(returnLine); w.u16(returnFile) }
        if digitizedLine != 0 { w.u32(digitizedLine); w.u16(digitizedFile) }
    }

    /// Links from the fields ``encode(into:)`` wrote, as read back (a row it does not have as line 0 and
    /// file 0); nil when they are not links chiso writes (a flag it does not set, a row without its line).
    @inline(__always)
    package init?(late: (UInt32, UInt16), intake: (UInt32, UInt16), return back: (UInt32, UInt16),
                  digitized: (UInt32, UInt16), flags: UInt8) {
        guard flags < 64, late.0 != 0 || late.1 == 0, intake.0 != 0 || intake.1 == 0, back.0 != 0 || back.1 == 0,
              digitized.0 != 0 || digitized.1 == 0 else { return nil }
        (lateLine, lateFile) = late
        (intakeLine, intakeFile) = intake
        (returnLine, returnFile) = back
        (digitizedLine, digitizedFile) = digitized
        self.flags = flags
    }
}

/// The valid dossiers of a run, keyed by `dossier_id`, in order of first appearance.
public struct DossierStore: Sendable {
    /// Dossier ids, interned: `ids` index i is `dossiers[i]`'s id.
    /// (Set only within ChiSoCore: by the store itself, and by a pending chunk read into it.)
    public internal(set) var ids = ByteTable(capacity: 1 << 12)
    /// Valid dossiers in first-seen order (a later duplicate replaces in place).
    public var dossiers: [Dossier] = []
    /// Their linked rows, parallel to `dossiers`.
    public var links: [DossierLinks] = []
    /// When not nil, ``upsert(id:_:)`` records here the row each replaced position held before its first
    /// replacement: what a run that appends files to a stored state compares against, instead of a copy
    /// of the whole state.
    package var replaced: [Int: Dossier]?
    /// Chunks of a stored state whose dossiers and links are not decoded yet (``PendingChunks``); nil when
    /// every position holds its own.
    package var pending: PendingChunks?

    /// An empty store.
    public init() {}

    /// A store from its parts (a decoded snapshot); the arrays are parallel to `ids`.
    package init(ids: ByteTable, dossiers: [Dossier], links: [DossierLinks]) {
        self.ids = ids
        self.dossiers = dossiers
        self.links = links
    }

    /// Hands each of the store's buffers (dossiers, links, ids) to `release` and leaves it empty: what a run
    /// done with its state does so that the memory is given back while it finishes, not at exit.
    package mutating func releaseStorage(_ release: MemoryRelease) {
        releasing(&dossiers, release)
        releasing(&links, release)
        ids.releaseStorage(release)
        replaced = nil
        pending = nil
    }

    /// From now on, the id table records the slot each new id takes, so that the stored state's index
    /// can be saved as what it gained (``StoreSnapshot/encodeIndexDelta(_:)``).
    package mutating func markIDInserts() { ids.markInserts() }

    /// Makes room for about `count` dossiers (generously: unused capacity is address space, not memory),
    /// with the id hash table sized for `expected`.
    public mutating func reserve(_ count: Int, expected: Int) {
        dossiers.reserveCapacity(count)
        links.reserveCapacity(count)
        ids.reserve(count, keyBytes: 32, slotCount: expected)
    }

    /// Inserts or replaces (last wins); returns the replaced dossier's row, if any.
    @discardableResult
    package mutating func upsert(id: FieldBytes, _ dossier: Dossier) -> RowRef? {
        if ids.unread != nil { fillUnreadCandidates(of: id, adding: 1) }
        let (index, inserted) = ids.insert(id)
        if inserted {
            dossiers.append(dossier)
            links.append(DossierLinks())
            return nil
        }
        if pending != nil { fillPending(position: index) }
        let previous = dossiers[index]
        if replaced != nil, replaced![index] == nil { replaced![index] = previous }
        dossiers[index] = dossier
        return previous.ref
    }

    /// Upserts `other`'s dossiers after this store's, in their order, exactly as upserting them one by one
    /// would (a store read apart: its ids are distinct), with the work on the id table split in `parts`
    /// that `run` does at once: `other`'s ids looked up, then the new ones' slots filled.
    /// - Returns: each of `other`'s dossiers (by its index in `other`) that replaced one here, with the row
    ///   it replaced.
    package mutating func merge(_ other: DossierStore, parts: Int, run: ByteTable.Parts) -> [(other: Int, previous: RowRef)] {
        for j in 0..<other.ids.count where ids.unread != nil {
            other.ids.withKey(j) { fillUnreadCandidates(of: $0, adding: other.ids.count) }
        }
        let existing = ids.ids(of: other.ids, parts: parts, run: run)
        var replacedRows: [(other: Int, previous: RowRef)] = []
        var absent: [Int] = []
        absent.reserveCapacity(other.dossiers.count)
        if pending != nil {
            for index in existing where index >= 0 { fillPending(position: Int(index)) }
        }
        for j in other.dossiers.indices {
            let index = Int(existing[j])
            if index >= 0 {
                let previous = dossiers[index]
                if replaced != nil, replaced![index] == nil { replaced![index] = previous }
                dossiers[index] = other.dossiers[j]
                replacedRows.append((j, previous.ref))
            } else {
                absent.append(j)
                dossiers.append(other.dossiers[j])
                links.append(DossierLinks())
            }
        }
        if ids.insertsSinceMark != nil {
            // The slot each new id takes is recorded (a night saves its state's index as what it gained):
            // they are inserted one by one, as reading their rows after this store's would.
            for j in absent { other.ids.withKey(j) { _ = ids.insert($0) } }
        } else {
            ids.append(absent: absent, of: other.ids, parts: parts, run: run)
        }
        return replacedRows
    }

    /// Test and generator convenience.
    public mutating func upsert(id: String, _ dossier: Dossier) {
        FieldBytes.of(id) { _ = upsert(id: $0, dossier) }
    }

    /// The index of dossier `id`, if there is one. The store must have every id read (no ``ByteTable/unread``
    /// keys: a run that links rows to it fills its pending chunks first).
    package func index(of id: FieldBytes) -> Int? {
        assert(ids.unread == nil, "ids looked up in a store whose pending chunks' ids are not read")
        return ids.find(id)
    }

    /// The index of each id of `batch` (-1 for an id no dossier has), looked up side by side
    /// (``ByteTable/find(_:into:)``). As ``index(of:)``, every id must be read.
    package func indices(of batch: KeyBatch, into found: inout [Int]) {
        assert(ids.unread == nil, "ids looked up in a store whose pending chunks' ids are not read")
        ids.find(batch, into: &found)
        prefetch(dossiers, found)
        prefetch(links, found)
    }

    /// The id of the dossier at `index` (whose chunk is not pending with its ids unread).
    public func id(_ index: Int) -> String {
        assert(ids.unread.map { !$0.chunks.contains(index / $0.chunkSize) } ?? true, "the id of a position whose chunk is not read")
        return ids.key(index)
    }
}
