/// The merged dossier store (ids, dossiers, links) as bytes, in chunks of ``chunkSize`` positions plus
/// the id table's hash index: what the warehouse keeps between runs so that a night that changes one
/// export starts from the stored state (decoded in a fraction of the time that reading a million rows
/// back from the tables takes), and rewrites only the chunks that changed.
package enum StoreSnapshot {
    /// Positions per chunk: a changed row rewrites about 5 MB, not the whole store.
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

    /// The store back from its index and chunks in order; nil when they are not a whole, well-formed
    /// snapshot of `count` dossiers over a registry of `units` rows (the caller then reads the tables).
    package static func decode(index: [UInt8], chunks: [[UInt8]], count: Int, units: Int) -> DossierStore? {
        guard chunks.count == chunkCount(count) else { return nil }
        var dossiers: [Dossier] = [], links: [DossierLinks] = [], arena: [UInt8] = [], starts: [UInt32] = []
        dossiers.reserveCapacity(count); links.reserveCapacity(count); starts.reserveCapacity(count)
        arena.reserveCapacity(chunks.reduce(0) { $0 + $1.count } - count * 52)
        for (k, chunk) in chunks.enumerated() {
            var r = ByteReader(chunk)
            guard r.u32() == magic, r.u8() == version, r.u32() == UInt32(k * chunkSize),
                  let n = r.u32().map(Int.init), n == min(chunkSize, count - k * chunkSize) else { return nil }
            for _ in 0..<n {
                guard let d = Dossier(from: &r, units: units), let l = DossierLinks(from: &r), arena.count < Int(UInt32.max),
                      r.data({ (id: FieldBytes) -> Bool in starts.append(UInt32(arena.count)); arena.append(contentsOf: id); return true }) == true
                else { return nil }
                dossiers.append(d)
                links.append(l)
            }
            guard r.atEnd else { return nil }
        }
        var r = ByteReader(index)
        guard r.u32() == magic, r.u8() == version, let ids = ByteTable(arena: arena, starts: starts, index: &r), r.atEnd
        else { return nil }
        return DossierStore(ids: ids, dossiers: dossiers, links: links)
    }
}
