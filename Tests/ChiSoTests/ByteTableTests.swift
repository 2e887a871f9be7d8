import Testing
@testable import ChiSoCore

/// The id table under the dossier store and the unit registry: dense ids in order of first insertion,
/// exact lookups through growth and through keys that share a slot's neighbourhood, and an index that
/// comes back from its bytes (the stored state) or is refused.
@Suite struct ByteTableTests {
    /// Keys like the portal's dossier ids, which differ only in their last digits.
    func key(_ i: Int) -> String { "000.00.11.H99-2306\(i % 10)-\(String(100_000 + i))" }

    /// The first `count` keys as the stored state keeps them: one arena, each key's start.
    func stored(_ count: Int) -> (arena: [UInt8], starts: [UInt32]) {
        var starts: [UInt32] = [], at: UInt32 = 0
        for i in 0..<count { starts.append(at); at += UInt32(key(i).utf8.count) }
        return (Array((0..<count).map(key).joined().utf8), starts)
    }

    @Test func idsAreDenseInOrderOfFirstInsertionThroughGrowth() {
        var t = ByteTable(capacity: 4)  // grows many times on the way to 20,000 keys
        for i in 0..<20_000 {
            let r = t.insert(key(i))
            #expect(r.id == i && r.inserted, "key \(i)")
        }
        #expect(t.count == 20_000)
        for i in stride(from: 0, to: 20_000, by: 7) {
            #expect(t.insert(key(i)) == (id: i, inserted: false))
            #expect(t.find(key(i)) == i)
            #expect(t.key(i) == key(i))
        }
        // Prefixes, extensions and the empty key are other keys, not hits on a stored one.
        #expect(t.find("000.00.11.H99-23060-10000") == nil)
        #expect(t.find(key(3) + "0") == nil)
        #expect(t.find("") == nil)
        #expect(t.insert("") == (id: 20_000, inserted: true))
        #expect(t.find("") == 20_000)
        #expect(t.find(key(19_999)) == 19_999)
    }

    @Test func aReservedTableFindsWhatAFullOneHolds() {
        // Reserved for exactly its keys: at three quarters full, probes walk past many other keys.
        var t = ByteTable()
        t.reserve(3_000, keyBytes: 27)
        for i in 0..<3_000 { t.insert(key(i)) }
        for i in 0..<3_000 { #expect(t.find(key(i)) == i) }
        for i in 3_000..<6_000 { #expect(t.find(key(i)) == nil) }
    }

    @Test func aBatchFindsWhatEachKeyFindsAlone() throws {
        // A full table (reserved for exactly its keys) and a small one whose probes wrap past its end.
        var full = ByteTable()
        full.reserve(3_000, keyBytes: 27)
        for i in 0..<3_000 { full.insert(key(i)) }
        var small = ByteTable(capacity: 4)
        for i in 0..<12 { small.insert(key(i * 5)) }
        small.insert("")
        // Present and absent keys mixed, a key twice, prefixes and extensions of stored keys, the empty key.
        let probes = (0..<200).map { key($0 * 37 % 6_000) } + [key(7), key(7), String(key(8).dropLast()), key(9) + "9", ""]
        for table in [full, small] {
            var found: [Int] = [99]  // emptied first
            for size in [1, 5, 32, probes.count] {  // one key, odd sizes, the ingest's size, all at once
                for start in stride(from: 0, to: probes.count, by: size) {
                    var batch = KeyBatch()
                    let keys = Array(probes[start..<min(start + size, probes.count)])
                    for k in keys { FieldBytes.of(k) { batch.append($0) } }
                    #expect(batch.count == keys.count)
                    table.find(batch, into: &found)
                    #expect(found == keys.map { table.find($0) ?? -1 }, "batch of \(size) from \(start)")
                    for (k, key) in keys.enumerated() { #expect(batch.withKey(k) { $0.string } == key) }
                }
            }
        }
        #expect(full.find(key(2_999)) == 2_999 && full.find(key(3_000)) == nil)  // both kinds were asked for
        var none: [Int] = [1]
        full.find(KeyBatch(), into: &none)
        #expect(none.isEmpty)
    }

    @Test func theIndexComesBackFromItsBytesAndKeepsWorking() throws {
        var t = ByteTable(capacity: 16)
        for i in 0..<5_000 { t.insert(key(i)) }
        var w = ByteWriter()
        t.encodeIndex(into: &w)
        let (arena, starts) = stored(5_000)
        var r = ByteReader(w.bytes)
        var back = try #require(ByteTable(arena: arena, starts: starts, index: &r))
        #expect(r.atEnd)
        for i in 0..<5_000 { #expect(back.find(key(i)) == i) }
        #expect(back.find(key(5_000)) == nil)
        // New keys after the restore, through the growth they cause.
        for i in 5_000..<12_000 { #expect(back.insert(key(i)) == (id: i, inserted: true)) }
        for i in 0..<12_000 { #expect(back.find(key(i)) == i) }
        // Encoded again, the restored table writes what a table built key by key writes.
        var built = ByteTable(capacity: 16)
        for i in 0..<12_000 { built.insert(key(i)) }
        var w1 = ByteWriter(), w2 = ByteWriter()
        back.encodeIndex(into: &w1)
        built.encodeIndex(into: &w2)
        #expect(w1.bytes == w2.bytes)
        var r1 = ByteReader(w1.bytes)
        let (arena2, starts2) = stored(12_000)
        let again = try #require(ByteTable(arena: arena2, starts: starts2, index: &r1))
        for i in stride(from: 0, to: 12_000, by: 11) { #expect(again.find(key(i)) == i) }
    }

    /// Merging a store read apart (its ids distinct) with the id table's work in parts gives the store
    /// that upserting its dossiers one by one gives: the same ids in the same order, the same rows, the
    /// same replacements; every key found, and new keys still taken after. With a table that must grow,
    /// and with parts that leave keys at their ranges' ends to the last pass.
    @Test func mergingInPartsIsUpsertingInOrder() {
        func dossier(_ i: Int) -> Dossier { Dossier(unit: i % 3, received: Day(19_000 + i % 400), status: .accepted, ref: RowRef(file: 1, line: i + 2)) }
        let serially: ByteTable.Parts = { parts, part in for t in 0..<parts { part(t) } }
        for (before, after, reserve) in [(1_000, 3_000, 4_096), (5_000, 400, 64), (20_000, 20_000, 60_000), (0, 100, 16), (3_000, 3_000, 16)] {
            var base = DossierStore()
            base.reserve(reserve, expected: reserve)
            for i in 0..<before { base.upsert(id: key(i), dossier(i)) }
            var other = DossierStore()
            for i in 0..<after { other.upsert(id: key(i * 3 + before / 2), dossier(i + 7)) }  // some ids already in base
            var expected = base
            var replacedOneByOne: [(other: Int, previous: RowRef)] = []
            for j in 0..<other.dossiers.count {
                FieldBytes.of(other.id(j)) { id in
                    if let previous = expected.upsert(id: id, other.dossiers[j]) { replacedOneByOne.append((j, previous)) }
                }
            }
            #expect(!replacedOneByOne.isEmpty || before == 0)
            for parts in [1, 2, 3] {
                var merged = base
                let replaced = merged.merge(other, parts: parts, run: serially)
                #expect(replaced.map(\.other) == replacedOneByOne.map(\.other))
                #expect(replaced.map(\.previous) == replacedOneByOne.map(\.previous))
                #expect(merged.dossiers == expected.dossiers && merged.links == expected.links)
                #expect((0..<merged.dossiers.count).map(merged.id) == (0..<expected.dossiers.count).map(expected.id))
                for i in 0..<merged.dossiers.count { #expect(FieldBytes.of(merged.id(i)) { merged.index(of: $0) } == i) }
                merged.upsert(id: "MOI", dossier(1))
                #expect(FieldBytes.of("MOI") { merged.index(of: $0) } == expected.dossiers.count)
            }
        }
    }

    @Test func anIndexThatDoesNotFitItsKeysIsRefused() throws {
        var t = ByteTable(capacity: 16)
        for i in 0..<100 { t.insert(key(i)) }
        var w = ByteWriter()
        t.encodeIndex(into: &w)
        let (arena, starts) = stored(100)
        // Slots are little-endian UInt64 after the slot count (the key's tag above id + 1).
        let slotCount = Int(w.bytes[0]) | Int(w.bytes[1]) << 8 | Int(w.bytes[2]) << 16 | Int(w.bytes[3]) << 24
        /// Decoded whole, and its slots checked in two and in three parts (which must agree).
        func decodes(_ bytes: [UInt8], starts: [UInt32] = starts) -> Bool {
            var r = ByteReader(bytes)
            let whole = ByteTable(arena: arena, starts: starts, index: &r) != nil
            if bytes.count == w.bytes.count, bytes.prefix(4) == w.bytes.prefix(4), starts == stored(100).starts {
                let slots = (0..<slotCount).map { k in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[4 + 8 * k + $1]) << (8 * UInt64($1)) } }
                let serially: ByteTable.Parts = { parts, part in for t in (0..<parts).reversed() { part(t) } }
                for parts in [2, 3] {
                    #expect((ByteTable.Index(count: 100, slots: slots, parts: parts, run: serially) != nil) == whole, "\(parts) parts")
                }
                // Checked piece by piece as a reader hands them over (uneven pieces, the last one short).
                for size in [1, 7, 50, slotCount] {
                    var check = ByteTable.SlotCheck(count: 100)
                    slots.withUnsafeBufferPointer { all in
                        for lo in stride(from: 0, to: slotCount, by: size) {
                            check.check(UnsafeBufferPointer(rebasing: all[lo..<min(lo + size, slotCount)]))
                        }
                    }
                    #expect(check.slots == slotCount)
                    #expect((ByteTable.Index(count: 100, slots: slots, checked: check) != nil) == whole, "pieces of \(size)")
                }
                // A check that missed a piece, or was made for another count, is refused.
                var part = ByteTable.SlotCheck(count: 100)
                slots.withUnsafeBufferPointer { part.check(UnsafeBufferPointer(rebasing: $0[1...])) }
                #expect(ByteTable.Index(count: 100, slots: slots, checked: part) == nil)
                var other = ByteTable.SlotCheck(count: 99)
                slots.withUnsafeBufferPointer { other.check($0) }
                #expect(ByteTable.Index(count: 100, slots: slots, checked: other) == nil)
            }
            return whole
        }
        #expect(decodes(w.bytes))
        // Find the first two filled slots.
        let filled = (0..<slotCount).filter { k in (0..<4).contains { w.bytes[4 + 8 * k + $0] != 0 } }
        #expect(filled.count == 100)
        var twice = w.bytes  // one key in two slots, another in none
        for b in 0..<8 { twice[4 + 8 * filled[1] + b] = twice[4 + 8 * filled[0] + b] }
        #expect(!decodes(twice))
        var stranger = w.bytes  // a slot naming a key the arena does not have
        stranger[4 + 8 * filled[0]] = 200
        #expect(!decodes(stranger))
        var tagged = w.bytes  // an empty slot with a tag in it
        let empty = try #require((0..<slotCount).first { !filled.contains($0) })
        tagged[4 + 8 * empty + 5] = 1
        #expect(!decodes(tagged))
        var missing = w.bytes  // a key in no slot (its slot emptied)
        for b in 0..<8 { missing[4 + 8 * filled[2] + b] = 0 }
        #expect(!decodes(missing))
        #expect(!decodes(Array(w.bytes.dropLast())))  // the key count cut short
        #expect(!decodes(w.bytes, starts: Array(starts.reversed())))  // keys out of order
        // A slot count the bytes cannot hold (4,294,967,295 slots would be 34 GB): refused before any
        // memory is sized from it.
        var huge = w.bytes
        huge.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(!decodes(huge))
    }
}
