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
        var changes = LinkChanges()
        let common = min(old.count, new.count)
        for i in 0..<common { changes.compare(i, old[i], new[i]) }
        return changes.ranges(tail: common..<max(old.count, new.count))
    }

    /// The links of the sources a run reads again, as they were before it cleared them: enough to compare
    /// against without a copy of every dossier's links (at 5M dossiers, 140 MB copied for one changed row).
    package struct Relinked: Sendable {
        /// The sources cleared and read again.
        package var sources: [SourceKind]
        /// In position order, each position that had a row (or a flag) of one of them, with its links then.
        /// Every other position had none of theirs, and the other sources' as now.
        package var before: [(position: Int, links: DossierLinks)]
        /// Positions the stored state had; those from here on are new (every row of theirs differs).
        package var count: Int

        /// Clears `sources`' rows and flags from each of `links`, recording what they were for the first
        /// `stored` positions (those after are new: files appended this run).
        package static func clearing(_ sources: [SourceKind], in links: inout [DossierLinks], stored: Int) -> Relinked {
            var before: [(position: Int, links: DossierLinks)] = []
            let none = DossierLinks()
            for i in links.indices {
                var cleared = links[i]
                for source in sources { cleared.take(source, from: none) }
                if cleared != links[i] {
                    if i < stored { before.append((i, links[i])) }
                    links[i] = cleared
                }
            }
            return Relinked(sources: sources, before: before, count: min(stored, links.count))
        }
    }

    /// ``links(_:_:)`` from the links now and what ``Relinked`` recorded of them before.
    package static func links(_ relinked: Relinked, now: [DossierLinks]) -> (late: [Range<Int>], postal: [Range<Int>], digitized: [Range<Int>]) {
        var changes = LinkChanges()
        let none = DossierLinks()
        var next = 0
        let common = min(relinked.count, now.count)
        for i in 0..<common {
            var old = now[i]
            if next < relinked.before.count && relinked.before[next].position == i {
                old = relinked.before[next].links
                next += 1
            } else {
                for source in relinked.sources { old.take(source, from: none) }
            }
            changes.compare(i, old, now[i])
        }
        return changes.ranges(tail: common..<max(relinked.count, now.count))
    }
}

/// The positions whose links differ, per linked source.
private struct LinkChanges {
    var late = RangeBuilder(), postal = RangeBuilder(), digitized = RangeBuilder()

    /// Records position `i` for each source whose rows or flags differ between `a` and `b`.
    @inline(__always) mutating func compare(_ i: Int, _ a: DossierLinks, _ b: DossierLinks) {
        if a == b { return }
        if a.late != b.late || a.apology != b.apology { late.add(i) }
        if a.postalIntake != b.postalIntake || a.postalReturn != b.postalReturn || a.returnDelivered != b.returnDelivered {
            postal.add(i)
        }
        if a.digitized != b.digitized || a.digitizedInputs != b.digitizedInputs || a.reused != b.reused
            || a.eResult != b.eResult || a.eSigned != b.eSigned { digitized.add(i) }
    }

    /// The ranges, with `tail` (positions only one side has) in every source's.
    mutating func ranges(tail: Range<Int>) -> (late: [Range<Int>], postal: [Range<Int>], digitized: [Range<Int>]) {
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
