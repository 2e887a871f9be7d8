/// The one order in which units are listed (SPEC 7.1): tier in the pipeline's order, then, where a
/// ranking is given, rank (unranked units last), then unit code byte by byte. `chi-tieu.csv`, the
/// `chi-so-*.csv` tables and the award lists all go through here, so they can never disagree.
public enum UnitOrder {
    /// `members` (indices into `units`) in the order above.
    /// - Parameters:
    ///   - tierOrder: a tier key's position in the pipeline's `tiers` (unknown tiers last).
    ///   - rank: a unit's rank, if the list is ranked; nil for the plain tier-then-code order.
    public static func sorted(_ members: some Sequence<Int>, units: [Unit], tierOrder: (String) -> Int,
                              rank: ((Int) -> Int?)? = nil) -> [Int] {
        members.sorted { a, b in
            let ta = tierOrder(units[a].tier), tb = tierOrder(units[b].tier)
            if ta != tb { return ta < tb }
            if let rank {
                switch (rank(a), rank(b)) {
                case let (x?, y?) where x != y: return x < y
                case (nil, _?): return false
                case (_?, nil): return true
                default: break
                }
            }
            return units[a].code.utf8.lexicographicallyPrecedes(units[b].code.utf8)
        }
    }
}
