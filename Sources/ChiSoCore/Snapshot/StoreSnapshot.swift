/// The merged dossier store (ids, dossiers, links) as bytes, in chunks of ``chunkSize`` positions plus
/// the id table's hash index: what the warehouse keeps between runs so that a night that changes one
/// export starts from the stored state (decoded in a fraction of the time that reading a million rows
/// back from the tables takes), and rewrites only the chunks that changed.
package enum StoreSnapshot {
    /// Positions per chunk: a changed row rewrites a few MB, not the whole store.
    package static let chunkSize = 65_536
    private static let magic: UInt32 = 0x5353_4843  // "CHSS"
    private static let version: UInt8 = 1

    /// How many chunks a store of `count` dossiers takes.
    package static func chunkCount(_ count: Int) -> Int { (count + chunkSize - 1) / chunkSize }

    /// The bytes of chunk `chunk` of `store`: per position its dossier, its links and its id.
    package static func encode(_ store: DossierStore, chunk: Int) -> [UInt8] {
        let first = chunk * chunkSize
        let end = min(store.dossiers.count, first + chunkSize)
        var w = ByteWriter(capacity: (end - first) * 80 + 16)
        w.u32(magic); w.u8(version); w.u32(UInt32(first)); w.u32(UInt32(end - first))
        for i in first..<end {
            store.dossiers[i].encode(into: &w)
            store.links[i].encode(into: &w)
            store.ids.withKey(i) { w.data($0) }
        }
        return w.bytes
    }

    /// The bytes of the id table's hash index.
    package static func encodeIndex(_ store: DossierStore) -> [UInt8] {
        var w = ByteWriter(capacity: store.dossiers.count * 10 + 64)
        w.u32(magic); w.u8(version)
        store.ids.encodeIndex(into: &w)
        return w.bytes
    }

    /// One chunk decoded: its dossiers, links and ids (keys one after another in `arena`, each starting at
    /// `starts`, counted from the chunk's own first byte).
    package struct Part: Sendable {
        /// The chunk's dossiers, in position order (the fuzzer counts them).
        package internal(set) var dossiers: [Dossier] = []
        var links: [DossierLinks] = []
        var arena: [UInt8] = []
        var starts: [UInt32] = []
    }

    /// Chunk `k` of a snapshot of `count` dossiers over a registry of `units` rows; nil when it is not
    /// one chiso wrote (chunks decode independently, so a caller may decode them on several cores).
    package static func decode(chunk bytes: [UInt8], _ k: Int, count: Int, units: Int) -> Part? {
        var r = ByteReader(bytes)
        guard r.u32() == magic, r.u8() == version, r.u32() == UInt32(k * chunkSize),
              let n = r.u32().map(Int.init), n == min(chunkSize, count - k * chunkSize) else { return nil }
        var part = Part()
        part.dossiers.reserveCapacity(n); part.links.reserveCapacity(n); part.starts.reserveCapacity(n)
        part.arena.reserveCapacity(max(0, bytes.count - n * 26))  // 26: the fewest bytes besides the id
        for _ in 0..<n {
            guard let d = Dossier(from: &r, units: units), let l = DossierLinks(from: &r),
                  r.data({ (id: FieldBytes) -> Bool in
                      part.starts.append(UInt32(part.arena.count)); id.append(to: &part.arena); return true
                  }) == true
            else { return nil }
            part.dossiers.append(d)
            part.links.append(l)
        }
        return r.atEnd ? part : nil
    }

    /// The store from its decoded chunks in order and its index; nil when they do not fit together.
    /// - Parameter room: dossiers to leave room for beyond `count` (files a run appends), so that adding
    ///   them moves nothing; room that is not used is address space, never touched memory.
    /// Each part is released as soon as it is copied (`parts` ends empty), so that the decoded chunks and
    /// the whole store are never both in memory.
    package static func assemble(_ parts: inout [Part], index: [UInt8], count: Int, room: Int = 0) -> DossierStore? {
        guard let index = decodeIndex(index, count: count) else { return nil }
        return assemble(&parts, index: index, count: count, room: room)
    }

    /// The id table's hash index from its bytes, for a store of `count` dossiers; nil when it is not one
    /// chiso wrote for that many. Independent of the chunks, so a caller may decode it beside them.
    package static func decodeIndex(_ bytes: [UInt8], count: Int) -> ByteTable.Index? {
        var r = ByteReader(bytes)
        guard r.u32() == magic, r.u8() == version, let index = ByteTable.Index(count: count, from: &r), r.atEnd else { return nil }
        return index
    }

    /// The store from its decoded chunks in order and its index already decoded (``decodeIndex``).
    package static func assemble(_ parts: inout [Part], index: ByteTable.Index, count: Int, room: Int = 0) -> DossierStore? {
        let arenaBytes = parts.reduce(0) { $0 + $1.arena.count }
        guard parts.reduce(0, { $0 + $1.dossiers.count }) == count, arenaBytes < Int(UInt32.max) else { return nil }
        var dossiers: [Dossier] = [], links: [DossierLinks] = [], arena: [UInt8] = [], starts: [UInt32] = []
        let capacity = count + max(room, 0)
        dossiers.reserveCapacity(capacity); links.reserveCapacity(capacity); starts.reserveCapacity(capacity)
        arena.reserveCapacity(arenaBytes + arenaBytes / max(count, 1) * max(room, 0) * 2)
        for k in parts.indices {
            let part = parts[k]
            parts[k] = Part()
            let base = UInt32(arena.count)
            dossiers += part.dossiers
            links += part.links
            starts += part.starts.map { $0 + base }
            arena += part.arena
        }
        parts = []
        guard let ids = ByteTable(arena: arena, starts: starts, index: index) else { return nil }
        return DossierStore(ids: ids, dossiers: dossiers, links: links)
    }

    /// The store back from its index and chunks in order, on one core; nil when they are not a whole,
    /// well-formed snapshot of `count` dossiers over a registry of `units` rows.
    package static func decode(index: [UInt8], chunks: [[UInt8]], count: Int, units: Int) -> DossierStore? {
        guard chunks.count == chunkCount(count) else { return nil }
        var parts: [Part] = []
        for (k, chunk) in chunks.enumerated() {
            guard let part = decode(chunk: chunk, k, count: count, units: units) else { return nil }
            parts.append(part)
        }
        return assemble(&parts, index: index, count: count)
    }
}
