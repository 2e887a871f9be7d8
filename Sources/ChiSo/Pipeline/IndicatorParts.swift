import ChiSoCore
import Dispatch
import Foundation

/// Normalize's indicator table counted chunk by chunk of the dossier state (the stored state's chunks of
/// 65,536 positions), each chunk's table taken from the warehouse when it was counted from the same
/// bytes with the same parameters, counted otherwise: a night that appended one file to five million
/// dossiers counts the last chunk or two, not all 77. The chunks' tables combined in position order are
/// the table of one pass over every dossier (``IndicatorTable/combined(_:)``), so the figures are those of
/// counting everything: a chunk's table is a pure function of its bytes (named by their SHA-256, which the
/// stored state's save computes anyway) and of the parameters that ``parameters`` hashes.
struct IndicatorParts: Sendable {
    /// What counting depends on besides the dossiers, hashed: the dates, the attribution, the reporting
    /// units and the registry's size, whether the late list is checked, the chunk size, the format.
    let parameters: String
    /// The SHA-256 of each chunk of the state being counted whose bytes are known to be those (the stored
    /// state's unchanged chunks, or every chunk this run saved); the others are counted.
    let chunkHashes: [Int: String]
    /// The warehouse's parts, by chunk.
    let stored: [Int: Warehouse.StoredIndicatorPart]
    private let rows: Int, attributedRows: Int, units: Int

    /// Parts over `reorganization`'s units and `dates`.
    init(reorganization: Reorganization, dates: RunDates, checkLateList: Bool, chunkHashes: [Int: String],
         stored: [Int: Warehouse.StoredIndicatorPart]) {
        let attribution = reorganization.attributionMap
        rows = reorganization.registry.isReporting.filter { $0 }.count
        attributedRows = attribution?.count ?? 0
        units = reorganization.registry.units.count
        let described = [
            "indicator parts \(IndicatorTable.partVersion)", "chunk \(StoreSnapshot.chunkSize)",
            "from \(dates.from) to \(dates.to) as of \(dates.asOf)", "late list \(checkLateList)",
            "rows \(rows) registry \(units)",
            "attribution \(attribution.map { $0.map(String.init).joined(separator: ",") } ?? "none")",
        ].joined(separator: "\n")
        parameters = Hashing.sha256(described)
        self.chunkHashes = chunkHashes
        self.stored = stored
    }

    /// The key a part of chunk `k` is stored under, when its bytes are known.
    func key(chunk k: Int) -> String? { chunkHashes[k].map(key(sha256:)) }

    /// The key a part of a chunk whose bytes have the SHA-256 `sha256` is stored under.
    func key(sha256: String) -> String { "\(sha256):\(parameters)" }

    /// What counting gives: the table, and the chunks counted now (not taken from the warehouse), each
    /// with its part's bytes.
    struct Counted: Sendable {
        var table: IndicatorTable
        var counted: [Int: [UInt8]]
        /// Chunks whose part came from the warehouse.
        var reused: Int
        /// The ids of the dossiers that those parts' warnings name, by position: their chunks' ids may not
        /// be read (``ByteTable/unread``).
        var knownIDs: [Int: String]
    }

    /// The positions of chunk `k` of a state of `count` dossiers.
    static func positions(chunk k: Int, of count: Int) -> Range<Int> {
        k * StoreSnapshot.chunkSize..<min(count, (k + 1) * StoreSnapshot.chunkSize)
    }

    /// Chunk `k`'s stored table, when it was counted from the chunk's bytes with these parameters and
    /// reads back whole for its `positions`.
    func reusable(chunk k: Int, positions: Range<Int>) -> IndicatorTable.StoredPart? {
        guard let key = key(chunk: k), let part = stored[k], part.key == key else { return nil }
        return IndicatorTable.decodePart(part.bytes, rows: rows, attributedRows: attributedRows, units: units, positions: positions)
    }

    /// The table of `store`, chunk by chunk on both cores; nil when a chunk it must count is pending and
    /// does not decode (``PendingChunks``).
    func count(_ store: DossierStore, reorganization: Reorganization, dates: RunDates, checkLateList: Bool) -> Counted? {
        let count = store.dossiers.count
        let chunks = StoreSnapshot.chunkCount(count)
        guard chunks > 0 else {
            return Counted(table: reorganization.indicators(store, dates: dates, checkLateList: checkLateList), counted: [:], reused: 0,
                           knownIDs: [:])
        }
        let reused = (0..<chunks).map { reusable(chunk: $0, positions: Self.positions(chunk: $0, of: count)) }
        // A chunk to count must hold its own dossiers (the run fills those it knows it will count before it
        // hands the store on; this fills a copy, should one be left).
        var store = store
        for k in 0..<chunks where reused[k] == nil && store.isPending(position: k * StoreSnapshot.chunkSize) {
            guard store.fillPending(chunk: k) else { return nil }
        }
        let results = PartResults(chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { [store] k in
            let positions = Self.positions(chunk: k, of: count)
            if let part = reused[k] {
                results.set(k, part.table, bytes: nil)
                return
            }
            let table = reorganization.indicators(store, dates: dates, checkLateList: checkLateList, positions: positions)
            results.set(k, table, bytes: table.encodedPart(ids: store.ids))
        }
        let (tables, counted) = results.all()
        var knownIDs: [Int: String] = [:]
        for case let part? in reused {
            for (c, id) in zip(part.table.warnings, part.warningIDs) { knownIDs[c.dossier] = id }
        }
        return Counted(table: IndicatorTable.combined(tables), counted: counted, reused: chunks - counted.count, knownIDs: knownIDs)
    }

    /// The parts counted now whose chunk's bytes are known, keyed for the warehouse.
    func toStore(_ counted: [Int: [UInt8]]) -> [Int: Warehouse.StoredIndicatorPart] {
        var out: [Int: Warehouse.StoredIndicatorPart] = [:]
        for (k, bytes) in counted {
            if let key = key(chunk: k) { out[k] = Warehouse.StoredIndicatorPart(key: key, bytes: bytes) }
        }
        return out
    }
}

/// Each chunk's table, written by whichever core counted or read it.
private final class PartResults: @unchecked Sendable {
    private var tables: [IndicatorTable?]
    private var counted: [Int: [UInt8]] = [:]
    private let lock = NSLock()
    init(_ chunks: Int) { tables = Array(repeating: nil, count: chunks) }
    func set(_ k: Int, _ table: IndicatorTable, bytes: [UInt8]?) {
        lock.withLock {
            tables[k] = table
            if let bytes { counted[k] = bytes }
        }
    }
    func all() -> ([IndicatorTable], [Int: [UInt8]]) { lock.withLock { (tables.map { $0! }, counted) } }
}
