import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 7.1: how the Office CSVs are written.
@Suite struct ReportFormatTests {
    @Test func csvHasBOMCRLFAndQuotesOnlyWhenNeeded() {
        var csv = OfficeCSV(header: ["Mã", "Tên"])
        csv.append(["a,b", "say \"hi\""])
        csv.append(["line\nbreak", "plain; text"])
        csv.append(["", "cr\r"])
        let text = String(decoding: csv.bytes.dropFirst(3), as: UTF8.self)
        #expect(Array(csv.bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(text == "Mã,Tên\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",plain; text\r\n,\"cr\r\"\r\n")
    }

    /// The workbook's column widths count characters, not bytes: the shortcut that counts a value's
    /// characters only when its bytes could beat the longest so far finds what counting every one finds.
    @Test func theLongestValueIsCountedInCharacters() {
        let values = ["", "abc", "Sở Nội vụ", "e\u{301}e\u{301}e\u{301}e\u{301}", "Đ", "xxxxxx", "Ủy ban nhân dân xã Thạch Hà", "🇻🇳🇻🇳"]
        for order in [values, values.reversed(), values.sorted()] {
            let rows = order.map { ["-", $0] }
            #expect(XlsxFile.longestValue(rows, column: 1, enough: 58) == order.map(\.count).max())
            #expect(XlsxFile.longestValue(rows, column: 1, enough: 5) == 5)
        }
        #expect(XlsxFile.longestValue([], column: 0, enough: 58) == 0)
    }

    @Test func round2IsHalfAwayFromZeroAsWritten() {
        #expect(Rounding.round2(2.675) == (2.675 * 100).rounded(.toNearestOrAwayFromZero) / 100)
        #expect(Rounding.round2(0.125) == 0.13)
        #expect(Rounding.round2(-0.125) == -0.13)
        #expect(Format.fixed2(1.005) == "1.00")  // 1.005 * 100 = 100.49999999999999 in IEEE double
        #expect(Format.fixed2(85) == "85.00")
        #expect(Format.fixed2(-0.001) == "0.00")
        #expect(Format.fixed2(-1.5) == "-1.50")
        #expect(Format.fixed2(66.666666) == "66.67")
    }

    @Test func amountsAreIntegersWhenWhole() {
        #expect(Format.amount(12) == "12")
        #expect(Format.amount(-0.0) == "0")
        #expect(Format.amount(2.5) == "2.50")
        #expect(Format.amount(1.0 / 3) == "0.33")
    }

    @Test func findingsAreOrderedBySourceFileLineCodeAndDossier() {
        func f(_ s: SourceKind, _ file: String, _ line: Int?, _ code: FindingCode, _ id: String = "") -> Finding {
            Finding(.warning, code, source: s, file: file, line: line, dossierID: id, message: "")
        }
        let input = [
            f(.postal, "a.csv", 2, .orphanRecord),
            f(.dossiers, "b.csv", 1, .badDate),
            f(.dossiers, "a.csv", nil, .tooManyBadRows),
            f(.dossiers, "a.csv", 10, .badStatus),
            f(.dossiers, "a.csv", 9, .unknownUnit, "Z"),
            f(.dossiers, "a.csv", 9, .unknownUnit, "A"),
            f(.dossiers, "a.csv", 9, .badDate),
            f(.units, "u.csv", 3, .badDate),
        ]
        let sorted = Reports.sortedFindings(input).map { "\($0.source.rawValue) \($0.file) \($0.line ?? -1) \($0.code.rawValue) \($0.dossierID)" }
        #expect(sorted == ["units u.csv 3 bad_date ", "dossiers a.csv 9 bad_date ", "dossiers a.csv 9 unknown_unit A",
                           "dossiers a.csv 9 unknown_unit Z", "dossiers a.csv 10 bad_status ",
                           "dossiers a.csv -1 too_many_bad_rows ", "dossiers b.csv 1 bad_date ", "postal a.csv 2 orphan_record "])
    }

    @Test func atomicOutputLeavesOldFilesUntilCommit() throws {
        let dir = TempDir()
        let path = dir.write("out/x.csv", "old")
        let out = AtomicOutput()
        try out.stage(Array("new".utf8), to: path)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == "old")
        try out.commit()
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == "new")
        let abandoned = AtomicOutput()
        try abandoned.stage(Array("newer".utf8), to: path)
        abandoned.discard()
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out") == ["x.csv"])
    }
}

import Foundation
