import Testing
@testable import ChiSo
@testable import ChiSoCore

/// The stored dossier state: it decodes to the store it was made from, refuses bytes it did not write,
/// and the comparison that drives incremental writes finds exactly the positions that changed.
@Suite struct StoreSnapshotTests {
    /// `count` dossiers over a registry of 3 units, every third with links.
    func store(_ count: Int, prefix: String = "HS-") -> DossierStore {
        var s = DossierStore()
        for i in 0..<count {
            s.upsert(id: "\(prefix)\(i)", Dossier(unit: i % 3, received: Day(19_000 + i % 400), due: i % 5 == 0 ? nil : Day(19_010 + i % 400),
                                                  finished: i % 7 == 0 ? nil : Day(19_005 + i % 400), status: .accepted,
                                                  channel: i % 2 == 0 ? .online : .direct, fullOnline: i % 4 == 0,
                                                  feeRequired: i % 6 == 0, paidOnline: i % 12 == 0, ref: RowRef(file: i % 2, line: i + 2)))
            if i % 3 == 0 {
                s.links[i].late = RowRef(file: FileIDs.id(.late, 0), line: i + 2)
                s.links[i].apology = i % 2 == 0
                s.links[i].postalReturn = RowRef(file: FileIDs.id(.postal, 1), line: i + 3)
                s.links[i].returnDelivered = true
                s.links[i].digitized = RowRef(file: FileIDs.id(.digitized, 0), line: i + 4)
                s.links[i].eSigned = true
            }
        }
        return s
    }

    func encode(_ s: DossierStore) -> (index: [UInt8], chunks: [[UInt8]]) {
        (StoreSnapshot.encodeIndex(s), (0..<StoreSnapshot.chunkCount(s.dossiers.count)).map { StoreSnapshot.encode(s, chunk: $0) })
    }

    @Test func aStoreComesBackWholeAcrossChunks() throws {
        let s = store(StoreSnapshot.chunkSize + 1_000)  // two chunks, the second partly filled
        let (index, chunks) = encode(s)
        #expect(chunks.count == 2)
        let back = try #require(StoreSnapshot.decode(index: index, chunks: chunks, count: s.dossiers.count, units: 3))
        #expect(back.dossiers == s.dossiers)
        #expect(back.links == s.links)
        for i in [0, 1, 65_535, 65_536, s.dossiers.count - 1] { #expect(back.id(i) == s.id(i)) }
        // The restored id table finds every id and takes new ones.
        var grown = back
        #expect(FieldBytes.of("HS-65536") { grown.index(of: $0) } == 65_536)
        grown.upsert(id: "MOI-1", s.dossiers[0])
        #expect(FieldBytes.of("MOI-1") { grown.index(of: $0) } == s.dossiers.count)
        #expect(encode(store(0)).chunks.isEmpty)
        #expect(StoreSnapshot.decode(index: encode(store(0)).index, chunks: [], count: 0, units: 3)?.dossiers.isEmpty == true)
    }

    /// What a position costs: 24 bytes of dossier in memory (no padding between its fields); in its chunk
    /// a record of 23 bytes, its links (2 bytes and 6 a row), 4 bytes for where its id starts, its id.
    @Test func aPositionTakesItsRecordItsLinksItsStartAndItsID() throws {
        #expect(MemoryLayout<Dossier>.stride == 24)
        let s = store(1_000)
        let chunk = StoreSnapshot.encode(s, chunk: 0)
        let ids = (0..<1_000).reduce(0) { $0 + s.id($1).utf8.count }
        let links = (0..<1_000).reduce(0) { $0 + ($1 % 3 == 0 ? 2 + 3 * 6 : 2) }  // every third: late, return, digitized
        let head = try #require(StoreSnapshot.chunkHead(chunk))
        #expect(head.first == 0 && head.count == 1_000 && head.linkBytes == links && head.idBytes == ids)
        #expect(chunk.count == StoreSnapshot.chunkHead + 1_000 * (Dossier.recordBytes + 4) + links + ids)
        #expect(StoreSnapshot.chunkIDBytes(chunk) == ids)
        #expect(StoreSnapshot.chunkHead(chunk + [0]) == nil)
        #expect(StoreSnapshot.chunkHead(Array(chunk.dropLast())) == nil)
    }

    /// How the warehouse decodes: chunks into the store's arrays in whatever order the cores finish, each
    /// one's ids at the bytes the chunks before it take (added up from their heads, in order).
    @Test func chunksDecodedOutOfOrderGiveTheSameStore() throws {
        let s = store(StoreSnapshot.chunkSize * 2 + 10)  // three chunks
        let (index, chunks) = encode(s)
        let idBytes = chunks.reduce(0) { $0 + $1.count }
        let decodedIndex = try #require(StoreSnapshot.decodeIndex(index, count: s.dossiers.count))
        let sizes = try chunks.map { try #require(StoreSnapshot.chunkIDBytes($0)) }
        let offsets = sizes.indices.map { sizes.prefix($0).reduce(0, +) }
        var decodedAll = true
        let assembled = StoreSnapshot.assemble(count: s.dossiers.count, room: 100, idBytes: idBytes) { target -> StoreSnapshot.Filled? in
            for k in chunks.indices.reversed() {
                decodedAll = decodedAll && StoreSnapshot.decode(chunk: chunks[k], k, units: 3, idsAt: offsets[k], into: target) == sizes[k]
            }
            return StoreSnapshot.Filled(chunks: chunks.count, idBytes: sizes.reduce(0, +), index: decodedIndex)
        }
        #expect(decodedAll)
        let back = try #require(assembled)
        #expect(back.dossiers == s.dossiers)
        #expect(back.links == s.links)
        #expect(back.dossiers.capacity >= s.dossiers.count + 100)  // room for a night's appended files
        for i in [0, 65_535, 65_536, 131_072, s.dossiers.count - 1] {
            #expect(back.id(i) == s.id(i))
            #expect(FieldBytes.of(s.id(i)) { back.index(of: $0) } == i)
        }
    }

    /// Three chunks decoded with the first two's records left pending (``PendingChunks``), each read
    /// again through `load` by chunk.
    /// With `unread`, the pending chunks' ids are not read either: only their place is kept (as a night on
    /// SQLite leaves them), and a chunk is read whole when it is filled.
    func pendingStore(_ s: DossierStore, unread: Bool = false, load: @escaping @Sendable (Int, [UInt8]) -> [UInt8]?) throws -> DossierStore {
        let (index, chunks) = encode(s)
        let sizes = try chunks.map { try #require(StoreSnapshot.chunkIDBytes($0)) }
        let decodedIndex = try #require(StoreSnapshot.decodeIndex(index, count: s.dossiers.count))
        let heads = try chunks.map { try #require(StoreSnapshot.chunkHead(prefix: Array($0.prefix(StoreSnapshot.chunkHead)), size: $0.count)) }
        var at = 0, decodedAll = true
        var back = try #require(StoreSnapshot.assemble(count: s.dossiers.count, room: 100, idBytes: sizes.reduce(0, +)) { target in
            for k in chunks.indices {
                if unread && k < chunks.count - 1 {
                    let head = heads[k]
                    decodedAll = decodedAll && target.keepPlace(first: head.first, count: head.count, idBytes: head.idBytes, idsAt: at)
                } else {
                    decodedAll = decodedAll && StoreSnapshot.decode(chunk: chunks[k], k, units: 3, idsAt: at, into: target,
                                                                    records: k == chunks.count - 1) == sizes[k]
                }
                at += sizes[k]
            }
            return StoreSnapshot.Filled(chunks: chunks.count, idBytes: at, index: decodedIndex,
                                        unread: unread ? Set(0..<chunks.count - 1) : [])
        })
        #expect(decodedAll)
        back.pending = PendingChunks(chunks: Set(0..<chunks.count - 1), units: 3) { load($0, chunks[$0]) }
        return back
    }

    /// A store whose records were left pending has every id, fills a chunk when a duplicate replaces one of
    /// its positions (the replaced row is the stored one, not a placeholder), fills the rest on demand, and
    /// is then the store decoded whole; a chunk that cannot be read again or does not decode marks it failed.
    @Test func pendingChunksFillWhenAPositionOfTheirsIsRead() throws {
        let s = store(StoreSnapshot.chunkSize * 2 + 10)
        var back = try pendingStore(s) { _, bytes in bytes }
        #expect(back.isPending(position: 0) && back.isPending(position: 131_071) && !back.isPending(position: 131_072))
        for i in [0, 70_000, s.dossiers.count - 1] { #expect(back.id(i) == s.id(i)) }
        #expect(back.dossiers[131_075] == s.dossiers[131_075] && back.links[131_075] == s.links[131_075])
        // A duplicate of a dossier of the first chunk: that chunk is filled first.
        back.replaced = [:]
        var moved = s.dossiers[5]
        moved.unit = 2
        #expect(FieldBytes.of(s.id(5)) { back.upsert(id: $0, moved) } == s.dossiers[5].ref)
        #expect(back.replaced?[5] == s.dossiers[5])
        #expect(!back.isPending(position: 0) && back.isPending(position: 65_536))
        #expect(back.dossiers[..<65_536].elementsEqual(s.dossiers[..<65_536].enumerated().map { $0.offset == 5 ? moved : $0.element }))
        #expect(back.links[..<65_536] == s.links[..<65_536])
        // Merging a store read apart fills the chunks of the ids it repeats.
        var other = DossierStore()
        other.upsert(id: s.id(70_000), s.dossiers[1])
        _ = back.merge(other, parts: 1) { parts, part in for k in 0..<parts { part(k) } }
        #expect(back.pending == nil && back.dossiers[70_000] == s.dossiers[1])
        var expected = s.dossiers
        expected[5] = moved
        expected[70_000] = s.dossiers[1]
        #expect(back.dossiers == expected && back.links == s.links)
        // Filled on demand, all at once: the store decoded whole.
        var all = try pendingStore(s) { _, bytes in bytes }
        #expect(all.fillAllPending() && all.pending == nil && all.dossiers == s.dossiers && all.links == s.links)
        // Bytes that cannot be read again, or whose records are not ones chiso writes.
        var unreadable = try pendingStore(s) { k, bytes in k == 1 ? nil : bytes }
        #expect(unreadable.fillPending(position: 0) && !unreadable.pendingFailed)
        #expect(!unreadable.fillAllPending() && unreadable.pendingFailed)
        var damaged = try pendingStore(s) { k, bytes in
            var b = bytes
            if k == 0 { b[StoreSnapshot.chunkHead + 20] = 0xFF }  // the first record's status
            return b
        }
        #expect(!damaged.fillPending(position: 10) && damaged.pendingFailed)
        var other2 = try pendingStore(s) { _, bytes in bytes }
        #expect(other2.fillPending(chunk: 2) == false)  // not pending: nothing to fill
    }

    /// A night on SQLite reads neither the records nor the ids of the chunks it leaves pending (only their
    /// heads): a key is looked up or inserted once the chunks that hold a key with its hash tag are read,
    /// and every chunk is read before the id table rebuilds its slots; filled, the store is the one decoded
    /// whole. Ids that do not fill their place exactly mark it failed.
    @Test func pendingChunksWithUnreadIdsAreReadBeforeAnyLookupThatMeetsThem() throws {
        let s = store(StoreSnapshot.chunkSize * 2 + 10)
        var back = try pendingStore(s, unread: true) { _, bytes in bytes }
        #expect(back.ids.unread?.chunks == [0, 1] && back.isPending(position: 0))
        #expect(back.id(131_072) == s.id(131_072) && back.id(s.dossiers.count - 1) == s.id(s.dossiers.count - 1))
        // A new id meets no key of the unread chunks (a 32-bit tag): nothing is read.
        back.replaced = [:]
        #expect(FieldBytes.of("MOI-1") { back.ids.unreadCandidates($0) }.isEmpty)
        #expect(FieldBytes.of("MOI-1") { back.upsert(id: $0, s.dossiers[3]) } == nil)
        #expect(back.ids.unread?.chunks == [0, 1] && back.dossiers.count == s.dossiers.count + 1)
        // A duplicate of a dossier of the second chunk: its chunk is read (ids and records), then replaced.
        #expect(FieldBytes.of(s.id(70_000)) { back.ids.unreadCandidates($0) } == [1])
        var moved = s.dossiers[70_000]
        moved.unit = 2
        #expect(FieldBytes.of(s.id(70_000)) { back.upsert(id: $0, moved) } == s.dossiers[70_000].ref)
        #expect(back.ids.unread?.chunks == [0] && back.isPending(position: 0) && !back.isPending(position: 65_536))
        for i in [65_536, 70_000, 131_071] { #expect(back.id(i) == s.id(i)) }
        #expect(back.links[65_536..<131_072] == s.links[65_536..<131_072])
        // Merging a store read apart reads the chunks of the ids it repeats.
        var other = DossierStore()
        other.upsert(id: s.id(5), s.dossiers[1])
        other.upsert(id: "MOI-2", s.dossiers[2])
        _ = back.merge(other, parts: 2) { parts, part in for k in 0..<parts { part(k) } }
        #expect(back.pending == nil && back.ids.unread == nil)
        var expected = s.dossiers
        expected[70_000] = moved
        expected[5] = s.dossiers[1]
        #expect(back.dossiers == expected + [s.dossiers[3], s.dossiers[2]] && back.links.prefix(s.links.count).elementsEqual(s.links))
        for i in 0..<s.dossiers.count { #expect(FieldBytes.of(s.id(i)) { back.index(of: $0) } == i) }
        // Keys enough to rebuild the slots: every chunk is read first, and the table still finds them all.
        var growing = try pendingStore(s, unread: true) { _, bytes in bytes }
        var n = 0
        while !growing.ids.rebuildsSlots(adding: n + 1) { n += 1 }
        for i in 0..<n { growing.upsert(id: "MOI-\(i)", s.dossiers[0]) }
        #expect(growing.ids.unread?.chunks == [0, 1])
        growing.upsert(id: "MOI-\(n)", s.dossiers[0])
        #expect(growing.pending == nil && growing.ids.unread == nil)
        for i in stride(from: 0, to: s.dossiers.count, by: 97) { #expect(FieldBytes.of(s.id(i)) { growing.index(of: $0) } == i) }
        #expect(FieldBytes.of("MOI-\(n)") { growing.index(of: $0) } == s.dossiers.count + n)
        // Filled all at once: the store decoded whole.
        var all = try pendingStore(s, unread: true) { _, bytes in bytes }
        #expect(all.fillAllPending() && all.ids.unread == nil && all.dossiers == s.dossiers && all.links == s.links)
        #expect((0..<s.dossiers.count).allSatisfy { all.id($0) == s.id($0) })
        // Ids whose starts go down: refused, the chunk left unread, the store failed.
        var damaged = try pendingStore(s, unread: true) { k, bytes in
            guard let head = StoreSnapshot.chunkHead(bytes) else { return bytes }
            var b = bytes
            b[StoreSnapshot.chunkHead + head.count * Dossier.recordBytes + head.linkBytes + 4 * 3] = 0xFF  // the fourth id's start
            return b
        }
        #expect(!damaged.fillPending(chunk: 0) && damaged.pendingFailed && damaged.ids.unread?.chunks == [0, 1])
    }

    /// A chunk that fails after others were written, ids that would not fit, a chunk given another's
    /// positions: no store.
    @Test func aStoreIsWholeOrNotAtAll() throws {
        let s = store(StoreSnapshot.chunkSize + 10)
        let (index, chunks) = encode(s)
        let ids = try #require(StoreSnapshot.decodeIndex(index, count: s.dossiers.count))
        let idBytes = chunks.reduce(0) { $0 + $1.count }
        var broken = chunks[1]
        broken[StoreSnapshot.chunkHead + 20] = 200  // its first dossier's status byte
        var secondDecoded = true
        let partly = StoreSnapshot.assemble(count: s.dossiers.count, idBytes: idBytes) { target -> StoreSnapshot.Filled? in
            guard let first = StoreSnapshot.decode(chunk: chunks[0], 0, units: 3, idsAt: 0, into: target) else { return nil }
            secondDecoded = StoreSnapshot.decode(chunk: broken, 1, units: 3, idsAt: first, into: target) != nil
            return StoreSnapshot.Filled(chunks: 1, idBytes: first, index: ids)  // one chunk of two
        }
        #expect(!secondDecoded)
        #expect(partly == nil)
        var fitted = true
        let tooSmall = StoreSnapshot.assemble(count: s.dossiers.count, idBytes: 10) { target -> StoreSnapshot.Filled? in
            fitted = StoreSnapshot.decode(chunk: chunks[0], 0, units: 3, idsAt: 0, into: target) != nil
            return nil
        }
        #expect(!fitted)
        #expect(tooSmall == nil)
        var pastTheEnd = true
        _ = StoreSnapshot.assemble(count: s.dossiers.count, idBytes: idBytes) { target -> StoreSnapshot.Filled? in
            pastTheEnd = StoreSnapshot.decode(chunk: chunks[1], 1, units: 3, idsAt: idBytes - 5, into: target) != nil
            return nil
        }
        #expect(!pastTheEnd)
        var misplaced = true
        let wrongPositions = StoreSnapshot.assemble(count: s.dossiers.count, idBytes: idBytes) { target -> StoreSnapshot.Filled? in
            misplaced = StoreSnapshot.decode(chunk: chunks[0], 1, units: 3, idsAt: 0, into: target) != nil
            return nil
        }
        #expect(!misplaced)
        #expect(wrongPositions == nil)
    }

    /// A night that only adds ids saves what the id index gained (their slots and tags), not the whole
    /// index: the index written whole then, plus each night's additions, is the index of the store now.
    @Test func theIndexPlusWhatNightsAddedIsTheWholeIndex() throws {
        var s = store(3_000)
        let base = StoreSnapshot.encodeIndex(s)
        // Night 1: loaded (base), 40 ids added. Night 2: loaded (base + night 1), 25 more and one again.
        s.markIDInserts()
        for i in 0..<40 { s.upsert(id: "DEM1-\(i)", s.dossiers[i]) }
        let night1 = try #require(StoreSnapshot.encodeIndexDelta(s))
        #expect(StoreSnapshot.deltaKeys(night1)! == (3_000, 40))
        s.markIDInserts()
        for i in 0..<25 { s.upsert(id: "DEM2-\(i)", s.dossiers[i]) }
        s.upsert(id: "DEM1-3", s.dossiers[7])  // a duplicate: no new key
        let night2 = try #require(StoreSnapshot.encodeIndexDelta(s))
        #expect(StoreSnapshot.deltaKeys(night2)! == (3_040, 25))
        let index = try #require(StoreSnapshot.decodeIndex(base, count: 3_000))
        // In either order (as the rows come), the additions apply in the order of their keys.
        for deltas in [[night1, night2], [night2, night1]] {
            let whole = try #require(StoreSnapshot.applying(deltas, to: index))
            let arena = (0..<s.dossiers.count).map { s.id($0) }
            var bytes: [UInt8] = [], starts: [UInt32] = []
            for key in arena { starts.append(UInt32(bytes.count)); bytes += Array(key.utf8) }
            let table = try #require(ByteTable(arena: bytes, starts: starts, index: whole))
            for (i, key) in arena.enumerated() { #expect(table.find(key) == i) }
            #expect(table.find("DEM3-0") == nil)
        }
        // An addition that does not follow on from the index, or names a slot already taken: refused.
        #expect(StoreSnapshot.applying([night2], to: index) == nil)
        var taken = night1
        let firstSlot = 13  // magic, version, first id, count: then each key's slot
        let used = try #require((0..<3_000).lazy.map { UInt32($0) }.first { slot in
            var t = night1
            withUnsafeBytes(of: slot.littleEndian) { t.replaceSubrange(firstSlot..<firstSlot + 4, with: $0) }
            return StoreSnapshot.applying([t], to: index) == nil
        })
        withUnsafeBytes(of: used.littleEndian) { taken.replaceSubrange(firstSlot..<firstSlot + 4, with: $0) }
        #expect(StoreSnapshot.applying([taken], to: index) == nil)
        // Once the table grows (every slot may move), nothing short is recorded: the index goes whole.
        var grown = store(100)
        grown.markIDInserts()
        for i in 0..<6_000 { grown.upsert(id: "LON-\(i)", grown.dossiers[0]) }  // past three-quarters of 5,462 slots
        #expect(StoreSnapshot.encodeIndexDelta(grown) == nil)
    }

    /// The index read in parts (its head, its slots straight into an array of words, its tail: how the
    /// SQLite warehouse reads it) is the index read from its bytes, and refuses what they refuse.
    @Test func theIndexReadInPartsIsTheIndexReadWhole() throws {
        let s = store(3_000)
        let bytes = StoreSnapshot.encodeIndex(s)
        let head = Array(bytes.prefix(StoreSnapshot.indexHead)), tail = Array(bytes.suffix(StoreSnapshot.indexTail))
        let n = try #require(StoreSnapshot.indexSlots(head: head, size: bytes.count))
        func words(_ b: [UInt8]) -> [UInt64] {
            (0..<n).map { k in (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[StoreSnapshot.indexHead + 8 * k + $1]) << (8 * UInt64($1)) } }
        }
        let whole = try #require(StoreSnapshot.decodeIndex(bytes, count: 3_000))
        let parts = try #require(StoreSnapshot.decodeIndex(slots: words(bytes), tail: tail, count: 3_000))
        let chunks = (0..<StoreSnapshot.chunkCount(3_000)).map { StoreSnapshot.encode(s, chunk: $0) }
        for index in [whole, parts] {
            let back = try #require(StoreSnapshot.assemble(count: 3_000, idBytes: chunks.reduce(0) { $0 + $1.count }) { target in
                guard let ids = StoreSnapshot.decode(chunk: chunks[0], 0, units: 3, idsAt: 0, into: target) else { return nil }
                return StoreSnapshot.Filled(chunks: 1, idBytes: ids, index: index)
            })
            for i in stride(from: 0, to: 3_000, by: 7) { #expect(FieldBytes.of(s.id(i)) { back.index(of: $0) } == i) }
            #expect(FieldBytes.of("HS-3000") { back.index(of: $0) } == nil)
        }
        // A head that is not an index's, or a size its slot count does not fit; a tail naming another count;
        // a slot naming a key twice: refused, as whole.
        #expect(StoreSnapshot.indexSlots(head: [0] + head.dropFirst(), size: bytes.count) == nil)
        #expect(StoreSnapshot.indexSlots(head: head, size: bytes.count + 8) == nil)
        #expect(StoreSnapshot.decodeIndex(slots: words(bytes), tail: tail, count: 2_999) == nil)
        var twice = words(bytes)
        let filled = twice.indices.filter { twice[$0] != 0 }
        twice[filled[1]] = twice[filled[0]]
        #expect(StoreSnapshot.decodeIndex(slots: twice, tail: tail, count: 3_000) == nil)
        var tagged = words(bytes)
        tagged[try #require(tagged.indices.first { tagged[$0] == 0 })] = 1 << 40  // an empty slot with a tag
        #expect(StoreSnapshot.decodeIndex(slots: tagged, tail: tail, count: 3_000) == nil)
    }

    @Test func bytesItDidNotWriteAreRefusedNotTrusted() throws {
        let s = store(500)
        let (index, chunks) = encode(s)
        // Truncated anywhere, a chunk or the index: nil, never a crash.
        for cut in [0, 1, 9, 13, 40, chunks[0].count / 2, chunks[0].count - 1] {
            #expect(StoreSnapshot.decode(index: index, chunks: [Array(chunks[0].prefix(cut))], count: 500, units: 3) == nil)
        }
        for cut in [0, 5, 9, index.count / 2, index.count - 1] {
            #expect(StoreSnapshot.decode(index: Array(index.prefix(cut)), chunks: chunks, count: 500, units: 3) == nil)
        }
        // Another count, a unit the registry does not have, a status chiso never writes, an id twice.
        #expect(StoreSnapshot.decode(index: index, chunks: chunks, count: 499, units: 3) == nil)
        #expect(StoreSnapshot.decode(index: index, chunks: chunks, count: 500, units: 2) == nil)
        // A byte of the chunk at a time: a status, a channel or flags chiso never writes, links naming rows
        // chiso never writes or more rows than they hold (the positions after run past the links), a row
        // without its line, an id that starts before the one before it, a chunk of another version.
        let head = StoreSnapshot.chunkHead, links = head + 500 * Dossier.recordBytes
        let startsAt = links + (try #require(StoreSnapshot.chunkHead(chunks[0]))).linkBytes
        #expect(s.links[0].late != nil && s.links[0].postalIntake == nil)  // position 0's links: mask 1 | 4 | 8
        for (at, value) in [(head + 20, 200), (head + 21, 9), (head + 22, 8), (links, 16), (links + 1, 64), (links, 15),
                            (links + 2, 0), (4, 1)] as [(Int, UInt8)] {
            var bad = chunks[0]
            bad[at] = value
            if at == links + 2 { bad.replaceSubrange(links + 2..<links + 6, with: [0, 0, 0, 0]) }  // its late row's line: 0
            #expect(StoreSnapshot.decode(index: index, chunks: [bad], count: 500, units: 3) == nil, "byte \(at) = \(value)")
        }
        // Links with two bytes no position reads (a head that counts them, so that the size agrees).
        var longer = chunks[0]
        longer.insert(contentsOf: [0, 0], at: startsAt)
        let linkBytes = UInt32(startsAt - links + 2)
        withUnsafeBytes(of: linkBytes.littleEndian) { longer.replaceSubrange(13..<17, with: $0) }  // the head's links bytes
        #expect(StoreSnapshot.chunkHead(longer)?.linkBytes == Int(linkBytes))
        #expect(StoreSnapshot.decode(index: index, chunks: [longer], count: 500, units: 3) == nil)
        var down = chunks[0]
        down[startsAt + 8] = 0; down[startsAt + 9] = 0  // position 2's id starting before position 1's
        #expect(StoreSnapshot.decode(index: index, chunks: [down], count: 500, units: 3) == nil)
        var notFirst = chunks[0]
        notFirst[startsAt] = 1  // the first id starting after the chunk's first byte
        #expect(StoreSnapshot.decode(index: index, chunks: [notFirst], count: 500, units: 3) == nil)
        #expect(StoreSnapshot.decode(index: index, chunks: chunks, count: 500, units: 3) != nil)  // and untouched, whole
        // An index whose slots name one key twice (and so another never): refused. Slots (8 bytes: the
        // id + 1, then the tag) start at byte 9.
        let slotCount = Int(index[5]) | Int(index[6]) << 8
        let filled = stride(from: 9, to: 9 + 8 * slotCount, by: 8).filter { index[$0..<$0 + 8] != [0, 0, 0, 0, 0, 0, 0, 0] }
        #expect(filled.count == 500)
        var twice = index
        twice.replaceSubrange(filled[1]..<filled[1] + 8, with: index[filled[0]..<filled[0] + 8])
        #expect(StoreSnapshot.decode(index: twice, chunks: chunks, count: 500, units: 3) == nil)
        var named = index
        named.replaceSubrange(filled[0]..<filled[0] + 4, with: [0xFF, 0xFF, 0, 0])  // a key that does not exist
        #expect(StoreSnapshot.decode(index: named, chunks: chunks, count: 500, units: 3) == nil)
        // Extra bytes after a chunk's last dossier.
        #expect(StoreSnapshot.decode(index: index, chunks: [chunks[0] + [0]], count: 500, units: 3) == nil)
    }

    /// A run that reads linked sources again records only the links it clears, not a copy of all: the
    /// comparison from that record finds exactly what comparing with a full copy finds.
    @Test func theComparisonFromClearedLinksIsTheFullOne() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // a seeded walk: the same cases every run
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let sourceSets: [[SourceKind]] = [[.postal], [.late], [.digitized], [.late, .postal, .digitized], [.postal, .digitized]]
        for sources in sourceSets {
            for appended in [0, 7] {
                var store = store(2_000)
                for _ in 0..<appended { store.upsert(id: "MOI-\(next(1_000_000))", store.dossiers[0]) }
                let full = store.links  // the stored links (appended dossiers have none yet)
                let count = 2_000
                let relinked = StoreDiff.Relinked.clearing(sources, in: &store.links, stored: count)
                for i in store.links.indices {
                    #expect(sources.allSatisfy { s in var x = store.links[i]; x.take(s, from: DossierLinks()); return x == store.links[i] })
                }
                // Read again: most rows as they were, some gone, some new, some changed, on old and new positions.
                for i in store.links.indices {
                    var again = full[i]
                    switch next(10) {
                    case 0: again = DossierLinks()
                    case 1: again.postalReturn = RowRef(file: 9, line: i + 5); again.returnDelivered.toggle()
                    case 2: again.late = RowRef(file: 8, line: i + 7); again.apology.toggle()
                    case 3: again.digitized = RowRef(file: 7, line: i + 3); again.eSigned.toggle()
                    case 4: again.apology.toggle()  // a flag alone
                    default: break
                    }
                    for s in sources { store.links[i].take(s, from: again) }
                }
                var old = full
                old.removeLast(appended)
                let expected = StoreDiff.links(old, store.links)
                let got = StoreDiff.links(relinked, now: store.links)
                #expect(got.late == expected.late && got.postal == expected.postal && got.digitized == expected.digitized,
                        "sources \(sources), \(appended) appended")
                #expect(relinked.count == count)
            }
        }
    }

    @Test func theComparisonFindsExactlyWhatChanged() {
        let old = store(1_000)
        var new = old
        // A replaced duplicate in place, a link changed, two appended dossiers.
        new.dossiers[10].ref = RowRef(file: 1, line: 99)
        new.links[300].returnDelivered = false
        new.upsert(id: "MOI-1", old.dossiers[0])
        new.upsert(id: "MOI-2", old.dossiers[1])
        #expect(StoreDiff.dossiers(old, dossiers: new.dossiers, ids: new.ids) == [10..<11, 1_000..<1_002])
        let links = StoreDiff.links(old, new)
        #expect(links.late == [1_000..<1_002])
        #expect(links.postal == [300..<301, 1_000..<1_002])
        #expect(links.digitized == [1_000..<1_002])
        // A store of other ids at the same positions differs everywhere; a shorter one at its tail.
        #expect(StoreDiff.dossiers(old, dossiers: store(1_000, prefix: "X-").dossiers, ids: store(1_000, prefix: "X-").ids) == [0..<1_000])
        #expect(StoreDiff.dossiers(old, dossiers: store(900).dossiers, ids: store(900).ids) == [900..<1_000])
        #expect(StoreDiff.dossiers(old, dossiers: old.dossiers, ids: old.ids).isEmpty)
    }
}
