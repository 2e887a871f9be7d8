/// The stored state decoded in place: the store's arrays are allocated once, at their final size, and
/// the chunks are decoded straight into them by several cores, each chunk writing its own positions.
/// The pointers into those arrays live here, in the one file that owns them while they fill (everything
/// that reads the chunks' bytes does so bounds-checked, through ``ByteReader``).
extension StoreSnapshot {
    /// Where chunks decode in place: the store's arrays, sized for every position before any chunk is
    /// read. So several cores decode chunks at once and nothing is copied after (a copy of the decoded
    /// parts into the store took 0.14 s at 5M dossiers, on one core). Valid only during
    /// ``assemble(count:room:idBytes:fill:)``'s `fill`.
    package struct Target: @unchecked Sendable {
        private let dossiers: UnsafeMutablePointer<Dossier>
        private let links: UnsafeMutablePointer<DossierLinks>
        /// Per position, where its id starts: in its chunk's own ids once decoded, in the arena once placed.
        private let starts: UnsafeMutablePointer<UInt32>
        private let arena: UnsafeMutableRawBufferPointer
        /// Positions in the store.
        let count: Int

        fileprivate init(dossiers: UnsafeMutablePointer<Dossier>, links: UnsafeMutablePointer<DossierLinks>,
                         starts: UnsafeMutablePointer<UInt32>, arena: UnsafeMutableRawBufferPointer, count: Int) {
            self.dossiers = dossiers; self.links = links; self.starts = starts; self.arena = arena; self.count = count
        }

        /// Writes position `i` (below `count`, each written by one chunk only).
        func put(_ i: Int, _ dossier: Dossier, _ link: DossierLinks, idStart: UInt32) {
            precondition(i >= 0 && i < count)
            (dossiers + i).initialize(to: dossier)
            (links + i).initialize(to: link)
            starts[i] = idStart
        }

        /// Chunk `k`'s ids moved to `offset` of the arena; false when they do not fit.
        fileprivate func place(_ ids: [UInt8], chunk k: Int, at offset: Int) -> Bool {
            let first = k * chunkSize
            guard k >= 0, first < count, offset >= 0, offset + ids.count <= arena.count, offset + ids.count < Int(UInt32.max)
            else { return false }
            for i in first..<min(count, first + chunkSize) { starts[i] += UInt32(offset) }
            ids.withUnsafeBytes { arena.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            return true
        }
    }

    /// Puts chunk `k`'s decoded ids into the store's arena at byte `offset` (chunks are placed in order,
    /// each after the one before), so that its positions' ids start there; false when they do not fit.
    package static func place(ids: [UInt8], chunk k: Int, at offset: Int, into target: Target) -> Bool {
        target.place(ids, chunk: k, at: offset)
    }

    /// What a `fill` of ``assemble(count:room:idBytes:fill:)`` did.
    package struct Filled: Sendable {
        /// Chunks decoded and placed, in order from 0.
        package var chunks: Int
        /// Arena bytes they took.
        package var idBytes: Int
        /// The id index.
        package var index: ByteTable.Index
        package init(chunks: Int, idBytes: Int, index: ByteTable.Index) {
            self.chunks = chunks; self.idBytes = idBytes; self.index = index
        }
    }

    /// The store of `count` dossiers that `fill` decodes: it gets the store's arrays as a ``Target``,
    /// decodes every chunk into it (``decode(chunk:_:units:into:)``, on as many cores as it likes),
    /// places each one's ids after the chunk before's (``place(ids:chunk:at:into:)``), and returns what
    /// it did once all are finished; nil when it could not, or when the parts do not fit together.
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
              let table = ByteTable(arena: arena, starts: starts, index: filled.index) else { return nil }
        return DossierStore(ids: table, dossiers: dossiers, links: links)
    }
}
