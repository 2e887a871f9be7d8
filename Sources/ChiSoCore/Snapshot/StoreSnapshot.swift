/// The merged dossier store (ids, dossiers, links) as bytes, in chunks of ``chunkSize`` positions plus
/// the id table's hash index: what the warehouse keeps between runs so that a night that changes one
/// export starts from the stored state (decoded in a fraction of the time that reading a million rows
/// back from the tables takes), and rewrites only the chunks that changed.
package enum StoreSnapshot {
    /// Positions per chunk: a changed row rewrites a few MB, not the whole store.
    package static let chunkSize = 65_536
    private static let magic: UInt32 = 0x5353_4843  // "CHSS"
    /// The format of what nights add to the id index (``encodeIndexDelta(_:)``).
    private static let version: UInt8 = 1
    /// The id index's own format: 2 since the slots are written whole (8 bytes each, tags and ids
    /// together); an index of version 1 is refused, so the state is rebuilt once.
    private static let indexVersion: UInt8 = 2

    /// How many chunks a store of `count` dossiers takes.
    package static func chunkCount(_ count: Int) -> Int { (count + chunkSize - 1) / chunkSize }

    /// The format of a chunk: 3 since its dossiers are records of fixed size, then its links, then where
    /// each id starts and the ids, so that a chunk decodes in one pass after one check of its size and its
    /// ids are copied into the store's id arena whole (a chunk of an earlier version is refused, so the
    /// state is rebuilt once).
    private static let chunkVersion: UInt8 = 3
    /// Bytes of a chunk before its dossiers: magic, version, first position, positions, bytes of its
    /// links, bytes of its ids.
    package static let chunkHead = 21
    /// The fewest bytes a position takes in a chunk: its dossier, links with no rows, where its id starts.
    package static let leastBytesPerDossier = Dossier.recordBytes + 2 + 4

    /// The bytes of chunk `chunk` of `store`: a head, per position its dossier's record, then per position
    /// its links, then per position where its id starts among the chunk's ids, then the ids one after
    /// another.
    package static func encode(_ store: DossierStore, chunk: Int) -> [UInt8] {
        let first = chunk * chunkSize
        let end = min(store.dossiers.count, first + chunkSize)
        let idBytes = store.ids.withKeys(first..<end) { $0.count }
        var links = ByteWriter(capacity: (end - first) * 8)
        for i in first..<end { store.links[i].encode(into: &links) }
        var w = ByteWriter(capacity: chunkHead + (end - first) * (Dossier.recordBytes + 4) + links.bytes.count + idBytes)
        w.u32(magic); w.u8(chunkVersion); w.u32(UInt32(first)); w.u32(UInt32(end - first))
        w.u32(UInt32(links.bytes.count)); w.u32(UInt32(idBytes))
        for i in first..<end { store.dossiers[i].encode(into: &w) }
        w.raw(links.bytes)
        var at: UInt32 = 0
        for i in first..<end {
            w.u32(at)
            store.ids.withKey(i) { at += UInt32($0.count) }
        }
        store.ids.withKeys(first..<end) { w.raw($0) }
        return w.bytes
    }

    /// What a chunk's head says: its first position, how many, the bytes of their links and of their ids;
    /// nil when the bytes are not a chunk chiso wrote (of this version, and of the size its head gives).
    package static func chunkHead(_ bytes: [UInt8]) -> (first: Int, count: Int, linkBytes: Int, idBytes: Int)? {
        chunkHead(prefix: bytes, size: bytes.count)
    }

    /// The same from a chunk's first bytes (at least ``chunkHead`` of them) and its size: what a caller that
    /// does not read the whole chunk checks.
    package static func chunkHead(prefix bytes: [UInt8], size: Int) -> (first: Int, count: Int, linkBytes: Int, idBytes: Int)? {
        var r = ByteReader(bytes)
        guard r.u32() == magic, r.u8() == chunkVersion, let first = r.u32().map(Int.init), let n = r.u32().map(Int.init),
              let links = r.u32().map(Int.init), let ids = r.u32().map(Int.init), n <= chunkSize,
              links >= 2 * n, links <= DossierLinks.mostBytes * n,
              size == chunkHead + n * (Dossier.recordBytes + 4) + links + ids
        else { return nil }
        return (first, n, links, ids)
    }

    /// The bytes of the ids of a chunk, from its head (``chunkHead(_:)``): what a caller that decodes
    /// chunks in order on several cores adds up to know where each one's ids go
    /// (``decode(chunk:_:units:idsAt:into:)``).
    package static func chunkIDBytes(_ bytes: [UInt8]) -> Int? { chunkHead(bytes)?.idBytes }

    /// The bytes of the id table's hash index.
    package static func encodeIndex(_ store: DossierStore) -> [UInt8] {
        var w = ByteWriter(capacity: store.dossiers.count * 11 + 64)
        w.u32(magic); w.u8(indexVersion)
        store.ids.encodeIndex(into: &w)
        return w.bytes
    }

    /// The bytes of what the id index gained since the state was loaded (``DossierStore/markIDInserts()``):
    /// each new key's slot and tag, a few bytes per key where the whole index is 47 MB at 5M dossiers. Nil
    /// when the index must be written whole: nothing was recorded, or its slots were rebuilt since.
    package static func encodeIndexDelta(_ store: DossierStore) -> [UInt8]? {
        var w = ByteWriter(capacity: 64 + 8 * (store.ids.insertsSinceMark?.slots.count ?? 0))
        w.u32(magic); w.u8(version)
        return store.ids.encodeDelta(into: &w) ? w.bytes : nil
    }

    /// The keys a delta adds, from its header: the first one's id and how many; nil when it is not one
    /// chiso wrote.
    package static func deltaKeys(_ bytes: [UInt8]) -> (first: Int, count: Int)? {
        var r = ByteReader(bytes)
        guard r.u32() == magic, r.u8() == version, let first = r.u32(), let n = r.u32() else { return nil }
        return (Int(first), Int(n))
    }

    /// `index` with `deltas` applied in the order of their keys; nil when one does not fit (the keys must
    /// follow on from the index's, each delta from the one before).
    package static func applying(_ deltas: [[UInt8]], to index: ByteTable.Index) -> ByteTable.Index? {
        var index = index
        for delta in deltas.sorted(by: { (deltaKeys($0)?.first ?? -1) < (deltaKeys($1)?.first ?? -1) }) {
            var r = ByteReader(delta)
            guard r.u32() == magic, r.u8() == version, index.apply(delta: &r) else { return nil }
        }
        return index
    }

    /// Decodes chunk `k` of a snapshot over a registry of `units` rows into its positions of `target`, its
    /// ids into the store's id arena from byte `offset` (the ids of the chunks before it: chunks are placed
    /// in order, each after the one before, whichever decodes first).
    /// - Returns: the bytes of its ids; nil when the bytes are not a chunk chiso wrote for those positions,
    ///   or its ids do not fit there (what it wrote of them is then garbage, and the caller must give up the
    ///   whole).
    package static func decode(chunk bytes: [UInt8], _ k: Int, units: Int, idsAt offset: Int, into target: Target,
                               records: Bool = true) -> Int? {
        let first = k * chunkSize
        guard k >= 0, first < target.count, let head = chunkHead(bytes), head.first == first,
              head.count == min(chunkSize, target.count - first),
              target.fill(bytes, first: first, count: head.count, linkBytes: head.linkBytes, idBytes: head.idBytes,
                          units: units, idsAt: offset, records: records) else { return nil }
        return head.idBytes
    }

    /// The id table's hash index from its bytes, for a store of `count` dossiers; nil when it is not one
    /// chiso wrote for that many. Independent of the chunks, so a caller may decode it beside them.
    package static func decodeIndex(_ bytes: [UInt8], count: Int) -> ByteTable.Index? {
        var r = ByteReader(bytes)
        guard r.u32() == magic, r.u8() == indexVersion, let index = ByteTable.Index(count: count, from: &r), r.atEnd else { return nil }
        return index
    }

    /// Bytes of the id index before its slots (magic, version, slot count) and after them (key count): a
    /// caller that reads the slots straight into an array reads these apart.
    package static let indexHead = 9, indexTail = 4

    /// The number of slots of an index of `size` bytes whose first ``indexHead`` bytes are `head`; nil when
    /// they are not an index chiso wrote, or the size does not fit them.
    package static func indexSlots(head: [UInt8], size: Int) -> Int? {
        var r = ByteReader(head)
        guard head.count == indexHead, r.u32() == magic, r.u8() == indexVersion, let n = r.u32().map(Int.init),
              size == indexHead + 8 * n + indexTail else { return nil }
        return n
    }

    /// The id index from its parts, read apart (``indexSlots(head:size:)``): the slots as stored, then the
    /// last ``indexTail`` bytes; nil when they are not an index of `count` keys.
    /// With `run`, the slots are checked in two parts at once.
    package static func decodeIndex(slots: consuming [UInt64], tail: [UInt8], count: Int, run: ByteTable.Parts? = nil) -> ByteTable.Index? {
        var r = ByteReader(tail)
        guard r.u32() == UInt32(count), r.atEnd else { return nil }
        return ByteTable.Index(count: count, slots: consume slots, parts: 2, run: run)
    }

    /// The id index from slots as stored whose every piece was checked as it was read (`checked`, over
    /// the slots in this machine's byte order); nil when they are not an index of `count` keys.
    package static func decodeIndex(slots stored: consuming [UInt64], tail: [UInt8], count: Int,
                                    checked: ByteTable.SlotCheck) -> ByteTable.Index? {
        var r = ByteReader(tail)
        guard r.u32() == UInt32(count), r.atEnd else { return nil }
        var slots = consume stored
        #if _endian(big)
        for k in slots.indices { slots[k] = UInt64(littleEndian: slots[k]) }
        #endif
        return ByteTable.Index(count: count, slots: consume slots, checked: checked)
    }

    /// The store back from its index and chunks in order, on one core; nil when they are not a whole,
    /// well-formed snapshot of `count` dossiers over a registry of `units` rows.
    package static func decode(index: [UInt8], chunks: [[UInt8]], count: Int, units: Int) -> DossierStore? {
        guard chunks.count == chunkCount(count), let index = decodeIndex(index, count: count) else { return nil }
        return assemble(count: count, idBytes: chunks.reduce(0) { $0 + $1.count }) { target in
            var placed = 0
            for (k, chunk) in chunks.enumerated() {
                guard let ids = decode(chunk: chunk, k, units: units, idsAt: placed, into: target) else { return nil }
                placed += ids
            }
            return Filled(chunks: chunks.count, idBytes: placed, index: index)
        }
    }
}
