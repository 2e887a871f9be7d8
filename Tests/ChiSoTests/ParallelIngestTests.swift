import Testing
@testable import ChiSo
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
}
