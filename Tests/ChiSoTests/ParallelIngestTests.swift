import Testing
@_spi(RawBytes) @testable import ChiSo
@testable import ChiSoCore

/// Dossier files read on both cores and merged give exactly what reading them one after another gives:
/// the same dossiers in the same order, the later file winning, and the same findings.
@Suite struct ParallelIngestTests {
    let f = PipelineFixture()

    @Test func mergingFilesReadApartEqualsReadingThemInOrder() throws {
        f.pipeline()
        f.dir.write("data/ho-so/1.csv", PipelineFixture.header + """
        A,000.00.10.H99,1/3/2023,,,4,,,,
        B,000.00.10.H99,2/3/2023,,,4,,,,
        C,101.40.30.H99,3/3/2023,,,4,,,,

        """)
        // B twice in the second file (first row replaces file 1's B, second row replaces the first); D new.
        f.dir.write("data/ho-so/2.csv", PipelineFixture.header + """
        D,000.40.30.H99,4/3/2023,,,4,,,,
        B,101.40.30.H99,5/3/2023,,,4,,,,
        X,KHONG-CO,5/3/2023,,,4,,,,
        B,000.40.30.H99,6/3/2023,,,4,,,,

        """)
        f.dir.write("data/ho-so/3.csv", PipelineFixture.header + "C,000.00.10.H99,7/3/2023,,,4,,,,\nE,000.00.10.H99,8/3/2023,,,4,,,,\n")
        let (config, registry) = try f.load()
        let ingestor = Ingestor(config: config, registry: registry)
        let paths = try config.exportFiles()[0].1
        #expect(paths.count == 3)
        var sequential = IngestResult()
        for path in paths { ingestor.ingestDossiers(path, into: &sequential) }
        var parallel = IngestResult()
        ingestor.ingestDossierFiles(paths, into: &parallel, reserve: (64, 64))
        #expect((0..<parallel.store.dossiers.count).map(parallel.store.id) == ["A", "B", "C", "D", "E"])
        #expect((0..<parallel.store.dossiers.count).map(parallel.store.id) == (0..<sequential.store.dossiers.count).map(sequential.store.id))
        #expect(parallel.store.dossiers == sequential.store.dossiers)
        #expect(parallel.files.map(\.file) == sequential.files.map(\.file))
        #expect(parallel.files.map(\.rows) == sequential.files.map(\.rows))
        #expect(Reports.sortedFindings(parallel.findings) == Reports.sortedFindings(sequential.findings))
        let duplicates = Reports.sortedFindings(parallel.findings).filter { $0.code == .duplicateReplaced }
        #expect(duplicates.map { "\($0.file):\($0.line!) \($0.message)" } == [
            "data/ho-so/2.csv:3 Hồ sơ trùng mã; dòng này thay thế dòng 3 của tệp trước",
            "data/ho-so/2.csv:5 Hồ sơ trùng mã; dòng này thay thế dòng 3",
            "data/ho-so/3.csv:2 Hồ sơ trùng mã; dòng này thay thế dòng 4 của tệp trước",
        ])
        #expect(duplicates[0].unitCode == "101.40.30.H99")  // the row that first named B in file 2
    }

    // MARK: one big file read in two parts

    /// Reads `text` as the only dossier file both whole and in two parts (any size splits), and checks that
    /// the two agree on everything; returns how the parts went.
    private func partsAgainstWhole(_ text: [UInt8], ratio: Double = 0.5) throws -> Ingestor.PartsOutcome {
        f.pipeline(ratio: ratio)
        f.dir.write("data/ho-so/1.csv", text)
        let (config, registry) = try f.load()
        let path = try config.exportFiles()[0].1[0]
        var ingestor = Ingestor(config: config, registry: registry)
        ingestor.knownHashes = [path: "known"]
        var whole = IngestResult()
        ingestor.ingestDossiers(path, into: &whole)
        var parts = IngestResult()
        let outcome = ingestor.ingestDossierFileInParts(path, into: &parts, reserve: (64, 64), minimumBytes: 1)
        #expect((0..<parts.store.dossiers.count).map(parts.store.id) == (0..<whole.store.dossiers.count).map(whole.store.id))
        sameFiles(parts, whole)
        if whole.files.allSatisfy({ !$0.failed }) { #expect(whole.files.map(\.size) == [text.count]) }
        #expect(Reports.sortedFindings(parts.findings) == Reports.sortedFindings(whole.findings))
        return outcome
    }

    /// The dossiers, the files' reports and ids of a read in parts and of the read whole are the same.
    private func sameFiles(_ parts: IngestResult, _ whole: IngestResult) {
        #expect(parts.store.dossiers == whole.store.dossiers)
        #expect(parts.files.map(\.file) == whole.files.map(\.file))
        #expect(parts.files.map(\.rows) == whole.files.map(\.rows))
        #expect(parts.files.map(\.quarantined) == whole.files.map(\.quarantined))
        #expect(parts.files.map(\.failed) == whole.files.map(\.failed))
        #expect(parts.files.map(\.size) == whole.files.map(\.size))
        #expect(parts.files.map(\.encoding) == whole.files.map(\.encoding))
        #expect(parts.files.map(\.delimiter) == whole.files.map(\.delimiter))
        #expect(parts.fileIDs == whole.fileIDs)
    }

    /// Rows with duplicates far apart (so across the cut), unknown units, quoted ids, blank lines and
    /// every line end.
    private func rows(_ count: Int, from first: Int = 0) -> String {
        let units = ["000.00.10.H99", "000.40.30.H99", "101.40.30.H99"]
        var text = ""
        for i in first..<(first + count) {
            let id = i % 7 == 3 ? "D\(i % 20)" : "R\(i)"
            let unit = i % 11 == 5 ? "KHONG-CO" : units[i % 3]
            let end = i % 13 == 0 ? "\r\n" : i % 17 == 0 ? "\r" : "\n"
            text += "\(id),\(unit),\(1 + i % 28)/3/2023,,,4,,,,\(end)"
            if i % 37 == 0 { text += "\n \n" }
            if i % 41 == 0 { text += "\"Q,\(i)\",000.00.10.H99,1/3/2023,,,4,,,,\n" }
        }
        return text
    }

    @Test func aBigFileReadInTwoPartsEqualsReadingItWhole() throws {
        #expect(try partsAgainstWhole(Array((PipelineFixture.header + rows(400)).utf8)) == .inParts)
        // With a BOM and a delimiter to detect.
        let semicolons = (PipelineFixture.header + rows(300)).replacingOccurrences(of: ",", with: ";")
        #expect(try partsAgainstWhole([0xEF, 0xBB, 0xBF] + Array(semicolons.utf8)) == .inParts)
        // Duplicates across the cut name the line they replace in the same file.
        let duplicates = Reports.sortedFindings(try {
            f.dir.write("data/ho-so/1.csv", PipelineFixture.header + rows(400))
            let (config, registry) = try f.load()
            let path = try config.exportFiles()[0].1[0]
            var ingestor = Ingestor(config: config, registry: registry)
            ingestor.knownHashes = [path: "known"]
            var parts = IngestResult()
            #expect(ingestor.ingestDossierFileInParts(path, into: &parts, reserve: (64, 64), minimumBytes: 1) == .inParts)
            return parts.findings
        }()).filter { $0.code == .duplicateReplaced }
        #expect(!duplicates.isEmpty && duplicates.allSatisfy { !$0.message.contains("tệp trước") })
    }

    /// Files whose two parts do not fit, for either kind of file: a quoted cell of many lines around the
    /// middle (the tail's guess starts inside it), bad rows over the ratio only together (each part under
    /// it: 40 of 100, all in the tail), a stray quote in the tail (it stops the file). Each is read whole.
    private func partsThatDoNotFit(header: String, rows: (Int, Int) -> String, good: (Int) -> String, bad: (Int) -> String,
                                   quoted: (String) -> String, stray: String,
                                   check: ([UInt8], Double) throws -> Ingestor.PartsOutcome) throws {
        let inside = String(repeating: "xx\n", count: 2000)
        #expect(try check(Array((header + rows(60, 0) + quoted(inside) + rows(60, 60)).utf8), 0.5) == .readWhole)
        var text = header
        for i in 0..<60 { text += good(i) }
        for i in 0..<40 { text += bad(i) }
        #expect(try check(Array(text.utf8), 0.3) == .readWhole)
        #expect(try check(Array((header + rows(300, 0) + stray + rows(20, 300)).utf8), 0.5) == .readWhole)
    }

    /// The tail's first line counted beforehand (beside the hashing) is used when it is for the same cut;
    /// a count for another cut is ignored, and a wrong one makes the parts not fit (read whole).
    @Test func aLineCountMadeBeforehandStartsTheTail() throws {
        f.pipeline()
        f.dir.write("data/ho-so/1.csv", PipelineFixture.header + rows(400))
        let (config, registry) = try f.load()
        let path = try config.exportFiles()[0].1[0]
        let cut = try #require(Ingestor.cut(path, minimumBytes: 1))
        let line = try #require(LineCount.line(at: cut, of: path))
        var ingestor = Ingestor(config: config, registry: registry)
        ingestor.knownHashes = [path: "known"]
        var whole = IngestResult()
        ingestor.ingestDossiers(path, into: &whole)
        for (known, outcome) in [((cut, line), Ingestor.PartsOutcome.inParts), ((cut + 1, line + 7), .inParts), ((cut, line + 1), .readWhole)] {
            ingestor.knownLines = [path: known]
            var parts = IngestResult()
            #expect(ingestor.ingestDossierFileInParts(path, into: &parts, reserve: (64, 64), minimumBytes: 1) == outcome)
            sameFiles(parts, whole)
            #expect(Reports.sortedFindings(parts.findings) == Reports.sortedFindings(whole.findings))
        }
    }

    @Test func dossierFilesWhosePartsDoNotFitAreReadWhole() throws {
        try partsThatDoNotFit(header: PipelineFixture.header, rows: { rows($0, from: $1) },
                              good: { "G\($0),000.00.10.H99,1/3/2023,,,4,,,,\n" }, bad: { "B\($0),KHONG-CO,1/3/2023,,,4,,,,\n" },
                              quoted: { "\"M1\",000.00.10.H99,1/3/2023,,,4,,,,\"\($0)\"\n" },
                              stray: "S1,000.00.10.H99,1/3/2023,,,4,\"x\"y,,,\n") { try partsAgainstWhole($0, ratio: $1) }
    }

    @Test func smallUTF16AndUnhashedFilesAreNotSplit() throws {
        f.pipeline()
        f.dir.write("data/ho-so/1.csv", PipelineFixture.header + rows(50))
        let (config, registry) = try f.load()
        let path = try config.exportFiles()[0].1[0]
        var ingestor = Ingestor(config: config, registry: registry)
        var result = IngestResult()
        #expect(ingestor.ingestDossierFileInParts(path, into: &result, reserve: (64, 64), minimumBytes: 1) == .notSplit)
        ingestor.knownHashes = [path: "known"]
        #expect(ingestor.ingestDossierFileInParts(path, into: &result, reserve: (64, 64), minimumBytes: 1 << 20) == .notSplit)
        #expect(result.files.isEmpty && result.store.dossiers.isEmpty)
        var utf16: [UInt8] = [0xFF, 0xFE]
        for u in (PipelineFixture.header + rows(50)).utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        f.dir.write("data/ho-so/1.csv", utf16)
        #expect(ingestor.ingestDossierFileInParts(path, into: &result, reserve: (64, 64), minimumBytes: 1) == .notSplit)
    }

    // MARK: one big linked file read in two parts

    static let postalHeader = "Mã hồ sơ,Mã đơn vị,Loại dịch vụ,Mã bưu gửi,Ngày gửi,Trạng thái phát\n"

    /// Postal legs of the dossiers `rows(150)` makes: many legs of the same dossier (so duplicates across
    /// the cut), orphans, other units, bad tracking codes, bad rows, blank lines and every line end.
    private func postalRows(_ count: Int, from first: Int = 0) -> String {
        let units = ["000.00.10.H99", "000.40.30.H99", "101.40.30.H99"]
        var text = ""
        for i in first..<(first + count) {
            let k = i % 150
            let id = i % 9 == 4 ? "KHONG-CO-\(i)" : "R\(k)"
            let unit = i % 11 == 5 ? "101.40.30.H99" : units[k % 3]
            let leg = i % 2 == 0 ? "Tiếp nhận hồ sơ" : "Trả kết quả"
            let code = i % 13 == 7 ? "SAI" : "EB\(100_000_000 + i)VN"
            let status = i % 3 == 0 ? "Chuyển hoàn" : "Phát thành công"
            let end = i % 13 == 0 ? "\r\n" : i % 17 == 0 ? "\r" : "\n"
            text += "\(id),\(unit),\(leg),\(code),20230303160000,\(status)\(end)"
            if i % 37 == 0 { text += "\n" }
            if i % 23 == 0 { text += "R\(k),\(units[k % 3]),Không rõ,EB1VN,20230303160000,Phát thành công\n" }  // a bad row
        }
        return text
    }

    /// Reads `postal` as the only postal file (after `earlier`, when given) over the dossiers of
    /// `rows(150)`, both whole and in two parts (any size splits), and checks that the two agree on
    /// everything, findings in the same order; returns how the parts went.
    private func linkedPartsAgainstWhole(_ postal: [UInt8], earlier: String? = nil, ratio: Double = 0.5) throws -> Ingestor.PartsOutcome {
        f.pipeline(sources: ["postal": "data/bcci/*.csv"], ratio: ratio)
        f.dir.write("data/ho-so/1.csv", PipelineFixture.header + rows(150))
        if let earlier { f.dir.write("data/bcci/0.csv", Self.postalHeader + earlier) }
        f.dir.write("data/bcci/1.csv", postal)
        let (config, registry) = try f.load()
        let files = try config.exportFiles()
        let dossierPath = try #require(files.first { $0.0 == .dossiers }?.1.first)
        let postalPaths = try #require(files.first { $0.0 == .postal }?.1)
        var ingestor = Ingestor(config: config, registry: registry)
        let path = try #require(postalPaths.last)
        ingestor.knownHashes = [path: "known"]
        var base = IngestResult()
        ingestor.ingestDossiers(dossierPath, into: &base)
        for earlier in postalPaths.dropLast() { ingestor.ingestLinked(.postal, earlier, into: &base) }
        var whole = base
        ingestor.ingestLinked(.postal, path, into: &whole)
        var parts = base
        let outcome = ingestor.ingestLinkedInParts(.postal, path, into: &parts, minimumBytes: 1)
        #expect(parts.store.links == whole.store.links)
        sameFiles(parts, whole)
        #expect(parts.findings == whole.findings)  // the same findings, in the same order
        return outcome
    }

    @Test func aBigLinkedFileReadInTwoPartsEqualsReadingItWhole() throws {
        #expect(try linkedPartsAgainstWhole(Array((Self.postalHeader + postalRows(600)).utf8)) == .inParts)
        // With a BOM and a delimiter to detect.
        let semicolons = (Self.postalHeader + postalRows(500)).replacingOccurrences(of: ",", with: ";")
        #expect(try linkedPartsAgainstWhole([0xEF, 0xBB, 0xBF] + Array(semicolons.utf8)) == .inParts)
        // After an earlier file of the same source: its legs are replaced "of the earlier file".
        #expect(try linkedPartsAgainstWhole(Array((Self.postalHeader + postalRows(600)).utf8), earlier: postalRows(300, from: 1_000)) == .inParts)
        // The findings show what the parts had to get right: duplicates in the tail of rows in the head.
        f.pipeline(sources: ["postal": "data/bcci/*.csv"])
        f.dir.write("data/ho-so/1.csv", PipelineFixture.header + rows(150))
        f.dir.write("data/bcci/1.csv", Self.postalHeader + postalRows(600))
        let (config, registry) = try f.load()
        let files = try config.exportFiles()
        var ingestor = Ingestor(config: config, registry: registry)
        let path = try #require(files.first { $0.0 == .postal }?.1.first)
        ingestor.knownHashes = [path: "known"]
        var result = IngestResult()
        ingestor.ingestDossiers(try #require(files.first { $0.0 == .dossiers }?.1.first), into: &result)
        #expect(ingestor.ingestLinkedInParts(.postal, path, into: &result, minimumBytes: 1) == .inParts)
        let lines = result.findings.filter { $0.code == .duplicateReplaced && $0.source == .postal }.compactMap(\.line)
        let replaced = result.findings.filter { $0.code == .duplicateReplaced && $0.source == .postal }
            .compactMap { Int($0.message.split(separator: " ").last ?? "") }
        let cutByte = try #require(Ingestor.cut(path, minimumBytes: 1))
        let cut = try #require(LineCount.line(at: cutByte, of: path))  // the tail's first line
        #expect(zip(lines, replaced).contains { $0.0 >= cut && $0.1 < cut })
        #expect(Set(result.findings.map(\.code)).isSuperset(of: [.orphanRecord, .unitMismatch, .duplicateReplaced]))
    }

    /// Linked rows are linked a batch at a time (``LinkedRowBatch``), their dossiers looked up side by side:
    /// the same links and the same findings, in the same order, as linking each row as it is read, with
    /// duplicates, orphans, other units and bad rows falling on both sides of the batches' edges.
    @Test func linkingInBatchesEqualsLinkingRowByRow() throws {
        f.pipeline(sources: ["postal": "data/bcci/*.csv"])
        f.dir.write("data/ho-so/1.csv", PipelineFixture.header + rows(150))
        f.dir.write("data/bcci/0.csv", Self.postalHeader + postalRows(40, from: 1_000))
        f.dir.write("data/bcci/1.csv", Self.postalHeader + postalRows(600))
        let (config, registry) = try f.load()
        let files = try config.exportFiles()
        let postalPaths = try #require(files.first { $0.0 == .postal }?.1)
        #expect(postalPaths.count == 2)
        let ingestor = Ingestor(config: config, registry: registry)
        var base = IngestResult()
        ingestor.ingestDossiers(try #require(files.first { $0.0 == .dossiers }?.1.first), into: &base)
        var batched = base, byRow = base
        for path in postalPaths {
            ingestor.ingestLinked(.postal, path, into: &batched)
            // Row by row, as the ingest linked before it batched.
            let display = config.display(path)
            let fileIndex = byRow.nextFileID(.postal)
            var parser: LinkedParser?
            var linker = LinkedRowLinker(kind: .postal, display: display, fileIndex: fileIndex, registry: registry)
            var store = byRow.store
            let (report, readFindings) = ingestor.reader(.postal).read(path: path, display: display, begin: { map, _ in
                parser = LinkedParser(kind: .postal, columns: map)
            }, row: { row in
                let parsed = try parser!.parse(row)
                linker.link(parsed, id: parser!.idCell(row), unit: parser!.unitCell(row), unitRaw: { parser!.unitRaw(row) },
                            line: row.line, in: &store)
            })
            byRow.store = store
            byRow.append(report, id: fileIndex)
            byRow.findings += readFindings + linker.findings
        }
        #expect(batched.store.links == byRow.store.links)
        sameFiles(batched, byRow)
        #expect(batched.findings == byRow.findings)
        // What the batches had to get right is there, spread over the file's 19 batches.
        let codes = batched.findings.map(\.code)
        for code in [FindingCode.orphanRecord, .unitMismatch, .duplicateReplaced] {
            #expect(codes.filter { $0 == code }.count >= 20, "\(code)")
        }
    }

    @Test func aLinkedFileWhosePartsDoNotFitIsReadWhole() throws {
        let leg = ",000.00.10.H99,Trả kết quả,"
        try partsThatDoNotFit(header: Self.postalHeader, rows: { postalRows($0, from: $1) },
                              good: { "R\($0 % 150)\(leg)EB\($0)VN,20230303160000,Phát thành công\n" },
                              bad: { "R\($0),000.00.10.H99,Không rõ,EB\($0)VN,20230303160000,Phát thành công\n" },
                              quoted: { "R1\(leg)\"\($0)\",20230303160000,Phát thành công\n" },
                              stray: "R1\(leg)\"x\"y,20230303160000,Phát thành công\n") { try linkedPartsAgainstWhole($0, ratio: $1) }
    }

    @Test func lineCountNumbersLinesAsTheReaderDoes() throws {
        let text = Array("a,b\r1,2\r\n3,4\n\r\r\n5,6\r7,8\n\"q\nq\",9\n0,0\n".utf8)
        let path = f.dir.write("lines.csv", text)
        var starts: [Int: Int] = [:]
        try CSVRecordReader(chunkSize: 4).read(path: path) { record in starts[record.line] = record.count }
        // Each offset just after a line end starts the line the reader numbers next.
        var line = 1
        for (i, b) in text.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 == text.count || text[i + 1] != 0x0A)) {
            line += 1
            #expect(LineCount.line(at: i + 1, of: path) == line, "offset \(i + 1)")
        }
        #expect(line == 11)
        #expect(Set(starts.keys) == [1, 2, 3, 6, 7, 8, 10])
    }
}
