/// Which positions of the per-dossier tables differ between the stored state and a run's new one, as
/// sorted ranges per table: what an incremental write deletes and rewrites instead of the whole period.
package enum StoreDiff {
    /// Positions covered by `ranges`.
    package static func size(_ ranges: [Range<Int>]) -> Int { ranges.reduce(0) { $0 + $1.count } }

    /// Positions whose dossier row differs, comparing position by position (the stores keep first-seen
    /// order, so an appended file adds positions at the end and a replaced duplicate changes one in place).
    package static func dossiers(_ old: DossierStore, dossiers: [Dossier], ids: ByteTable) -> [Range<Int>] {
        var ranges = RangeBuilder()
        let common = min(old.dossiers.count, dossiers.count)
        for i in 0..<common where old.dossiers[i] != dossiers[i]
            || !old.ids.withKey(i, { a in ids.withKey(i) { b in a.equals(b) } }) {
            ranges.add(i)
        }
        ranges.add(common..<max(old.dossiers.count, dossiers.count))
        return ranges.ranges
    }

    /// Positions whose dossier row differs after files were appended to a stored state of `count`
    /// dossiers, from the rows their duplicates replaced (``DossierStore/replaced``): the stored positions
    /// are otherwise untouched, and every position from `count` on is new.
    package static func appended(count: Int, replaced: [Int: Dossier], dossiers: [Dossier]) -> [Range<Int>] {
        var ranges = RangeBuilder()
        for i in replaced.keys.sorted() where i < count && replaced[i]! != dossiers[i] { ranges.add(i) }
        ranges.add(count..<max(count, dossiers.count))
        return ranges.ranges
    }

    /// Positions whose rows of each linked source differ.
    package static func links(_ old: DossierStore, _ new: DossierStore) -> (late: [Range<Int>], postal: [Range<Int>], digitized: [Range<Int>]) {
        links(old.links, new.links)
    }

    /// Positions whose rows of each linked source differ, from the two stores' links.
    package static func links(_ old: [DossierLinks], _ new: [DossierLinks]) -> (late: [Range<Int>], postal: [Range<Int>], digitized: [Range<Int>]) {
        var late = RangeBuilder(), postal = RangeBuilder(), digitized = RangeBuilder()
        let common = min(old.count, new.count)
        for i in 0..<common {
            let a = old[i], b = new[i]
            if a == b { continue }
            if a.late != b.late || a.apology != b.apology { late.add(i) }
            if a.postalIntake != b.postalIntake || a.postalReturn != b.postalReturn || a.returnDelivered != b.returnDelivered {
                postal.add(i)
            }
            if a.digitized != b.digitized || a.digitizedInputs != b.digitizedInputs || a.reused != b.reused
                || a.eResult != b.eResult || a.eSigned != b.eSigned { digitized.add(i) }
        }
        let tail = common..<max(old.count, new.count)
        late.add(tail); postal.add(tail); digitized.add(tail)
        return (late.ranges, postal.ranges, digitized.ranges)
    }
}

/// Collects increasing positions into ranges.
private struct RangeBuilder {
    var ranges: [Range<Int>] = []
    mutating func add(_ i: Int) { add(i..<i + 1) }
    mutating func add(_ r: Range<Int>) {
        if r.isEmpty { return }
        if let last = ranges.last, last.upperBound == r.lowerBound {
            ranges[ranges.count - 1] = last.lowerBound..<r.upperBound
        } else {
            ranges.append(r)
        }
    }
}
