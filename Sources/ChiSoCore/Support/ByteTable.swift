/// A hash map from byte strings to small integer ids, with keys stored in one arena.
///
/// Lookups take the bytes of a field directly, so the hot path neither makes
/// a `String` nor allocates per row. Ids are dense (0, 1, 2, ...) in order of
/// first insertion.
public struct ByteTable: Sendable {
    private var arena: [UInt8] = []
    /// Per id: where its key starts in `arena` (it ends where the next one starts).
    private var starts: [UInt32] = []
    /// Open addressing slots, each the key's hash tag (the low 32 bits of its hash; the slot comes from
    /// the high bits) above id + 1 (0 = empty). A probe compares the tag in the slot it already loaded, so
    /// walking past other keys touches neither their ids' arrays nor the arena (one cache miss, not one
    /// per key passed). Any size, indexed by "fastrange" (the high half of hash × size), so that a
    /// reserved table is not rounded up to a power of two.
    private var slots: [UInt64]
    /// The hash tag of each key from ``taggedFrom`` on (``hashes[id - taggedFrom]``), for what a run
    /// records or fills of the keys it inserts. Keys restored with a stored index keep theirs in their
    /// slots only: giving each its tag again was a cache miss per key.
    private var hashes: [UInt32] = []
    /// The first id whose tag ``hashes`` holds.
    private var taggedFrom = 0
    /// After ``markInserts()``: the first id inserted since, and the slot each one took, in id order; nil
    /// when not asked for, or once the slots were rebuilt (every slot may have moved).
    package private(set) var insertsSinceMark: (firstID: Int, slots: [UInt32])?
    /// The ids whose keys are not in the arena yet (a stored state's chunks that a night does not read,
    /// see ``PendingChunks``); nil when every key is. Their place in the arena is kept, and each of their
    /// starts is their chunk's first byte, until ``fillKeys(chunk:count:from:startsAt:)`` reads them: a
    /// caller that looks a key up first fills the chunks ``unreadCandidates(_:)`` names.
    package private(set) var unread: UnreadKeys?

    /// Ids in chunks of a fixed size whose keys are not read (``unread``).
    package struct UnreadKeys: Sendable, Equatable {
        /// Ids per chunk (chunk `k` holds ids `k * chunkSize ..< (k + 1) * chunkSize`).
        package let chunkSize: Int
        /// The chunks whose keys are not read.
        package var chunks: Set<Int>
        package init(chunkSize: Int, chunks: Set<Int>) {
            self.chunkSize = chunkSize
            self.chunks = chunks
        }
    }

    /// An empty table sized for about `capacity` keys.
    public init(capacity: Int = 64) {
        slots = Array(repeating: 0, count: max(16, capacity * 4 / 3 + 1))
    }

    @inline(__always)
    private func home(_ h: UInt64) -> Int { Int(h.multipliedFullWidth(by: UInt64(slots.count)).high) }

    @inline(__always)
    private func next(_ i: Int) -> Int { i + 1 == slots.count ? 0 : i + 1 }

    @inline(__always)
    private static func slot(id: Int, tag: UInt32) -> UInt64 { UInt64(tag) << 32 | UInt64(id + 1) }

    @inline(__always)
    private static func tag(_ h: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: h) }

    /// Makes room for `count` keys of about `keyBytes` bytes each, so that a big load does not grow (and
    /// briefly double) its arrays step by step.
    /// Capacity beyond what is used costs address space, not memory; the slots, written at random, are
    /// sized for `slotCount` keys (default `count`) and grow if needed.
    public mutating func reserve(_ count: Int, keyBytes: Int, slotCount: Int? = nil) {
        arena.reserveCapacity(count * keyBytes)
        starts.reserveCapacity(count)
        hashes.reserveCapacity(count)
        let size = (slotCount ?? count) * 4 / 3 + 1
        if size > slots.count { rehash(size: size) }
    }

    /// The hash index (the slot count, each slot as it is: its key's hash tag above id + 1, then the key
    /// count), for the warehouse's snapshot: restoring it spares rehashing and reinserting a million keys,
    /// and reads it in one sequential pass (the tags per key follow from the slots).
    package func encodeIndex(into w: inout ByteWriter) {
        w.u32(UInt32(slots.count))
        for s in slots { w.u64(s) }
        w.u32(UInt32(starts.count))
    }

    /// From now on, records the slot each inserted key takes (``insertsSinceMark``): what a nightly run
    /// stores instead of the whole index when it only added keys.
    package mutating func markInserts() { insertsSinceMark = (starts.count, []) }

    /// The hash tag of `id`'s key (the low 32 bits of its hash): kept for keys inserted here, hashed again
    /// for keys restored with a stored index.
    private func tag(of id: Int) -> UInt32 {
        id >= taggedFrom ? hashes[id - taggedFrom] : ByteTable.tag(ByteTable.withKeyHash(self, id))
    }

    /// What ``insertsSinceMark`` recorded, for ``Index/apply(delta:)``: the first id, the count, then each
    /// key's slot and tag; nil when nothing is recorded (not marked, or the slots were rebuilt since).
    package func encodeDelta(into w: inout ByteWriter) -> Bool {
        guard let (first, taken) = insertsSinceMark else { return false }
        w.u32(UInt32(first)); w.u32(UInt32(taken.count))
        for (j, slot) in taken.enumerated() { w.u32(slot); w.u32(tag(of: first + j)) }
        return true
    }

    /// The hash index `encodeIndex` wrote, read apart from the keys it indexes, so that a caller can decode
    /// it on one core while the keys are gathered on another.
    package struct Index: Sendable {
        fileprivate private(set) var slots: [UInt64]
        /// Keys the slots name (ids 0..<keys).
        fileprivate private(set) var keys: Int

        /// Adds what ``insertsSinceMark`` recorded for the keys after the index's own (``encodeDelta``):
        /// false when it does not fit (keys not next in order, a slot taken or out of range, the table over
        /// three-quarters full), leaving the index unusable.
        package mutating func apply(delta r: inout ByteReader) -> Bool {
            guard let first = r.u32().map(Int.init), first == keys, let n = r.u32().map(Int.init),
                  r.remaining == 8 * n, (first + n) * 4 <= slots.count * 3 else { return false }
            for j in 0..<n {
                guard let s = r.u32().map(Int.init), let tag = r.u32(), s < slots.count, slots[s] == 0 else { return false }
                slots[s] = UInt64(tag) << 32 | UInt64(first + j + 1)
            }
            keys += n
            return true
        }

        /// The index of a table of `count` keys; nil when it does not fit them (a slot naming no key or a
        /// key twice, a key in no slot, a table over three-quarters full, bytes missing).
        package init?(count: Int, from r: inout ByteReader) {
            // The bytes must hold the slots before any memory is sized from `n`.
            guard let n = r.u32().map(Int.init), n >= 16, count * 4 <= n * 3, r.remaining >= 8 * n + 4,
                  let slotBytes = r.take(8 * n), r.u32() == UInt32(count)
            else { return nil }
            let slots = [UInt64](unsafeUninitializedCapacity: n) { out, made in
                slotBytes.withUnsafeBytes { raw in
                    for k in 0..<n { out[k] = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self) }
                }
                made = n
            }
            self.init(count: count, slots: slots)
        }

        /// The index of a table of `count` keys from its slots as stored (little-endian, read straight into
        /// the array by the caller: the 53 MB of a 5M state are then never copied); nil when they do not
        /// fit the keys (as above). The check runs in `parts` ranges of the slots at once when `run` is given.
        package init?(count: Int, slots stored: consuming [UInt64], parts: Int = 1, run: Parts? = nil) {
            var slots = consume stored  // its only owner: checked in place, not copied
            let n = slots.count
            guard n >= 16, count >= 0, count * 4 <= n * 3, count < Int(UInt32.max) else { return nil }  // before sizing the check
            #if _endian(big)
            for k in 0..<n { slots[k] = UInt64(littleEndian: slots[k]) }
            #endif
            let parts = run == nil ? 1 : max(1, min(parts, n / 16))
            var checks = (0..<parts).map { _ in SlotCheck(count: count) }  // a bitmap each, not one shared
            slots.withUnsafeBufferPointer { all in
                checks.withUnsafeMutableBufferPointer { cb in
                    let at = IndexCheck(slots: all, checks: cb.baseAddress!)
                    let check: @Sendable (Int) -> Void = { t in
                        at.checks[t].check(UnsafeBufferPointer(rebasing: at.slots[(t * n / parts)..<((t + 1) * n / parts)]))
                    }
                    if let run, parts > 1 { run(parts, check) } else { check(0) }
                }
            }
            self.init(count: count, slots: consume slots, checked: SlotCheck.merged(checks))
        }

        /// The index of a table of `count` keys from its slots (in this machine's byte order) and the check
        /// of every one of them, made as they were read (``SlotCheck``); nil when they do not fit the keys.
        package init?(count: Int, slots: consuming [UInt64], checked: SlotCheck) {
            let n = slots.count
            guard n >= 16, count * 4 <= n * 3, count < Int(UInt32.max), checked.count == count, checked.slots == n,
                  checked.namesEveryKeyOnce else { return nil }
            self.slots = slots
            self.keys = count
        }
    }

    /// The check that an index's slots name each of `count` keys exactly once, made over ranges of the
    /// slots as they come (each slot once, in any order): a caller reading the 53 MB of a 5M index in
    /// pieces checks each piece on another core while it reads the next.
    ///
    /// Each range sets a bit per key its slots name (an empty slot sets the spare bit `count`) and counts
    /// them: every key in exactly one slot is as many named slots as keys and as many distinct bits, none
    /// past `count`; an empty slot must be all zeros. Branch-free, so that the slots stream through at
    /// memory speed (the tags stay in the slots: written per key apart from them, joining the two cost a
    /// cache miss per key, 0.15 s of CPU at 5M keys).
    package struct SlotCheck: Sendable {
        /// The keys the slots must name.
        package let count: Int
        /// How many slots were checked.
        package private(set) var slots = 0
        private var seen: [UInt64]
        private var named = 0
        private var bad: UInt64 = 0

        package init(count: Int) {
            self.count = max(0, count)
            seen = [UInt64](repeating: 0, count: max(0, count) / 64 + 1)
        }

        /// Checks `range`, slots in this machine's byte order.
        package mutating func check(_ range: UnsafeBufferPointer<UInt64>) {
            // In integer arithmetic, not conditions: an empty slot is about one in four, at random, and the
            // branches the compiler made of `empty ? … : …` mispredicted a third of the time.
            let count = UInt64(self.count)
            var named: UInt64 = 0, bad: UInt64 = 0
            seen.withUnsafeMutableBufferPointer { seen in
                for s in range {
                    let id = s & 0xFFFF_FFFF
                    let empty = (id &- 1) >> 63  // 1 for an empty slot (id 0 wraps), else 0
                    bad |= (s & (0 &- empty)) | ((count &- id) >> 63)  // an empty slot's bits; an id past count
                    let j = min(id &- 1, count)  // an empty slot's wrapped id sets the spare bit
                    seen[Int(j >> 6)] |= 1 << (j & 63)
                    named &+= 1 &- empty
                }
            }
            self.named &+= Int(named)
            self.bad |= bad
            slots += range.count
        }

        /// The checks of disjoint ranges, as one.
        package static func merged(_ checks: [SlotCheck]) -> SlotCheck {
            var all = checks[0]
            for c in checks.dropFirst() {
                for w in all.seen.indices { all.seen[w] |= c.seen[w] }
                all.named &+= c.named
                all.bad |= c.bad
                all.slots += c.slots
            }
            return all
        }

        /// Whether the slots checked name every key exactly once (and no other, and hold nothing in an
        /// empty slot).
        package var namesEveryKeyOnce: Bool {
            guard bad == 0, named == count else { return false }
            var distinct = 0
            for (w, word) in seen.enumerated() {
                distinct += (w == count >> 6 ? word & ~(1 << UInt64(count & 63)) : word).nonzeroBitCount  // not the spare bit
            }
            return distinct == count
        }
    }

    /// A table from its keys (one arena, each key's start) and the index `encodeIndex` wrote; nil when
    /// they do not fit together (starts not increasing within the arena, or what ``Index`` refuses).
    package init?(arena: [UInt8], starts: [UInt32], index r: inout ByteReader) {
        guard let index = Index(count: starts.count, from: &r) else { return nil }
        self.init(arena: arena, starts: starts, index: index)
    }

    /// A table from its keys and an index already read; nil when the index is for another number of keys
    /// or the starts are not increasing within the arena. With `unread`, the keys of those chunks are not
    /// in the arena yet (their starts all at their place's first byte; see ``unread``).
    package init?(arena: [UInt8], starts: [UInt32], index: Index, unread: UnreadKeys? = nil) {
        guard index.keys == starts.count, starts.first.map({ $0 == 0 }) ?? arena.isEmpty else { return nil }
        for i in starts.indices.dropFirst() where starts[i] < starts[i - 1] { return nil }
        guard Int(starts.last ?? 0) <= arena.count else { return nil }
        if let unread {
            guard unread.chunkSize > 0, unread.chunks.allSatisfy({ $0 >= 0 && $0 * unread.chunkSize < starts.count }) else { return nil }
        }
        self.arena = arena
        self.starts = starts
        self.slots = index.slots
        self.taggedFrom = index.keys
        self.unread = unread.flatMap { $0.chunks.isEmpty ? nil : $0 }
    }

    /// The chunks of unread keys (``unread``) that looking `key` up would compare it with: those of the
    /// ids its probe meets that carry its hash tag. A caller fills them before it looks the key up or
    /// inserts it; with no unread keys, none.
    package func unreadCandidates(_ key: FieldBytes) -> [Int] {
        guard let unread else { return [] }
        let h = ByteTable.hash(key.buffer)
        let tag = ByteTable.tag(h)
        var i = home(h)
        var chunks: [Int] = []
        while true {
            let s = slots[i]
            if s == 0 { return chunks }
            if UInt32(truncatingIfNeeded: s >> 32) == tag {
                let chunk = (Int(s & 0xFFFF_FFFF) - 1) / unread.chunkSize
                if unread.chunks.contains(chunk) && !chunks.contains(chunk) { chunks.append(chunk) }
            }
            i = next(i)
        }
    }

    /// Whether adding `n` keys rebuilds the slots (past three-quarters full), which hashes every key again:
    /// a caller with unread keys fills them all first.
    package func rebuildsSlots(adding n: Int) -> Bool { (starts.count + n) * 4 > slots.count * 3 }

    /// Reads the keys of unread chunk `k` (its `n` ids) into the place kept for them, from a stored chunk's
    /// `bytes`: at `startsAt` where each key starts among them (little-endian 32-bit offsets, the first 0,
    /// none going down), then from `startsAt + 4 * n` the keys one after another to the end. False, with
    /// nothing changed, when the chunk is not unread, its `n` ids run past the table, or the keys do not
    /// fill their place exactly or their starts are not as above.
    package mutating func fillKeys(chunk k: Int, count n: Int, from bytes: [UInt8], startsAt: Int) -> Bool {
        guard var waiting = unread, waiting.chunks.contains(k) else { return false }
        let first = k * waiting.chunkSize
        guard n > 0, n <= waiting.chunkSize, first + n <= starts.count, startsAt >= 0, startsAt + 4 * n <= bytes.count
        else { return false }
        let place = Int(starts[first])
        let end = first + n < starts.count ? Int(starts[first + n]) : arena.count
        let keyBytes = bytes.count - startsAt - 4 * n
        guard end - place == keyBytes else { return false }
        let read = bytes.withUnsafeBytes { raw -> [UInt32]? in
            var previous: UInt32 = 0
            var out = [UInt32](repeating: 0, count: n)
            for j in 0..<n {
                let start = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: startsAt + 4 * j, as: UInt32.self))
                guard j == 0 ? start == 0 : start >= previous, Int(start) <= keyBytes else { return nil }
                previous = start
                out[j] = UInt32(place) + start
            }
            return out
        }
        guard let read else { return false }
        starts.replaceSubrange(first..<first + n, with: read)
        if keyBytes > 0 {
            arena.withUnsafeMutableBytes { a in
                bytes.withUnsafeBytes { b in
                    a.baseAddress!.advanced(by: place).copyMemory(from: b.baseAddress! + startsAt + 4 * n, byteCount: keyBytes)
                }
            }
        }
        waiting.chunks.remove(k)
        unread = waiting.chunks.isEmpty ? nil : waiting
        return true
    }

    /// Hands each of the table's buffers to `release` (to give their memory back) and leaves it empty.
    package mutating func releaseStorage(_ release: MemoryRelease) {
        releasing(&arena, release); releasing(&starts, release); releasing(&slots, release); releasing(&hashes, release)
        slots = Array(repeating: 0, count: 16)
        taggedFrom = 0
        insertsSinceMark = nil
        unread = nil
    }

    /// Bytes held, for traces: arena, starts, slots.
    public var footprint: String {
        "arena \(arena.count)/\(arena.capacity) starts \(starts.count) slots \(slots.count)"
    }

    /// Number of distinct keys.
    public var count: Int { starts.count }

    @inline(__always)
    package static func hash(_ key: FieldBytes) -> UInt64 { hash(key.buffer) }

    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // 8 bytes at a time with a multiply-xorshift mix (keys are ids and codes of 5–40 bytes).
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let p = key.baseAddress else { return h }
        var i = 0
        let n = key.count
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { w |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            h = (h ^ w) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        h = h &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    /// The id of `key`, if present.
    package func find(_ key: FieldBytes) -> Int? { find(key.buffer) }

    private func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = ByteTable.hash(key)
        let tag = ByteTable.tag(h)
        var i = home(h)
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if UInt32(truncatingIfNeeded: s >> 32) == tag {
                let id = Int(s & 0xFFFF_FFFF) - 1
                if equals(id, key) { return id }
            }
            i = next(i)
        }
    }

    /// The id of each key of `batch`, in order, -1 for a key absent. The same answers as ``find(_:)`` key by
    /// key, but the batch's cache misses are asked for side by side (``chiso_prefetch``): every key's slot
    /// first, then where each candidate key starts, then its bytes, and only then is any compared. A key
    /// whose candidate differs (another key with the same 32-bit tag) is looked up alone.
    package func find(_ batch: KeyBatch, into ids: inout [Int]) {
        ids.removeAll(keepingCapacity: true)
        let n = batch.count
        guard n > 0 else { return }
        slots.withUnsafeBufferPointer { sp in
            starts.withUnsafeBufferPointer { st in
                for k in 0..<n { chiso_prefetch(sp.baseAddress! + home(batch.hashes[k])) }
                for k in 0..<n {
                    // The probe as ``find(_:)`` walks it, up to the first slot with the key's tag (its
                    // candidate) or an empty one (absent); the slots after the home one are mostly in its line.
                    let h = batch.hashes[k], tag = ByteTable.tag(h)
                    var i = home(h)
                    var id = -1
                    while true {
                        let s = sp[i]
                        if s == 0 { break }
                        if UInt32(truncatingIfNeeded: s >> 32) == tag {
                            id = Int(s & 0xFFFF_FFFF) - 1
                            chiso_prefetch(st.baseAddress! + id)
                            break
                        }
                        i = next(i)
                    }
                    ids.append(id)
                }
                arena.withUnsafeBufferPointer { ar in
                    guard let base = ar.baseAddress else { return }
                    for k in 0..<n where ids[k] >= 0 { chiso_prefetch(base + Int(st[ids[k]])) }
                }
            }
        }
        batch.bytes.withUnsafeBufferPointer { keys in
            for k in 0..<n where ids[k] != -1 {
                let key = UnsafeBufferPointer(rebasing: keys[batch.range(k)])
                if ids[k] >= 0 && equals(ids[k], key) { continue }
                ids[k] = find(key) ?? -1
            }
        }
    }

    /// The id of `key`, inserting it if absent; `inserted` tells which.
    @discardableResult
    package mutating func insert(_ key: FieldBytes) -> (id: Int, inserted: Bool) { insert(key.buffer) }

    @discardableResult
    private mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int, inserted: Bool) {
        let h = ByteTable.hash(key)
        let tag = ByteTable.tag(h)
        var i = home(h)
        while true {
            let s = slots[i]
            if s == 0 { break }
            if UInt32(truncatingIfNeeded: s >> 32) == tag {
                let id = Int(s & 0xFFFF_FFFF) - 1
                if equals(id, key) { return (id, false) }
            }
            i = next(i)
        }
        let id = starts.count
        precondition(arena.count + key.count <= Int(UInt32.max), "ByteTable: more than 4 GiB of keys")
        starts.append(UInt32(arena.count))
        arena.append(contentsOf: key)
        hashes.append(tag)
        slots[i] = ByteTable.slot(id: id, tag: tag)
        insertsSinceMark?.slots.append(UInt32(i))
        if starts.count * 4 > slots.count * 3 { grow() }  // load factor at most 3/4
        return (id, true)
    }

    /// Convenience for strings (configuration, tests).
    @discardableResult
    public mutating func insert(_ key: String) -> (id: Int, inserted: Bool) {
        FieldBytes.of(key) { insert($0) }
    }

    /// The id of `key`, if interned.
    public func find(_ key: String) -> Int? {
        FieldBytes.of(key) { find($0) }
    }

    /// The key of `id` as a string.
    public func key(_ id: Int) -> String {
        withKey(id) { $0.string }
    }

    @inline(__always)
    private func span(_ id: Int) -> (start: Int, count: Int) {
        let start = Int(starts[id])
        let end = id + 1 < starts.count ? Int(starts[id + 1]) : arena.count
        return (start, end - start)
    }

    /// Calls `body` with the key bytes of `id` (no string is made).
    package func withKey<T>(_ id: Int, _ body: (FieldBytes) throws -> T) rethrows -> T {
        let span = span(id)
        return try arena.withUnsafeBufferPointer {
            try body(FieldBytes(unsafe: UnsafeBufferPointer(rebasing: $0[span.start..<span.start + span.count])))
        }
    }

    /// Calls `body` with the key bytes of the ids in `ids`, one after another as they lie in the arena
    /// (each id's key ends where the next one's starts).
    package func withKeys<T>(_ ids: Range<Int>, _ body: (FieldBytes) throws -> T) rethrows -> T {
        guard !ids.isEmpty else { return try body(.empty) }
        let start = span(ids.lowerBound).start, last = span(ids.upperBound - 1)
        return try arena.withUnsafeBufferPointer {
            try body(FieldBytes(unsafe: UnsafeBufferPointer(rebasing: $0[start..<last.start + last.count])))
        }
    }

    private func withRawKey<T>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let span = span(id)
        return try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[span.start..<span.start + span.count])) }
    }

    @inline(__always)
    private func equals(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = span(id)
        guard span.count == key.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            guard let kb = key.baseAddress, let ab = a.baseAddress else { return key.isEmpty }
            return memcmp(ab + span.start, kb, span.count) == 0
        }
    }

    /// The full hash of a stored key (the table keeps only 32 bits of it).
    private static func withKeyHash(_ t: ByteTable, _ id: Int) -> UInt64 { t.withRawKey(id) { hash($0) } }

    /// Work split in `parts` that a caller runs on several cores at once, each part on one core, and
    /// returns once every part is done (the shell's concurrent loop: the core starts no threads).
    package typealias Parts = (_ parts: Int, _ part: @escaping @Sendable (Int) -> Void) -> Void

    /// For each key of `other`, its id in this table or -1: looked up in `parts` ranges of `other`'s ids
    /// at once (reading this table only).
    package func ids(of other: ByteTable, parts: Int, run: Parts) -> [Int32] {
        let count = other.count
        return [Int32](unsafeUninitializedCapacity: count) { out, made in
            let sink = SendableInts(out.baseAddress!)
            run(parts) { t in
                for j in (t * count / parts)..<((t + 1) * count / parts) {
                    sink.base[j] = Int32(other.withRawKey(j) { self.find($0) } ?? -1)
                }
            }
            made = count
        }
    }

    /// Adds `other`'s keys at `ids` (each absent from this table, and distinct), in that order, as this
    /// table's next ids, and fills their slots in `parts` slot ranges at once: a part writes only slots of
    /// its own range and leaves a key whose probe would leave it to one core at the end. The table is the
    /// one inserting them one by one makes, up to where each key sits in its probe run (a lookup walks
    /// the same run either way).
    package mutating func append(absent ids: [Int], of other: ByteTable, parts: Int, run: Parts) {
        guard !ids.isEmpty else { return }
        insertsSinceMark = nil  // what a night's save would record is not kept for this way in
        let first = starts.count
        for j in ids {
            other.withRawKey(j) { key in
                precondition(arena.count + key.count <= Int(UInt32.max), "ByteTable: more than 4 GiB of keys")
                starts.append(UInt32(arena.count))
                arena.append(contentsOf: key)
            }
            hashes.append(other.tag(of: j))
        }
        if starts.count * 4 > slots.count * 3 {  // past three-quarters full: every slot moves anyway
            rehash(size: max(slots.count * 3 / 2, starts.count * 4 / 3 + 1))
            return
        }
        let n = slots.count
        let homes = ByteTable.homes(of: self, ids: first..<starts.count, slotCount: n, parts: parts, run: run)
        var left: [[Int]] = Array(repeating: [], count: parts)
        let tags = hashes, tagBase = taggedFrom
        slots.withUnsafeMutableBufferPointer { buffer in
            let table = SendableSlots(buffer.baseAddress!)
            left.withUnsafeMutableBufferPointer { leftovers in
                let out = SendableLeft(leftovers.baseAddress!)
                run(parts) { t in
                    let lo = t * n / parts, hi = (t + 1) * n / parts
                    var mine: [Int] = []
                    for (k, home) in homes.enumerated() where home >= lo && home < hi {
                        let id = first + k
                        var i = home
                        while true {
                            if i >= hi { mine.append(id); break }  // its probe leaves this range: at the end
                            if table.base[i] == 0 { table.base[i] = ByteTable.slot(id: id, tag: tags[id - tagBase]); break }
                            i += 1
                        }
                    }
                    out.base[t] = mine
                }
            }
        }
        for id in left.joined() {
            var i = homes[id - first]
            while slots[i] != 0 { i = next(i) }
            slots[i] = ByteTable.slot(id: id, tag: hashes[id - taggedFrom])
        }
    }

    /// The home slot of each of `keys`' ids in `ids`, in a table of `slotCount` slots, hashed in parts at
    /// once (`keys` is held only for the call, so that the caller's slots stay its own to write).
    private static func homes(of keys: ByteTable, ids: Range<Int>, slotCount n: Int, parts: Int, run: Parts) -> [Int] {
        [Int](unsafeUninitializedCapacity: ids.count) { out, made in
            let sink = SendableHomes(out.baseAddress!)
            run(parts) { t in
                let lo = ids.lowerBound + t * ids.count / parts, hi = ids.lowerBound + (t + 1) * ids.count / parts
                for id in lo..<hi {
                    let h = keys.withRawKey(id) { ByteTable.hash($0) }
                    sink.base[id - ids.lowerBound] = Int(h.multipliedFullWidth(by: UInt64(n)).high)
                }
            }
            made = ids.count
        }
    }

    private mutating func grow() { rehash(size: slots.count * 3 / 2) }

    private mutating func rehash(size: Int) {
        insertsSinceMark = nil
        slots = Array(repeating: 0, count: size)
        for id in 0..<starts.count {
            let h = ByteTable.withKeyHash(self, id)
            var i = home(h)
            while slots[i] != 0 { i = next(i) }
            slots[i] = ByteTable.slot(id: id, tag: ByteTable.tag(h))
        }
    }
}

/// What receives a buffer whose memory the caller is done with (``ByteTable/releaseStorage(_:)``,
/// ``DossierStore/releaseStorage(_:)``): the shell gives its pages back to the system.
package typealias MemoryRelease = (UnsafeMutableRawBufferPointer) -> Void

/// Asks the CPU for the cache lines of `array`'s elements at `indices` (those in range; -1 is skipped),
/// which the caller reads next.
package func prefetch<T>(_ array: [T], _ indices: [Int]) {
    array.withUnsafeBufferPointer { a in
        guard let base = a.baseAddress else { return }
        for i in indices where i >= 0 && i < a.count { chiso_prefetch(base + i) }
    }
}

/// Hands `array`'s elements to `release`, then empties it (its buffer is freed once no one else holds it).
/// The array must be its buffer's only owner, or it is copied first.
package func releasing<T>(_ array: inout [T], _ release: MemoryRelease) {
    array.withUnsafeMutableBytes(release)
    array = []
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPrefetch

/// Pointers into buffers that ``ByteTable``'s parts fill at once, each part its own elements.
private struct SendableInts: @unchecked Sendable { let base: UnsafeMutablePointer<Int32>; init(_ b: UnsafeMutablePointer<Int32>) { base = b } }
private struct SendableHomes: @unchecked Sendable { let base: UnsafeMutablePointer<Int>; init(_ b: UnsafeMutablePointer<Int>) { base = b } }
private struct SendableSlots: @unchecked Sendable { let base: UnsafeMutablePointer<UInt64>; init(_ b: UnsafeMutablePointer<UInt64>) { base = b } }
private struct SendableLeft: @unchecked Sendable { let base: UnsafeMutablePointer<[Int]>; init(_ b: UnsafeMutablePointer<[Int]>) { base = b } }
/// The slots and the checks of ``ByteTable/Index/init(count:slots:parts:run:)``, each part checking its
/// own range into its own ``ByteTable/SlotCheck``.
private struct IndexCheck: @unchecked Sendable {
    let slots: UnsafeBufferPointer<UInt64>
    let checks: UnsafeMutablePointer<ByteTable.SlotCheck>
}
