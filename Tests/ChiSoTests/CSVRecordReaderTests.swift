import Foundation
import Testing
@_spi(RawBytes) @testable import ChiSo
@testable import ChiSoCore

/// SPEC 2.1 reading rules, and each of libcsv's sharp edges handled by the reader.
@Suite struct CSVRecordReaderTests {
    let dir = TempDir()

    @Test func utf8BOMIsRemovedBeforeTheHeader() throws {
        let path = dir.write("bom.csv", [0xEF, 0xBB, 0xBF] + Array("Mã hồ sơ,b\n1,2\n".utf8))
        let rows = try records(path)
        #expect(rows.map(\.fields) == [["Mã hồ sơ", "b"], ["1", "2"]])
    }

    @Test func utf16LittleAndBigEndianWithBOMAreConverted() throws {
        let text = "Mã,Tên\r\n1,Hòa Phong 𝔸\r\n"
        var le: [UInt8] = [0xFF, 0xFE], be: [UInt8] = [0xFE, 0xFF]
        for u in text.utf16 {
            le += [UInt8(u & 0xFF), UInt8(u >> 8)]
            be += [UInt8(u >> 8), UInt8(u & 0xFF)]
        }
        for bytes in [le, be] {
            let rows = try records(dir.write("u16.csv", bytes), chunk: 8)
            #expect(rows.map(\.fields) == [["Mã", "Tên"], ["1", "Hòa Phong 𝔸"]])
            #expect(rows.map(\.line) == [1, 2])
        }
    }

    @Test func utf16WithoutBOMIsANulEncodingErrorAtItsOffset() throws {
        var bytes: [UInt8] = []
        for u in "a,b\n".utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        #expect(throws: CSVReadError.encoding(offset: 1, detail: "ký tự NUL (tệp UTF-16 không có BOM?)", line: 1, column: 2)) {
            try records(dir.write("nobom16.csv", bytes))
        }
    }

    @Test func loneSurrogateInUTF16IsAnEncodingError() throws {
        // BOM, 'a', then a low surrogate alone at byte offset 4.
        let bytes: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x00, 0xDC, 0x0A, 0x00]
        do {
            _ = try records(dir.write("lone.csv", bytes))
            Issue.record("expected an encoding error")
        } catch let CSVReadError.encoding(offset, _, line, column) {
            #expect(offset == 4)
            #expect(line == 1 && column == 2)
        }
    }

    @Test func invalidUTF8IsRejectedWithItsByteOffsetFromTheFileStart() throws {
        // 3 BOM bytes + "a,b\n1," = 9 bytes, then an invalid byte.
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a,b\n1,".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        for chunk in [4, 5, 1 << 20] {
            do {
                _ = try records(dir.write("bad8.csv", bytes), chunk: chunk)
                Issue.record("expected an encoding error")
            } catch let CSVReadError.encoding(offset, _, line, column) {
                #expect(offset == 9)
                // Line 2, after "1,": the third character of the line.
                #expect(line == 2 && column == 3)
            }
        }
    }

    /// The validator skips eight ASCII bytes at a time and, in a word that holds another byte, the ASCII
    /// bytes before it: a bad byte (NUL, invalid) at every position of a word, after accented letters or
    /// not, is found at its own offset, and text that mixes them is read byte for byte.
    @Test func aBadByteIsFoundAtItsOffsetWhereverItFallsInAWord() throws {
        let prefixes = ["", "ơ", "Đầu tư", "abcdefgh"]
        for prefix in prefixes {
            let head = Array("a,b\nx,".utf8) + Array(prefix.utf8)
            for pad in 0..<17 {
                let before = head + Array(repeating: UInt8(ascii: "k"), count: pad)
                for bad: [UInt8] in [[0x00], [0xFF], [0xC3, 0x28]] {
                    do {
                        _ = try records(dir.write("w.csv", before + bad + Array("tail,more text\n".utf8)))
                        Issue.record("expected an encoding error (prefix \(prefix), pad \(pad), \(bad))")
                    } catch let CSVReadError.encoding(offset, _, _, _) {
                        #expect(offset == before.count, "prefix \(prefix), pad \(pad), \(bad)")
                    }
                }
                let cell = prefix + String(repeating: "k", count: pad) + "ệ Hòa Phong"
                let rows = try records(dir.write("ok.csv", Array("a,b\nx,\(cell),y\n".utf8)))
                #expect(rows.map(\.fields) == [["a", "b"], ["x", cell, "y"]])
            }
        }
    }

    @Test func overlongAndSurrogateUTF8FormsAreInvalid() throws {
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(throws: CSVReadError.self) { try records(dir.write("x.csv", Array("a\n".utf8) + bad)) }
        }
    }

    @Test func nfdTextIsNormalizedToNFC() throws {
        let nfd = "Ho\u{0300}a"  // "Hòa" decomposed
        let rows = try records(dir.write("nfd.csv", "a\n\(nfd)\n"))
        #expect(rows[1].fields[0] == "Hòa")
        #expect(rows[1].fields[0].unicodeScalars.count == 3)
    }

    @Test func strayQuoteInAnUnquotedFieldIsASyntaxErrorNotASwallowedFile() throws {
        let path = dir.write("stray.csv", "a,b\n1,This \"q\" x\n2,3\n4,5\n")
        do {
            _ = try records(path)
            Issue.record("expected a syntax error")
        } catch let CSVReadError.syntax(line, column, offset, _) {
            #expect(line == 2)
            #expect(column == 2)
            #expect(offset == 11)
        }
    }

    @Test func textAfterAClosingQuoteIsASyntaxError() throws {
        for text in ["a,b\n\"1\" ,2\n", "a,b\n\"1\"x,2\n"] {
            #expect(throws: CSVReadError.self) { try records(dir.write("after.csv", text)) }
        }
    }

    @Test func spacesBeforeAnOpeningQuoteMakeAnUnquotedFieldWithAQuote() throws {
        #expect(throws: CSVReadError.self) { try records(dir.write("lead.csv", "a,b\n  \"x\",2\n")) }
    }

    @Test func quoteOpenAtTheEndOfTheFileIsASyntaxErrorNamingItsLine() throws {
        do {
            _ = try records(dir.write("open.csv", "a,b\n1,2\n3,\"never closed\n4,5\n"))
            Issue.record("expected a syntax error")
        } catch let CSVReadError.syntax(line, _, _, _) {
            #expect(line == 3)
        }
    }

    @Test func quotedFieldsKeepDoubledQuotesDelimitersAndLineEndsByteForByte() throws {
        let rows = try records(dir.write("q.csv", "a,b,c\r\n\"x,\"\"y\"\"\",\"line1\r\nline2\",\"l1\nl2\"\r\nz,y,x\r\n"))
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["x,\"y\"", "line1\r\nline2", "l1\nl2"], ["z", "y", "x"]])
        // Line ends inside quoted fields count: record 2 spans lines 2–4, the next starts on line 5.
        #expect(rows.map(\.line) == [1, 2, 5])
    }

    @Test func lfCrlfAndLoneCrAllEndALine() throws {
        let rows = try records(dir.write("ends.csv", "a,b\n1,2\r\n3,4\r5,6"))
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]])
        #expect(rows.map(\.line) == [1, 2, 3, 4])
    }

    @Test func aLoneCrThenALineEndingInLfAreTwoLines() throws {
        // The LF after "3,4" is not part of a CRLF: the CR before it ended the line above, so it ends one more.
        let rows = try records(dir.write("cr-lf.csv", "a,b\r1,2\r3,4\n5,6\r\n7,8\r\r\n9,0\n"), chunk: 3)
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"], ["7", "8"], ["9", "0"]])
        #expect(rows.map(\.line) == [1, 2, 3, 4, 5, 7])
        let whole = try records(dir.write("cr-lf.csv", "a,b\r1,2\r3,4\n5,6\r\n7,8\r\r\n9,0\n"))
        #expect(whole.map(\.line) == [1, 2, 3, 4, 5, 7])
    }

    /// The two parts of a file read on two cores (``FilePart``) against the file read whole, over random
    /// small files of quotes, delimiters, every line end, spaces and multi-byte letters: whenever the head
    /// ends between records at the line the tail was numbered from and both parts read, the whole reads and
    /// its records are the head's then the tail's, lines included; and when the whole reads and the head
    /// ends there, the tail reads too.
    @Test func aFileReadInTwoPartsGivesTheRecordsOfTheWholeFile() throws {
        let plain = ["a", "b", " ", "é", "1", "xy", ";"]
        let inQuotes = ["a", ",", "\n", "\r\n", "\r", "\"\"", "é", " "]
        let ends = ["\n", "\n", "\r\n", "\r", "\n\n", "\r\r\n"]
        let hostile = ["\"", "a\"b", "\"a\"b", "\u{0}", "\u{FEFF}"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        typealias Rows = [(line: Int, fields: [String])]
        func same(_ a: Rows, _ b: Rows) -> Bool { a.count == b.count && zip(a, b).allSatisfy { $0.line == $1.line && $0.fields == $1.fields } }
        var split = 0, fellBack = 0
        for _ in 0..<600 {
            // Records of plain and quoted fields (quotes holding delimiters, doubled quotes and line ends),
            // with now and then a stray quote or a NUL.
            var text = "h1,h2" + ends[next(ends.count)]
            for _ in 0..<(4 + next(20)) {
                for f in 0..<(1 + next(3)) {
                    if f > 0 { text += "," }
                    if next(40) == 0 { text += hostile[next(hostile.count)]; continue }
                    let quoted = next(3) == 0
                    if quoted { text += "\"" }
                    for _ in 0..<next(5) { text += quoted ? inQuotes[next(inQuotes.count)] : plain[next(plain.count)] }
                    if quoted { text += "\"" }
                }
                text += ends[next(ends.count)]
            }
            let bytes = Array(text.utf8)
            let path = dir.write("parts.csv", bytes)
            guard let lf = bytes[(bytes.count / 2)...].firstIndex(of: 0x0A), lf + 1 < bytes.count else { continue }
            let cut = lf + 1
            let whole = try? records(path, chunk: 5)
            var head: Rows = [], tail: Rows = []
            let reader = CSVRecordReader(chunkSize: 3)
            let headInfo = try? reader.read(path: path, part: .head(cut: cut)) { r in head.append((r.line, (0..<r.count).map { r.string($0) })) }
            let firstLine = try #require(LineCount.line(at: cut, of: path))
            guard let headInfo, headInfo.nextLine == firstLine, let delimiter = reader.delimiterInUse else {
                fellBack += 1
                continue
            }
            let tailRead = (try? CSVRecordReader(chunkSize: 4).read(path: path, part: .tail(cut: cut, delimiter: delimiter, encoding: .utf8, firstLine: firstLine)) { r in
                tail.append((r.line, (0..<r.count).map { r.string($0) }))
            }) != nil
            if tailRead {
                split += 1
                #expect(whole.map { same($0, head + tail) } == true, "\(text.debugDescription)")
            } else {
                #expect(whole == nil, "\(text.debugDescription)")
            }
        }
        // Both ways were taken often enough to mean something.
        #expect(split > 100 && fellBack > 50, "split \(split), fell back \(fellBack)")
    }

    @Test func theHeaderIsReadAloneAsTheWholeFileReadsIt() throws {
        let path = dir.write("h.csv", [0xEF, 0xBB, 0xBF] + Array("\r\n  \nMã;\"Tên; đơn vị\"\r\n1;2\r\n3;\"4".utf8))
        let header = try CSVRecordReader().header(path: path)
        #expect(header.names == ["Mã", "Tên; đơn vị"] && header.delimiter == .semicolon && header.encoding == .utf8BOM)
        // The unclosed quote further down is not read; a file of blank lines has no header.
        #expect(throws: CSVReadError.noHeader) { try CSVRecordReader().header(path: dir.write("b.csv", "\n \n")) }
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let rows = try records(dir.write("blank.csv", "a,b\n\n   \n\t\n\"\"\n1,2\n\r\n,\n"))
        // A line of delimiters only is a record of empty fields; blank lines (quoted or not) are skipped.
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "2"], ["", ""]])
        #expect(rows.map(\.line) == [1, 6, 8])
    }

    @Test func spacesInsideUnquotedFieldsAreKept() throws {
        let rows = try records(dir.write("sp.csv", "a,b\n  x  ,\ty\t\n"))
        #expect(rows[1].fields == ["  x  ", "\ty\t"])
    }

    @Test func aLongFieldIsReadWholeAndOneOverTheCapStopsTheRead() throws {
        let long = String(repeating: "é", count: 50_000)  // 100,000 bytes
        let rows = try records(dir.write("long.csv", "a,b\n1,\"\(long)\"\n"), chunk: 4096)
        #expect(rows[1].fields[1] == long)
        do {
            _ = try records(dir.write("long.csv", "a,b\n1,\"\(long)\"\n"), maxField: 10_000, chunk: 4096)
            Issue.record("expected tooLong")
        } catch let CSVReadError.tooLong(line, limit) {
            #expect(line == 2)
            #expect(limit == 10_000)
        }
    }

    @Test func anUnclosedQuoteInABigFileStopsAtTheCapNotAtTheEndOfMemory() throws {
        let body = String(repeating: "1,2\n", count: 20_000)
        #expect(throws: CSVReadError.tooLong(line: 2, limit: 1000)) {
            try records(dir.write("swallow.csv", "a,b\n\"oops,2\n" + body), maxField: 1000, chunk: 4096)
        }
    }

    @Test func emptyFileAndBlankOnlyFileHaveNoHeader() throws {
        #expect(throws: CSVReadError.noHeader) { try records(dir.write("empty.csv", "")) }
        #expect(throws: CSVReadError.noHeader) { try records(dir.write("blanks.csv", "\n \r\n\n")) }
        #expect(throws: CSVReadError.noHeader) { try records(dir.write("bomonly.csv", [0xEF, 0xBB, 0xBF])) }
    }

    @Test func headerOnlyIsAValidEmptyFile() throws {
        let rows = try records(dir.write("header.csv", "a,b\r\n"))
        #expect(rows.map(\.fields) == [["a", "b"]])
    }

    @Test func delimiterIsDetectedFromTheFirstNonBlankLineOutsideQuotes() throws {
        let semicolon = try records(dir.write("d1.csv", "\n\"a,b,c\";d;e\n1;2;3\n"))
        #expect(semicolon[0].fields == ["a,b,c", "d", "e"])
        let tab = try records(dir.write("d2.csv", "a\tb\n1\t2\n"))
        #expect(tab[1].fields == ["1", "2"])
        // Ties go to ',' then ';' then TAB; none at all means ','.
        let tie = try records(dir.write("d3.csv", "a,b;c\n1,2;3\n"))
        #expect(tie[0].fields == ["a", "b;c"])
        let tie2 = try records(dir.write("d4.csv", "a;b\tc\n"))
        #expect(tie2[0].fields == ["a", "b\tc"])
        let none = try records(dir.write("d5.csv", "abc\n1\n"))
        #expect(none[1].fields == ["1"])
        // A pipeline-set delimiter overrides detection.
        let forced = try records(dir.write("d6.csv", "a,b;c\n"), delimiter: .semicolon)
        #expect(forced[0].fields == ["a,b", "c"])
    }

    @Test func resultsDoNotDependOnWhereChunksEnd() throws {
        // Multi-byte text, quoted newlines, CRLF and a BOM, read with chunk sizes that cut through all of them.
        var text = "Mã hồ sơ;Tên đơn vị;Ghi chú\r\n"
        for i in 0..<200 {
            text += "HS-\(i);\"UBND Xã Hòa \(i), Huyện Đồi Mây\";\"dòng một\r\ndòng hai \(i)\"\r\n"
            if i % 17 == 0 { text += "\r\n" }
        }
        let path = dir.write("chunks.csv", [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let reference = try records(path)
        #expect(reference.count == 201)
        for chunk in [8, 9, 10, 13, 64, 1000] {
            let got = try records(path, chunk: chunk)
            #expect(got.map(\.fields) == reference.map(\.fields), "chunk \(chunk)")
            #expect(got.map(\.line) == reference.map(\.line), "chunk \(chunk)")
        }
    }

    @Test func fileInfoHasSizeHashEncodingAndDelimiter() throws {
        let path = dir.write("info.csv", "a;b\n1;2\n")
        let info = try CSVRecordReader().read(path: path) { _ in }
        #expect(info.size == 8)
        #expect(info.delimiter == .semicolon)
        #expect(info.encoding == .utf8)
        #expect(info.records == 2)
        #expect(info.sha256 == Hashing.sha256(Data("a;b\n1;2\n".utf8)))
    }
}
