import Foundation
import Testing

/// `pipelines/bo-chi-so-766.yaml` on the 2025 sample: the six groups, a commune's figures worked out by
/// hand from its counts and the portal's values, the reconciliation with the portal's published TDGQ.
@Suite(.serialized) struct Decision766Tests {
    let s = Scratch()

    @Test func aCommunesFiguresAsComputedByHand() throws {
        let r = try CLI.run(["run", "pipelines/bo-chi-so-766.yaml", "--db", s.path + "/db.sqlite", "--out", s.path, "--header-style", "keys"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = s.text("bo-chi-so-766/2025-12/chi-so-766.csv").components(separatedBy: "\r\n").dropLast().map(splitCSV)
        let header = lines[0]
        #expect(header.filter { $0.hasSuffix(".points") && !$0.contains("_") }
                == ["ckmb.points", "tdgq.points", "clgq.points", "tttt.points", "mdsh.points", "mdhl.points"])
        #expect(header.suffix(2) == ["tdgq.portal", "tdgq.difference"])
        let row = lines.first { $0[0] == "120.00.31.H99" }!
        func cell(_ key: String) -> String { row[header.firstIndex(of: key)!] }
        // TDGQ 2.1: 14 of 15 on time, linear: 20 × 14/15 = 18.666… → 18.67.
        #expect(cell("tdgq_2_1.numerator") == "14" && cell("tdgq_2_1.denominator") == "15")
        #expect(cell("tdgq.points") == "18.67")
        // CLGQ: 2 × min(1, 0.8910/0.8) + 4 × 0.9603 + 6 × min(1, (5/10)/0.5) = 2 + 3.8412 + 6 = 11.8412 → 11.84.
        #expect(cell("clgq.points") == "11.84")
        // TTTT: 2 × 0.6391/0.8 + 2 × 0.7869/0.8 + 6 × 3/8 = 1.59775 + 1.96725 + 2.25 = 5.815 → 5.82.
        #expect(cell("tttt.points") == "5.82")
        // The six groups add up to the score (every component is in a group, nothing is N/A here).
        let groups = ["ckmb", "tdgq", "clgq", "tttt", "mdsh", "mdhl"].map { Double(cell("\($0).points"))! }
        #expect(abs(groups.reduce(0, +) - Double(cell("score"))!) < 0.03)
        // The portal subtracted supplement time for this commune: 17.44 published, 1.23 off, over the 0.5 tolerance.
        #expect(cell("tdgq.portal") == "17.44" && cell("tdgq.difference") == "1.23")
        let quality = s.text("bo-chi-so-766/2025-12/chat-luong-du-lieu.csv")
        let mismatches = quality.components(separatedBy: "\r\n").filter { $0.contains(",portal_mismatch,") }
        let flagged = lines.dropFirst().filter { abs(Double($0[header.firstIndex(of: "tdgq.difference")!]) ?? 0) > 0.5 }.map { $0[0] }
        #expect(mismatches.count == flagged.count && flagged.count >= 3)
        #expect(mismatches.contains { $0.contains("120.00.31.H99") && $0.contains("chênh 1.23") })
        // explain shows the subtotals, the reconciliation and the late dossier that cost the points.
        let e = try CLI.run(["explain", "pipelines/bo-chi-so-766.yaml", "120.00.31.H99", "--db", s.path + "/db.sqlite"])
        #expect(e.stdout.contains("Tiến độ giải quyết         18.67 / 20"), "\(e.stdout)")
        #expect(e.stdout.contains("Tiến độ giải quyết: 18.67 / 17.44 / +1.23   QUÁ MỨC CHO PHÉP"))
        #expect(e.stdout.contains("HỒ SƠ TRỄ HẠN TRONG KỲ: 1"))
        #expect(e.stdout.contains("120.00.31.H99-251117-008126  nhận 2025-11-17, hẹn 2025-11-22, có kết quả 2025-12-04, quá 12 ngày"))
    }
}
