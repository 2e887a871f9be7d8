/// The stored state decoded in place: the store's arrays are allocated once, at their final size, and
/// the chunks are decoded straight into them by several cores, each chunk writing its own positions.
/// The pointers into those arrays live here, in the one file that owns them while they fill; a chunk's
/// records are read here too, at fixed offsets once the chunk's size is checked against its head.
extension StoreSnapshot {
    /// Where chunks decode in place: the store's arrays, sized for every position before any chunk is
    /// read. So several cores decode chunks at once and nothing is copied after (a copy of the decoded
    /// parts into the store took 0.14 s at 5M dossiers, on one core). Valid only during
    /// ``assemble(count:room:idBytes:fill:)``'s `fill`.
    package struct Target: @unchecked Sendable {
        private let dossiers: UnsafeMutablePointer<Dossier>
        private let links: UnsafeMutablePointer<DossierLinks>
        /// Per position, where its id starts in the arena.
        private let starts: UnsafeMutablePointer<UInt32>
        private let arena: UnsafeMutableRawBufferPointer
        /// Positions in the store.
        let count: Int

        fileprivate init(dossiers: UnsafeMutablePointer<Dossier>, links: UnsafeMutablePointer<DossierLinks>,
                         starts: UnsafeMutablePointer<UInt32>, arena: UnsafeMutableRawBufferPointer, count: Int) {
            self.dossiers = dossiers; self.links = links; self.starts = starts; self.arena = arena; self.count = count
        }

        /// Writes positions `first..<first + n` from a chunk's `bytes` (whose head was checked: it holds `n`
        /// dossier records, `linkBytes` bytes of links, the ids' starts and `idBytes` bytes of ids), and its
        /// ids into the arena from byte `offset`; false when a record or links are not ones chiso writes, the
        /// links run past theirs, the starts do not go up within the ids, or the positions or the ids do
        /// not fit (what was written is then garbage). One check of the whole size, then the dossiers are
        /// read at fixed offsets and each position's links once their own size (from their first byte) is
        /// checked against what is left of the links. With `records` false only the ids are read: the
        /// positions' dossiers and links are left for ``DossierStore/fillPending(chunk:)`` (see
        /// ``PendingChunks``).
        func fill(_ bytes: [UInt8], first: Int, count n: Int, linkBytes: Int, idBytes: Int, units: Int, idsAt offset: Int,
                  records: Bool = true) -> Bool {
            guard first >= 0, n >= 0, first + n <= count, offset >= 0, idBytes >= 0, linkBytes >= 0, offset + idBytes <= arena.count,
                  offset + idBytes < Int(UInt32.max), bytes.count == chunkHead + n * (Dossier.recordBytes + 4) + linkBytes + idBytes
            else { return false }
            return bytes.withUnsafeBytes { raw -> Bool in
                guard let base = raw.baseAddress else { return n == 0 && idBytes == 0 }
                if records && !StoreSnapshot.readRecords(base, count: n, linkBytes: linkBytes, units: units,
                                                         dossiers: dossiers + first, links: links + first) { return false }
                // Each id starts where the one before did or after, the first at the chunk's first byte.
                let startsAt = chunkHead + n * Dossier.recordBytes + linkBytes
                var previous: UInt32 = 0
                for j in 0..<n {
                    let start = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: startsAt + 4 * j, as: UInt32.self))
                    guard j == 0 ? start == 0 : start >= previous, Int(start) <= idBytes else { return false }
                    previous = start
                    starts[first + j] = UInt32(offset) + start
                }
                if idBytes > 0 {
                    arena.baseAddress!.advanced(by: offset).copyMemory(from: base + startsAt + 4 * n, byteCount: idBytes)
                }
                return true
            }
        }

        /// Keeps the place of a chunk's ids without reading them (``ByteTable/unread``): positions
        /// `first..<first + n` start at byte `offset` of the arena, where their `idBytes` bytes of ids go
        /// once the chunk is read (``DossierStore/fillPending(chunk:)``); their dossiers and links are
        /// left too. False when the positions or the ids do not fit.
        package func keepPlace(first: Int, count n: Int, idBytes: Int, idsAt offset: Int) -> Bool {
            guard first >= 0, n > 0, first + n <= count, offset >= 0, idBytes >= 0, offset + idBytes <= arena.count,
                  offset + idBytes < Int(UInt32.max) else { return false }
            (starts + first).initialize(repeating: UInt32(offset), count: n)
            return true
        }
    }

    /// Reads the `n` dossier records of a chunk at `base` and the `linkBytes` bytes of their links after
    /// them into `dossiers` and `links` (their first `n` places); false when a record or links are not
    /// ones chiso writes, or the links run past theirs or leave bytes no position reads.
    fileprivate static func readRecords(_ base: UnsafeRawPointer, count n: Int, linkBytes: Int, units: Int,
                                        dossiers: UnsafeMutablePointer<Dossier>, links: UnsafeMutablePointer<DossierLinks>) -> Bool {
        @inline(__always) func u8(_ at: Int) -> UInt8 { base.load(fromByteOffset: at, as: UInt8.self) }
        @inline(__always) func u16(_ at: Int) -> UInt16 { UInt16(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        @inline(__always) func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        let linksAt = chunkHead + n * Dossier.recordBytes, linksEnd = linksAt + linkBytes
        var l = linksAt
        /// The row at `l` if `present` (moving past it), else none; a present row must name its line.
        @inline(__always) func row(_ present: Bool) -> (UInt32, UInt16)? {
            guard present else { return (0, 0) }
            defer { l += 6 }
            let line = u32(l)
            return line == 0 ? nil : (line, u16(l + 4))
        }
        for j in 0..<n {
            let p = chunkHead + j * Dossier.recordBytes
            guard let dossier = Dossier(unit: u16(p), received: Int32(bitPattern: u32(p + 2)), due: Int32(bitPattern: u32(p + 6)),
                                        finished: Int32(bitPattern: u32(p + 10)), line: u32(p + 14), file: u16(p + 18),
                                        status: u8(p + 20), channel: u8(p + 21), flags: u8(p + 22), units: units),
                  l + 2 <= linksEnd else { return false }
            let mask = u8(l), flags = u8(l + 1)
            guard mask < 16, l + 2 + 6 * mask.nonzeroBitCount <= linksEnd else { return false }
            l += 2
            guard let late = row(mask & 1 != 0), let intake = row(mask & 2 != 0), let back = row(mask & 4 != 0),
                  let digitized = row(mask & 8 != 0),
                  let link = DossierLinks(late: late, intake: intake, return: back, digitized: digitized, flags: flags)
            else { return false }
            (dossiers + j).initialize(to: dossier)
            (links + j).initialize(to: link)
        }
        return l == linksEnd  // every byte of the links belongs to a position
    }

    /// What a `fill` of ``assemble(count:room:idBytes:fill:)`` did.
    package struct Filled: Sendable {
        /// Chunks decoded, each into its positions.
        package var chunks: Int
        /// Arena bytes they took.
        package var idBytes: Int
        /// The id index.
        package var index: ByteTable.Index
        /// Chunks placed with ``Target/keepPlace(first:count:idBytes:idsAt:)``: their ids not read.
        package var unread: Set<Int>
        package init(chunks: Int, idBytes: Int, index: ByteTable.Index, unread: Set<Int> = []) {
            self.chunks = chunks; self.idBytes = idBytes; self.index = index; self.unread = unread
        }
    }

    /// The store of `count` dossiers that `fill` decodes: it gets the store's arrays as a ``Target``,
    /// decodes every chunk into it (``decode(chunk:_:units:idsAt:into:)``, on as many cores as it likes,
    /// each chunk's ids after the chunk before's), and returns what it did once all are finished; nil when
    /// it could not, or when the parts do not fit together.
    /// - Parameters:
    ///   - room: dossiers to leave room for beyond `count` (files a run appends), so that adding them
    ///     moves nothing; room that is not used is address space, never touched memory.
    ///   - idBytes: at least the bytes of all the ids (the chunks' own sizes will do).
    package static func assemble(count: Int, room: Int = 0, idBytes: Int,
                                 fill: (Target) throws -> Filled?) rethrows -> DossierStore? {
        let capacity = max(count + max(room, 0), 1)
        let arenaCapacity = max(idBytes + idBytes / max(count, 1) * max(room, 0) * 2, 1)
        var filled: Filled?
        var links: [DossierLinks] = [], starts: [UInt32] = [], arena: [UInt8] = []
        let dossiers = try [Dossier](unsafeUninitializedCapacity: capacity) { d, dn in
            links = try [DossierLinks](unsafeUninitializedCapacity: capacity) { l, ln in
                starts = try [UInt32](unsafeUninitializedCapacity: capacity) { s, sn in
                    arena = try [UInt8](unsafeUninitializedCapacity: arenaCapacity) { a, an in
                        filled = try fill(Target(dossiers: d.baseAddress!, links: l.baseAddress!, starts: s.baseAddress!,
                                                 arena: UnsafeMutableRawBufferPointer(a), count: count))
                        // Every chunk placed is every position written (the types hold no references, so
                        // positions written before a failure need no clean-up).
                        let whole = filled.map { $0.chunks == chunkCount(count) && $0.idBytes <= idBytes } ?? false
                        dn = whole ? count : 0; ln = dn; sn = dn
                        an = whole ? filled!.idBytes : 0
                    }
                }
            }
        }
        guard let filled, filled.chunks == chunkCount(count), filled.idBytes <= idBytes,
              let table = ByteTable(arena: arena, starts: starts, index: filled.index,
                                    unread: .init(chunkSize: chunkSize, chunks: filled.unread)) else { return nil }
        return DossierStore(ids: table, dossiers: dossiers, links: links)
    }
}

extension DossierStore {
    /// Decodes a pending chunk's dossiers and links into their positions, from its bytes read again, and
    /// its ids into the id table when they were not read either (``ByteTable/unread``), and drops it from
    /// ``pending``; false when it is not pending, or its bytes cannot be read again or are not ones chiso
    /// writes (``PendingChunks/failed`` is then set: the positions hold garbage).
    @discardableResult
    package mutating func fillPending(chunk k: Int) -> Bool {
        guard var waiting = pending, waiting.chunks.remove(k) != nil else { return false }
        var ok = false
        if let bytes = waiting.load(k), let head = StoreSnapshot.chunkHead(bytes), head.first == k * StoreSnapshot.chunkSize,
           head.first + head.count <= dossiers.count,
           ids.unread?.chunks.contains(k) != true
            || ids.fillKeys(chunk: k, count: head.count, from: bytes,
                            startsAt: StoreSnapshot.chunkHead + head.count * Dossier.recordBytes + head.linkBytes) {
            ok = bytes.withUnsafeBytes { raw in
                dossiers.withUnsafeMutableBufferPointer { d in
                    links.withUnsafeMutableBufferPointer { l in
                        StoreSnapshot.readRecords(raw.baseAddress!, count: head.count, linkBytes: head.linkBytes, units: waiting.units,
                                                  dossiers: d.baseAddress! + head.first, links: l.baseAddress! + head.first)
                    }
                }
            }
        }
        waiting.failed = waiting.failed || !ok
        pending = waiting.chunks.isEmpty && !waiting.failed ? nil : waiting
        return ok
    }
}
