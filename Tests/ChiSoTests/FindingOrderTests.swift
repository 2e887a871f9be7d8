import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 7.1's order of the data-quality report, computed on ranked keys (`Finding.reportPermutation`),
/// is exactly a stable sort by `Finding.reportOrder`: every key, a missing line last, ties in reading order.
@Suite struct FindingOrderTests {
    /// Findings that differ in one key at a time, and exact ties told apart only by their message.
    func findings() -> [Finding] {
        let files = ["ho-so/ho-so-02.csv", "ho-so/ho-so-01.csv", "bcci/bcci.csv", "ho-so/Hồ sơ.csv", "ho-so/ho-so-1.csv"]
        let codes: [FindingCode] = [.badDate, .missingValue, .duplicateReplaced, .badFieldCount]
        let sources: [SourceKind] = [.postal, .dossiers, .units, .digitized]
        var out: [Finding] = []
        var n = 0
        for i in 0..<400 {
            // A small pseudo-random walk over the keys, so that many findings share most of them.
            n = (n * 1_103_515_245 + 12_345) & 0x7FFF_FFFF
            let line: Int? = n % 7 == 0 ? nil : 2 + (n >> 3) % 9
            out.append(Finding(.error, codes[(n >> 5) % codes.count], source: sources[(n >> 8) % sources.count],
                               file: files[(n >> 11) % files.count], line: line,
                               dossierID: ["", "HS-10", "HS-9", "HS-100", "hs-1"][(n >> 14) % 5], message: "#\(i)"))
        }
        return out
    }

    @Test func theRankedOrderIsTheStableSortByReportOrder() {
        let all = findings()
        let expected = all.enumerated().sorted { a, b in
            if Finding.reportOrder(a.element, b.element) { return true }
            if Finding.reportOrder(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element.message)
        #expect(Reports.sortedFindings(all).map(\.message) == expected)
        #expect(Set(expected).count == all.count)
        // The walk made ties and missing lines, so the tie-break and "empty last" were exercised.
        #expect(all.contains { $0.line == nil })
        let keys = all.map { "\($0.source)|\($0.file)|\($0.line ?? -1)|\($0.code)|\($0.dossierID)" }
        #expect(Set(keys).count < all.count)
        #expect(Reports.sortedFindings([]).isEmpty)
    }

    @Test func aMissingLineComesAfterEveryLineOfItsFile() {
        let a = Finding(.error, .badDate, source: .dossiers, file: "a.csv", line: nil, message: "none")
        let b = Finding(.error, .badDate, source: .dossiers, file: "a.csv", line: 900_000, message: "last line")
        let c = Finding(.error, .badDate, source: .dossiers, file: "b.csv", line: 2, message: "next file")
        #expect(Reports.sortedFindings([c, a, b]).map(\.message) == ["last line", "none", "next file"])
    }
}
