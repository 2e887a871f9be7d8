import Testing
@testable import ChiSo
@testable import ChiSoCore

/// The one listing order of SPEC 7.1, on inline units.
@Suite struct UnitOrderTests {
    let units = [("b", "xa"), ("a", "xa"), ("Z", "tinh"), ("c", "xa"), ("q", "khac")]
        .map { Unit(code: $0.0, name: $0.0, tier: $0.1, parentCode: nil) }
    let tiers = ["tinh", "xa"]
    func tierOrder(_ key: String) -> Int { tiers.firstIndex(of: key) ?? tiers.count }
    func codes(_ order: [Int]) -> [String] { order.map { units[$0].code } }

    @Test func tierThenCodeByteWiseWithUnknownTiersLast() {
        // "Z" (0x5A) sorts before "a" byte-wise; the tier still comes first.
        #expect(codes(UnitOrder.sorted(units.indices, units: units, tierOrder: tierOrder)) == ["Z", "a", "b", "c", "q"])
    }

    @Test func rankWithinTierUnrankedLastTiesByCode() {
        let rank: [Int?] = [1, nil, 1, 1, nil]   // b and c tie at 1, a unranked
        let order = UnitOrder.sorted(units.indices, units: units, tierOrder: tierOrder) { rank[$0] }
        #expect(codes(order) == ["Z", "b", "c", "a", "q"])
    }

    @Test func onlyTheMembersGivenAreListed() {
        #expect(codes(UnitOrder.sorted([3, 0], units: units, tierOrder: tierOrder)) == ["b", "c"])
    }
}
