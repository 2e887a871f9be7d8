/// How a reorganization carries each registry row forward (SPEC 10.3): while a row is not a reporting
/// unit it is replaced by its successor (its one crosswalk row, or the primary one of a split); a row that
/// reports keeps its dossiers; a row with no way forward is *retired* and its dossiers count nowhere.
///
/// Pure: the registry (with its reporting units) and the crosswalk in, the mapping out.
public struct Reorganization: Sendable {
    /// Every registry row, holders of reused codes included.
    public let registry: UnitRegistry
    /// The registry of reporting units, which indicators, indices, awards and outputs are keyed by.
    public let reporting: UnitRegistry
    /// The crosswalk's edges (empty without `sources.lineage`).
    public let crosswalk: Crosswalk
    /// `sources.lineage` is configured: outputs get the `predecessors` column (SPEC 10.4).
    public let lineageConfigured: Bool
    /// Per row: indices into `crosswalk.successions` whose predecessor it is.
    public let edges: [[Int]]
    /// Per row: the successor attribution follows from it (nil for a reporting unit or a row with no crosswalk row).
    public let next: [Int?]
    /// Per row: the reporting row its dossiers count for; nil when it is retired (or caught in a cycle).
    public let target: [Int?]
    /// Per row that does not reach a reporting unit: the retired unit at the end of its chain.
    public let retiredAt: [Int?]
    /// Crosswalk lines whose edge closes a cycle (a configuration error).
    public let cycleLines: [Int]

    /// SPEC 10.4's ancestry applies: the registry has validity columns or a crosswalk is configured.
    public var followsReorganization: Bool { lineageConfigured || registry.hasValidity }

    /// Without validity and crosswalk every row reports and maps to itself.
    public init(registry: UnitRegistry, crosswalk: Crosswalk?, lineageConfigured: Bool) {
        self.registry = registry
        reporting = registry.reportingRegistry()
        let crosswalk = crosswalk ?? Crosswalk(successions: [])
        self.crosswalk = crosswalk
        self.lineageConfigured = lineageConfigured
        let n = registry.units.count
        var edges = [[Int]](repeating: [], count: n)
        for (i, s) in crosswalk.successions.enumerated() { edges[s.predecessor].append(i) }
        let next: [Int?] = (0..<n).map { row in
            guard !registry.isReporting[row], !edges[row].isEmpty else { return nil }
            let out = edges[row].map { crosswalk.successions[$0] }
            if out.count == 1 { return out[0].successor }
            let primaries = out.filter(\.primary)
            return primaries.count == 1 ? primaries[0].successor : nil
        }
        var target = [Int?](repeating: nil, count: n)
        var retiredAt = [Int?](repeating: nil, count: n)
        var cycles = Set<Int>()
        for row in 0..<n {
            var current = row
            var seen: Set<Int> = [row]
            while !registry.isReporting[current] {
                guard let successor = next[current] else { retiredAt[row] = current; break }
                if seen.contains(successor) {
                    let edge = edges[current].map { crosswalk.successions[$0] }.first { $0.successor == successor }!
                    cycles.insert(edge.line)
                    break
                }
                seen.insert(successor)
                current = successor
            }
            if registry.isReporting[current] { target[row] = current }
        }
        self.edges = edges
        self.next = next
        self.target = target
        self.retiredAt = retiredAt
        cycleLines = cycles.sorted()
    }

    /// The rows a row's dossiers pass through, itself first, up to the reporting unit or the retired one.
    public func chain(from row: Int) -> [Int] {
        var path = [row]
        var current = row
        while !registry.isReporting[current], let successor = next[current], !path.contains(successor) {
            path.append(successor)
            current = successor
        }
        return path
    }

    /// A predecessor split between several successors ("nhập một phần").
    public func isSplit(_ row: Int) -> Bool { edges[row].count > 1 }

    /// The crosswalk row attribution followed out of `row`, if any.
    public func followedSuccession(from row: Int) -> Succession? {
        guard let successor = next[row] else { return nil }
        return edges[row].map { crosswalk.successions[$0] }.first { $0.successor == successor && ($0.primary || edges[row].count == 1) }
    }

    /// Per row: the in-period dossiers that passed through it (its own and those chained to it).
    public func dossiersThrough(direct: [Int]) -> [Int] {
        var through = [Int](repeating: 0, count: direct.count)
        for row in direct.indices where direct[row] > 0 {
            for r in chain(from: row) { through[r] += direct[row] }
        }
        return through
    }

    /// The other rows whose in-period dossiers count for reporting unit `row`, with their counts, in registry order.
    public func contributors(to row: Int, direct: [Int]) -> [(row: Int, dossiers: Int)] {
        direct.indices.filter { $0 != row && direct[$0] > 0 && target[$0] == row }.map { ($0, direct[$0]) }
    }

    /// SPEC 10.4: the rows that were reporting units on the compared period's last day (in today's
    /// registry) and that attribution carries forward to reporting unit `row`.
    public func ancestors(of row: Int, comparedPeriodEnd end: Day) -> [Int] {
        registry.units.indices.filter { a in
            target[a] == row && (!registry.hasValidity || registry.units[a].isActive(on: end))
        }
    }

    /// `retired_unit` (warning) and `split_unit` (info) for units with dossiers in the period (SPEC 10.3, 10.6).
    /// - Parameters:
    ///   - direct: per row, the in-period dossiers resolved to it.
    ///   - registryFile: the registry's path as findings show it.
    public func findings(direct: [Int], registryFile: String) -> [Finding] {
        let through = dossiersThrough(direct: direct)
        var out: [Finding] = []
        for row in registry.units.indices where through[row] > 0 && !registry.isReporting[row] {
            let unit = registry.units[row]
            if edges[row].isEmpty {
                out.append(Finding(.warning, .retiredUnit, source: .units, file: registryFile, line: unit.line,
                                   column: "unit_code", value: String(through[row]), unitCode: unit.code,
                                   message: "Đơn vị \(unit.code) không còn là đơn vị báo cáo của kỳ và không có đơn vị kế thừa trong danh mục sắp xếp; \(through[row]) hồ sơ của kỳ không được tính cho đơn vị nào"))
            } else if isSplit(row), let successor = next[row] {
                let primary = registry.units[successor]
                out.append(Finding(.info, .splitUnit, source: .units, file: registryFile, line: unit.line,
                                   column: "unit_code", value: String(through[row]), unitCode: primary.code,
                                   message: "Đơn vị \(unit.code) được chia cho nhiều đơn vị; \(through[row]) hồ sơ của kỳ được tính cho đơn vị nhận hồ sơ \(primary.code)"))
            }
        }
        return out
    }

    /// The `predecessors` cell of reporting unit `row` (SPEC 10.4): codes of the other rows whose dossiers
    /// count for it and of its ancestors other than itself, each once, ascending, joined by `;`.
    public func predecessors(of row: Int, direct: [Int], ancestors: [Int]) -> String {
        let rows = Set(contributors(to: row, direct: direct).map(\.row) + ancestors.filter { $0 != row })
        let codes = Set(rows.map { registry.units[$0].code })
        return codes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: ";")
    }
}

extension Reorganization {
    /// The kind of one step of a chain, in Vietnamese: whole merger, rename, or a split whose dossiers
    /// go to the primary successor.
    public func kind(of succession: Succession) -> String {
        if isSplit(succession.predecessor) { return "chia tách một phần, đơn vị kế thừa nhận hồ sơ" }
        if registry.units[succession.successor].isActive(on: succession.effective - 1) { return "toàn bộ, sáp nhập vào" }
        let merged = crosswalk.successions.filter { $0.successor == succession.successor && $0.predecessor != succession.successor }
        return merged.count > 1 ? "toàn bộ, hợp nhất thành" : "toàn bộ, đổi tên hoặc đổi mã thành"
    }

    /// Each step from `row` to its reporting unit: `yyyy-MM-dd kind → CODE`, joined by `; `.
    public func describeChain(from row: Int) -> String {
        let path = chain(from: row)
        return zip(path, path.dropFirst()).compactMap { from, to -> String? in
            guard let s = followedSuccession(from: from) else { return nil }
            return "\(PortalDate.iso(s.effective)) \(kind(of: s)) → \(registry.units[to].code)"
        }.joined(separator: "; ")
    }
}
