import Foundation

/// The stored dossier state (see ``StoreSnapshot``) and the incremental writes it allows: a run that
/// knows what the per-dossier tables hold rewrites only the positions that differ.
extension Warehouse {
    /// A period's dossier state as the last successful ingest left it.
    struct StoredDossiers {
        /// The store, decoded.
        var store: DossierStore
        /// The SHA-256 of each chunk as stored (-1: the id index, below it what nights added to it since it
        /// was written whole), so that a save rewrites only those that change.
        var hashes: [Int: String]
        /// Keys that those additions hold.
        var deltaKeys = 0
        /// The rows of additions to the id index.
        var deltaRows: Int { hashes.keys.filter { $0 < -1 }.count }
    }

    /// The snapshot of `key`'s dossiers if it was written with `stamp` (the export stages' fingerprints
    /// now in `stage_state`) and decodes whole over a registry of `units` rows; nil otherwise. The chunks
    /// decode on both cores. With `pending`, the chunks it is true of (given the chunk and its SHA-256;
    /// never the last chunk) are left in the store's ``PendingChunks`` for a run that reads only some
    /// positions (new files appended: the last chunk is the one they extend): on SQLite only their heads
    /// are read (their ids' place kept, see ``ByteTable/unread``), on PostgreSQL their ids are decoded and
    /// checked but not their dossiers and links.
    func loadDossierSnapshot(_ key: PeriodKey, stamp: String, units: Int,
                             pending leavePending: (@Sendable (Int, String) -> Bool)? = nil) throws -> StoredDossiers? {
        try read { db in
            guard let period: Int = try db.value("SELECT id FROM periods WHERE pipeline = ? AND period = ?", [key.pipeline, key.period]),
                  let header = try db.rows("SELECT stamp, dossiers, chunks FROM dossier_snapshot WHERE period_id = ?", [period]).first,
                  header["stamp"] as String == stamp
            else { return nil }
            let count: Int = header["dossiers"], expected: Int = header["chunks"]
            guard expected == StoreSnapshot.chunkCount(count) else { return nil }
            MemoryPolicy.keepFreedMemory()
            // Chunk -1 is the id index, then the chunks of positions from 0. Each is checked and decoded on
            // another core as soon as it is read, while the next one is read, straight into the store's
            // arrays: its bytes must have the CRC-32 written beside them (rows written before chiso stored
            // one: the SHA-256), so that a damaged page is caught rather than decoded into wrong ids or links.
            let started = Date()
            var hashes: [Int: String] = [:], deltaKeys = 0
            // The chunks' sizes bound their ids' (read from the rows' headers, not their data). The arrays are
            // sized from the header before any chunk is read, so a header that names more chunks than the
            // table holds is refused here, before it can ask for memory.
            guard let sizes = try db.rows("SELECT COUNT(*) AS n, COALESCE(SUM(length(data)), 0) AS bytes FROM dossier_snapshot_chunks WHERE period_id = ? AND chunk >= 0",
                                          [period]).first, sizes["n"] as Int == expected else { return nil }
            let size: Int = sizes["bytes"]
            // Every dossier takes at least its record and its id's start in its chunk.
            guard count <= size / StoreSnapshot.leastBytesPerDossier else { return nil }
            // Room for the files a nightly run appends (address space only until used).
            let parts = Decoded()
            let store = try StoreSnapshot.assemble(count: count, room: count / 8 + 65_536, idBytes: size) { target in
                let decoding = DispatchGroup()
                defer { decoding.wait() }  // an error while reading: nothing decodes on after the read ends
                // At most four chunks read ahead of the decoding: the raw state is never all in memory.
                let room = DispatchSemaphore(value: 4)
                var received = 0, sawIndex = false, deltas: [[UInt8]] = [], intactDeltas = true
                // Where the next chunk's ids go in the store's id arena: after the ids of every chunk before
                // it (read in order, from their heads), whichever core decodes it.
                var idOffset = 0
                // On SQLite each chunk is read by its rowid straight into the array that is decoded (see
                // ``SQLSession/blob(table:column:rowid:)``); PostgreSQL selects it.
                let direct = db.dialect == .sqlite
                func chunkBytes(_ row: any SQLCursor) throws -> [UInt8] {
                    guard direct, let bytes = try db.blob(table: "dossier_snapshot_chunks", column: "data", rowid: row.int(1)) else {
                        return row.blob(1)
                    }
                    return bytes
                }
                try db.scan("SELECT chunk, \(direct ? "rowid" : "data"), sha256, crc32 FROM dossier_snapshot_chunks WHERE period_id = ? ORDER BY chunk",
                            [period]) { row in
                    let k = row.int(0)
                    guard k < 0 ? !sawIndex : k == received else { return }
                    let sha = row.string(2)
                    hashes[k] = sha
                    // Each chunk's bytes must be those written: their CRC-32, or in a row written before
                    // chiso stored one, their SHA-256.
                    let crc: Int? = row.isNull(3) ? nil : row.int(3)
                    let intact: @Sendable ([UInt8]) -> Bool = { bytes in
                        guard let crc else { return Hashing.sha256(bytes: bytes) == sha }
                        return UInt32(exactly: crc) == Hashing.crc32(bytes: bytes)
                    }
                    if k < -1 {
                        // What nights added to the id index (a few bytes per key), before the index itself:
                        // checked here, applied once it is decoded.
                        let bytes = try chunkBytes(row)
                        intactDeltas = intactDeltas && intact(bytes)
                        deltaKeys += StoreSnapshot.deltaKeys(bytes)?.count ?? 0
                        deltas.append(bytes)
                        return
                    }
                    if k == -1 { sawIndex = true } else { received += 1 }
                    guard k < expected else { return }  // one chunk too many: counted, and the state refused below
                    let indexed = count - deltaKeys  // the keys the index held when it was written whole
                    if k == -1, direct, let crc, indexed >= 0 {
                        // The index's slots (53 MB at 5M dossiers) are read straight into the array the table
                        // keeps, checked and used in place: never copied. Each 4 MB piece read is checked
                        // (``ByteTable/SlotCheck``) on another core while the next is read.
                        let pieces = IndexPieces(keys: indexed)
                        guard let index = try db.blobParts(table: "dossier_snapshot_chunks", column: "data", rowid: row.int(1),
                                                           head: StoreSnapshot.indexHead, tail: StoreSnapshot.indexTail,
                                                           words: StoreSnapshot.indexSlots, piece: pieces.add)
                        else { parts.setIndex(nil); return }
                        let held = HeldParts(index)
                        room.wait()
                        DispatchQueue.global().async(group: decoding) {
                            defer { room.signal() }
                            let (head, words, tail) = held.take()
                            let intact = UInt32(exactly: crc) == Hashing.crc32(head: head, words: words, tail: tail)
                            parts.setIndex(intact ? StoreSnapshot.decodeIndex(slots: consume words, tail: tail, count: indexed,
                                                                              checked: pieces.checked) : nil)
                        }
                        return
                    }
                    let later = k >= 0 && k < expected - 1 && leavePending?(k, sha) == true
                    // On SQLite a chunk left pending is not read beyond its head: its ids keep their place in
                    // the arena (their size is in the head) and the whole chunk is read, and checked against
                    // its CRC-32, only if the run asks for one of its positions (``PendingChunks``).
                    if later, direct,
                       let (head, size) = try db.blobHead(table: "dossier_snapshot_chunks", column: "data", rowid: row.int(1),
                                                          bytes: StoreSnapshot.chunkHead),
                       let h = StoreSnapshot.chunkHead(prefix: head, size: size) {
                        guard h.first == k * StoreSnapshot.chunkSize, h.count == min(StoreSnapshot.chunkSize, count - h.first),
                              target.keepPlace(first: h.first, count: h.count, idBytes: h.idBytes, idsAt: idOffset)
                        else { parts.decoded(nil); return }
                        idOffset += h.idBytes
                        parts.placed(k, ids: h.idBytes, crc: crc, sha: sha)
                        return
                    }
                    let bytes = try chunkBytes(row)
                    var at = 0
                    if k >= 0 {
                        guard let ids = StoreSnapshot.chunkIDBytes(bytes) else { parts.decoded(nil); return }
                        at = idOffset
                        idOffset += ids
                    }
                    room.wait()
                    DispatchQueue.global().async(group: decoding) { [at, later] in
                        defer { room.signal() }
                        let intact = intact(bytes)
                        if k == -1 {
                            parts.setIndex(intact && indexed >= 0 ? StoreSnapshot.decodeIndex(bytes, count: indexed) : nil)
                        } else {
                            parts.decoded(intact ? StoreSnapshot.decode(chunk: bytes, k, units: units, idsAt: at, into: target,
                                                                        records: !later) : nil)
                            if later { parts.keep(k, crc: crc, sha: sha) }
                        }
                    }
                }
                decoding.wait()
                guard sawIndex, received == expected, intactDeltas else { return nil }
                return parts.filled(adding: deltas)
            }
            guard var store else { return nil }
            let kept = parts.kept
            if !kept.isEmpty {
                store.pending = PendingChunks(chunks: Set(kept.keys), units: units) { [self] k in
                    // The chunk as it was read: the same CRC-32 (or SHA-256) as then.
                    guard let check = kept[k], let bytes = try? self.read({ db -> [UInt8]? in
                        var bytes: [UInt8]?
                        try db.scan("SELECT data FROM dossier_snapshot_chunks WHERE period_id = ? AND chunk = ?", [period, k]) { bytes = $0.blob(0) }
                        return bytes
                    }) ?? nil else { return nil }
                    guard let crc = check.crc else { return Hashing.sha256(bytes: bytes) == check.sha ? bytes : nil }
                    return UInt32(exactly: crc) == Hashing.crc32(bytes: bytes) ? bytes : nil
                }
            }
            store.markIDInserts()
            StageRunner.trace("stored state decoded in \(String(format: "%.3f", Date().timeIntervalSince(started))) s\(kept.isEmpty ? "" : ", the records of \(kept.count) chunk(s) left pending (\(store.ids.unread?.chunks.count ?? 0) not read at all)")\(deltaKeys > 0 ? " (\(deltaKeys) ids from \(hashes.keys.filter { $0 < -1 }.count) nights' additions to the index)" : "")")
            return StoredDossiers(store: store, hashes: hashes, deltaKeys: deltaKeys)
        }
    }

    /// What a save of the stored state writes. The header is known at once; the chunks arrive through
    /// `feed`, encoded on another thread while the writer does the rest of the transaction, at most a
    /// few at a time (the encoded state is never all in memory).
    struct SnapshotWrite: Sendable {
        /// Dossiers in the store, and chunks they take.
        let dossiers: Int, chunks: Int
        /// True when no stored state was used: every old chunk goes.
        let replaceAll: Bool
        /// Chunks the old state had beyond the new count.
        let dropFrom: Int?
        /// Where what the id index gained goes (a row below the last night's), when it is saved that way
        /// rather than whole.
        let indexDelta: Int?
        /// The chunks that differ, in order; -1 is the id index (whole), below it what it gained.
        let feed: SnapshotFeed
    }

    /// Up to this many nights' additions are kept beside the id index, while they hold at most an eighth
    /// as many keys as it; then it is written whole again.
    static let indexDeltaRows = 64

    /// The header of a save of `store` over `previous`.
    static func snapshotWrite(_ store: DossierStore, previous: StoredDossiers?) -> SnapshotWrite {
        let count = StoreSnapshot.chunkCount(store.dossiers.count)
        let known = previous?.hashes.keys.filter { $0 >= 0 }.count ?? 0  // chunks 0..<known
        var delta: Int?
        if let previous, previous.hashes[-1] != nil, let added = store.ids.insertsSinceMark?.slots.count,
           previous.deltaRows < indexDeltaRows, (previous.deltaKeys + added) * 8 <= store.dossiers.count {
            delta = -2 - previous.deltaRows
        }
        return SnapshotWrite(dossiers: store.dossiers.count, chunks: count, replaceAll: previous == nil,
                             dropFrom: known > count ? count : nil, indexDelta: delta, feed: SnapshotFeed(capacity: 4))
    }

    /// The chunks of a state of `dossiers` that a save encodes and compares (-1: the id index): with
    /// `changed`, the positions that differ from `previous`, only the chunks holding one (and the id index
    /// only when `idsChanged`); otherwise all. The others are `previous`'s as they are.
    static func snapshotCandidates(dossiers: Int, previous: StoredDossiers?, changed: [Range<Int>]?, idsChanged: Bool) -> Set<Int> {
        let count = StoreSnapshot.chunkCount(dossiers)
        guard let changed, previous != nil else { return Set(-1..<count) }
        var candidates: Set<Int> = idsChanged ? [-1] : []
        for r in changed where !r.isEmpty {
            candidates.formUnion(r.lowerBound / StoreSnapshot.chunkSize...(r.upperBound - 1) / StoreSnapshot.chunkSize)
        }
        return candidates.filter { $0 < count }
    }

    /// Encodes the chunks of `store` that differ from `previous`'s into `feed` (only the
    /// ``snapshotCandidates(dossiers:previous:changed:idsChanged:)`` are encoded and compared), then ends it.
    /// - Returns: the SHA-256 of each chunk of positions it encoded (equal to the stored one or not); the
    ///   others' are `previous`'s. Partial when the writer gave up.
    @discardableResult
    static func encodeSnapshot(_ store: DossierStore, previous: StoredDossiers?, changed: [Range<Int>]?, idsChanged: Bool,
                               indexDelta: Int?, into feed: SnapshotFeed) -> [Int: String] {
        defer { feed.end() }
        var hashed: [Int: String] = [:]
        let candidates = snapshotCandidates(dossiers: store.dossiers.count, previous: previous, changed: changed, idsChanged: idsChanged)
        // A chunk whose records are still pending is the stored one, unchanged (``PendingChunks``).
        for k in candidates.sorted() where k < 0 || !store.isPending(position: k * StoreSnapshot.chunkSize) {
            if k < 0, let row = indexDelta {
                // Only the keys added since the state was read: their slots and tags, in a row of their own.
                guard let bytes = StoreSnapshot.encodeIndexDelta(store) else { continue }
                if StoreSnapshot.deltaKeys(bytes)?.count == 0 { continue }
                guard feed.put((row, bytes, Hashing.sha256(bytes: bytes), Hashing.crc32(bytes: bytes))) else { return hashed }
                continue
            }
            let bytes = k < 0 ? StoreSnapshot.encodeIndex(store) : StoreSnapshot.encode(store, chunk: k)
            let sha = Hashing.sha256(bytes: bytes)
            if k >= 0 { hashed[k] = sha }
            if let previous, previous.hashes[k] == sha { continue }
            guard feed.put((k, bytes, sha, Hashing.crc32(bytes: bytes))) else { return hashed }  // the writer gave up
        }
        return hashed
    }

    /// Applies `write` under `stamp`, one chunk at a time as the feed delivers them.
    static func saveDossierSnapshot(_ db: any SQLSession, _ key: PeriodKey, _ write: SnapshotWrite, stamp: String) throws {
        defer { write.feed.close() }
        let period = try periodID(db, key)
        if write.replaceAll {
            try db.execute("DELETE FROM dossier_snapshot_chunks WHERE period_id = ?", [period])
        } else if let from = write.dropFrom {
            try db.execute("DELETE FROM dossier_snapshot_chunks WHERE period_id = ? AND chunk >= ?", [period, from])
        }
        if write.replaceAll {
            // Every chunk (a first save): one writer, flushed after each chunk so that it never holds more
            // than one, and keeping the buffer it grew for the first (a writer per chunk grew and freed one
            // for each of the 77 chunks at 5M dossiers).
            let insert = try db.bulkWriter(table: "dossier_snapshot_chunks", columns: ["period_id", "chunk", "data", "sha256", "crc32"])
            while let (k, bytes, sha, crc) = write.feed.take() {
                insert.int(period); insert.int(k); insert.blob(bytes); insert.text(sha); insert.int(Int(crc))
                try insert.endRow()
                try insert.flush()
            }
            try insert.finish()
        } else {
            // The few chunks that changed, each replacing its row (on PostgreSQL no statement may run while
            // a COPY is open, so each has a writer of its own).
            while let (k, bytes, sha, crc) = write.feed.take() {
                try db.execute("DELETE FROM dossier_snapshot_chunks WHERE period_id = ? AND chunk = ?", [period, k])
                if k == -1 {  // the id index whole: what nights added to it is in it
                    try db.execute("DELETE FROM dossier_snapshot_chunks WHERE period_id = ? AND chunk < -1", [period])
                }
                let insert = try db.bulkWriter(table: "dossier_snapshot_chunks", columns: ["period_id", "chunk", "data", "sha256", "crc32"])
                insert.int(period); insert.int(k); insert.blob(bytes); insert.text(sha); insert.int(Int(crc))
                try insert.endRow()
                try insert.finish()
            }
        }
        try db.execute("""
            INSERT INTO dossier_snapshot (period_id, stamp, dossiers, chunks) VALUES (?, ?, ?, ?)
            ON CONFLICT (period_id) DO UPDATE SET stamp = excluded.stamp, dossiers = excluded.dossiers, chunks = excluded.chunks
            """, [period, stamp, write.dossiers, write.chunks])
    }

    /// Beyond this share of a period's rows, rewriting the whole period is cheaper than row ranges.
    static func worthRewriting(_ ranges: [Range<Int>], of count: Int) -> Bool {
        StoreDiff.size(ranges) * 4 > max(count, 1) || ranges.count > 10_000
    }

    /// Deletes a per-dossier table's rows at `ranges` of positions and returns the table to insert into.
    static func clearRanges(_ db: any SQLSession, table: String, period: Int, _ ranges: [Range<Int>]) throws -> String {
        let target = try db.periodTable(table: table, periodID: period)
        for r in ranges {
            try db.execute("DELETE FROM \(target) WHERE period_id = ? AND position >= ? AND position < ?", [period, r.lowerBound, r.upperBound])
        }
        return target
    }
}

/// The check of the id index's slots, made piece by piece as they are read, on whichever cores are free
/// (``SQLSession/blobParts(table:column:rowid:head:tail:words:piece:)`` hands them over, and every piece is
/// in before it returns): each piece into a check that no other piece is using at the time.
private final class IndexPieces: @unchecked Sendable {
    private let keys: Int
    private var idle: [ByteTable.SlotCheck] = []
    private let lock = NSLock()

    init(keys: Int) { self.keys = keys }

    func add(_ piece: WordPiece) {
        var check = lock.withLock { idle.popLast() } ?? ByteTable.SlotCheck(count: keys)
        piece.check(into: &check)
        lock.withLock { idle.append(check) }
    }

    /// Every piece's check, as one (once the read has returned).
    var checked: ByteTable.SlotCheck {
        lock.withLock { idle.isEmpty ? ByteTable.SlotCheck(count: keys) : ByteTable.SlotCheck.merged(idle) }
    }
}

/// A BLOB's parts on their way to another core, handed over whole: their array has one owner when it is
/// checked in place (a second would make it a copy).
private final class HeldParts: @unchecked Sendable {
    private var parts: BlobParts?
    init(_ parts: BlobParts) { self.parts = parts }
    /// The parts, once (they are no longer held here).
    func take() -> (head: [UInt8], words: [UInt64], tail: [UInt8]) {
        defer { parts = nil }
        return (parts!.head, parts!.words, parts!.tail)
    }
}

/// Chunks decoded on several cores into one store, each into its own positions and its own bytes of the
/// id arena, in whatever order the cores finish them.
private final class Decoded: @unchecked Sendable {
    private var chunks = 0, bytes = 0
    private var failed = false
    private let lock = NSLock()

    /// A chunk decoded (the bytes of its ids), or nil when it failed.
    func decoded(_ ids: Int?) {
        lock.withLock {
            guard let ids else { failed = true; return }
            chunks += 1
            bytes += ids
        }
    }

    /// What was decoded, with the index and what nights added to it (`deltas`); nil when a chunk or the
    /// index failed, or an addition does not fit it.
    func filled(adding deltas: [[UInt8]]) -> StoreSnapshot.Filled? {
        lock.withLock {
            guard !failed, let index, let whole = StoreSnapshot.applying(deltas, to: index) else { return nil }
            return StoreSnapshot.Filled(chunks: chunks, idBytes: bytes, index: whole, unread: unread)
        }
    }

    /// A chunk left pending without being read: its ids' place kept (`ids` bytes), their keys unread.
    func placed(_ k: Int, ids: Int, crc: Int?, sha: String) {
        lock.withLock {
            chunks += 1
            bytes += ids
            unread.insert(k)
            pending[k] = (crc, sha)
        }
    }
    private var unread: Set<Int> = []

    /// The id index, decoded once its check matched (nil until then, or if it did not or would not decode).
    private var index: ByteTable.Index?
    func setIndex(_ decoded: ByteTable.Index?) { lock.withLock { index = decoded } }

    /// The chunks whose records were left pending (``PendingChunks``), with the CRC-32 (or in a row written
    /// before chiso stored one, the SHA-256) their bytes had.
    private var pending: [Int: (crc: Int?, sha: String)] = [:]
    func keep(_ k: Int, crc: Int?, sha: String) { lock.withLock { pending[k] = (crc, sha) } }
    var kept: [Int: (crc: Int?, sha: String)] { lock.withLock { pending } }
}

/// Encoded chunks handed from the thread that encodes them to the writer, a few at a time. Either side
/// can stop: `end` when every chunk was put, `close` when the writer will take no more (after an
/// error), which also releases an encoder waiting for room.
final class SnapshotFeed: @unchecked Sendable {
    /// A chunk's bytes, its SHA-256 (what a later save compares) and its CRC-32 (what a load checks).
    typealias Chunk = (chunk: Int, bytes: [UInt8], sha256: String, crc32: UInt32)
    private var queue: [Chunk] = []
    private var ended = false, closed = false
    private let capacity: Int
    private let condition = NSCondition()

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false when the writer has closed the feed.
    func put(_ chunk: Chunk) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while queue.count >= capacity && !closed { condition.wait() }
        if closed { return false }
        queue.append(chunk)
        condition.broadcast()
        return true
    }

    /// No more chunks will come.
    func end() {
        condition.lock(); ended = true; condition.broadcast(); condition.unlock()
    }

    /// The writer takes no more.
    func close() {
        condition.lock(); closed = true; queue.removeAll(); condition.broadcast(); condition.unlock()
    }

    /// The next chunk, waiting for it; nil once the encoder has ended and all were taken.
    func take() -> Chunk? {
        condition.lock(); defer { condition.unlock() }
        while queue.isEmpty && !ended && !closed { condition.wait() }
        if queue.isEmpty { return nil }
        let chunk = queue.removeFirst()
        condition.broadcast()
        return chunk
    }
}
