import Foundation
import Testing
@testable import ChiSo
@testable import ChiSoCore

/// Hostile and clumsy inputs at the library's level: each test pins one defect found by trying to break
/// chiso, and failed before its fix.
@Suite struct HardeningTests {
    let f = PipelineFixture()

    func fields(_ path: String, maxField: Int) throws -> [[String]] {
        try records(path, maxField: maxField).map(\.fields)
    }

    /// The field cap is exact: a field of exactly the cap passes, one byte more stops the file.
    @Test(arguments: [8, 1 << 20])
    func theFieldCapIsExactAtTheBoundary(cap: Int) throws {
        let at = String(repeating: "x", count: cap), over = String(repeating: "x", count: cap + 1)
        for (name, field, quoted) in [("at", at, false), ("at-q", at, true)] {
            let path = f.dir.write("\(name).csv", "a,b\n1,\(quoted ? "\"\(field)\"" : field)\n")
            #expect(try fields(path, maxField: cap)[1][1].utf8.count == cap)
        }
        for (name, field, quoted) in [("over", over, false), ("over-q", over, true)] {
            let path = f.dir.write("\(name).csv", "a,b\n1,\(quoted ? "\"\(field)\"" : field)\n2,y\n")
            #expect(throws: CSVReadError.tooLong(line: 2, limit: cap)) { try fields(path, maxField: cap) }
        }
    }

    @Test func anEncodingErrorNamesItsLineAndColumn() throws {
        f.pipeline()
        f.dir.write("data/ho-so/a.csv", Array((PipelineFixture.header + "HS-1,000.00.10.H99,1/3/2023,,,4,").utf8) + [0xFF] + Array(",,,\n".utf8))
        let r = try f.ingest()
        let e = r.findings.first { $0.code == .encoding }
        #expect(e?.line == 2)
        #expect(e?.message.contains("dòng 2, cột 33 (byte ") == true, "\(e?.message ?? "")")  // after "HS-1,000.00.10.H99,1/3/2023,,,4,"
    }

    @Test func aBlankRequiredCellIsReportedAsRead() throws {
        f.pipeline()
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header + "HS-1,  ,1/3/2023,,,4,,,,\n")
        let r = try f.ingest()
        let missing = r.findings.first { $0.code == .missingValue }
        #expect(missing?.column == "unit_code")
        #expect(missing?.value == "  ")
    }

    @Test func aNumberTooLargeForADoubleIsBadNumber() throws {
        f.pipeline(sources: ["targets": "data/giao.csv"])
        f.dir.write("data/giao.csv", "Mã đơn vị,online_rate\n000.00.10.H99,\(String(repeating: "9", count: 400))\n101.40.30.H99,80\n")
        let (config, registry) = try f.load()
        var findings: [Finding] = []
        let table = try ReferenceTable.load(kind: .targets, relativePath: "data/giao.csv", config: config, registry: registry,
                                            findings: &findings)
        #expect(findings.map(\.code) == [.badNumber])
        #expect(table.value(unit: 0, key: "online_rate") == nil)
        #expect(table.value(unit: 2, key: "online_rate") == 80)
    }

    /// A key the pipeline uses that the reference file lacks is a configuration error at its header,
    /// naming the missing key and the columns the file has; keys it has pass.
    @Test func aMissingReferenceKeyIsAConfigurationErrorNamingBoth() throws {
        f.pipeline(sources: ["targets": "data/giao.csv"])
        f.dir.write("data/giao.csv", "Mã đơn vị,online_rate\n000.00.10.H99,80\n")
        let (config, registry) = try f.load()
        var findings: [Finding] = []
        let table = try ReferenceTable.load(kind: .targets, relativePath: "data/giao.csv", config: config, registry: registry,
                                            findings: &findings)
        try table.requireKeys(["online_rate"], of: .targets, config: config)
        #expect(throws: ConfigError.self) { try table.requireKeys(["online_rate", "par_index"], of: .targets, config: config) }
        do {
            try table.requireKeys(["par_index"], of: .targets, config: config)
            Issue.record("a missing key passed")
        } catch let e as ConfigError {
            #expect(e.line == 1)
            #expect(e.description.contains("giao.csv") && e.description.contains("par_index") && e.description.contains("online_rate"),
                    "\(e)")
        }
    }

    /// More lines than a row can record stop the file with a clear error, never a trap (the limit is
    /// 2³² − 1; lowered here so that the test stays small).
    @Test func linesPastTheLimitFailTheFileClearly() throws {
        let path = f.dir.write("long.csv", "a,b\n1,2\n3,4\n5,6\n")
        var reader = ExportFileReader(source: .dossiers, specs: [ColumnSpec("a", ["a"], required: true)], aliases: [:],
                                      delimiter: nil, maxBadRowRatio: 1)
        reader.maxLine = 3
        let (report, findings) = reader.read(path: path, display: "long.csv") { _ in }
        #expect(report.failed)
        #expect(findings.first?.message.contains("hơn 3 dòng") == true)
        #expect(Int(UInt32.max) == ExportFileReader(source: .dossiers, specs: [], aliases: [:], delimiter: nil, maxBadRowRatio: 1).maxLine)
    }

    @Test func aPipelineFileOfNestedAliasesFailsFast() throws {
        var yaml = "pipeline: p\nperiod: {key: \"1\", from: 2023-01-01, to: 2023-12-31}\ntiers: [{key: t}]\nsources:\n  units: u.csv\n  dossiers: d.csv\n  aliases:\n    dossiers:\n      dossier_id: &a0 [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]\n"
        for i in 1...8 { yaml += "      " + ["unit_code", "received_at", "due_at", "finished_at", "status", "channel", "online_level", "fee_required"][i - 1] + ": &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let path = f.dir.write("laughs.yaml", yaml)
        let start = Date()
        #expect(throws: ConfigError.self) { try PipelineLoader.load(path: path) }
        #expect(Date().timeIntervalSince(start) < 2)
        do { _ = try PipelineLoader.load(path: path) } catch let e as ConfigError {
            #expect(e.message.contains("bí danh"))
            #expect(e.line != nil)
        }
        let big = f.dir.write("big.yaml", "pipeline: p\n# " + String(repeating: "x", count: PipelineLoader.maxFileBytes) + "\n")
        do { _ = try PipelineLoader.load(path: big); Issue.record("a 256 KiB pipeline file was read") } catch let e as ConfigError {
            #expect(e.message.contains("quá giới hạn 256 KiB"))
        }
    }

    /// A link planted where a temporary output file would go is never written through: the temporary name
    /// is unique, and files are created with `O_EXCL | O_NOFOLLOW`.
    @Test func aLinkPlantedAsATemporaryOutputIsNotFollowed() throws {
        let victim = f.dir.write("victim.txt", "keep\n")
        let out = f.dir.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // The name the first version used for its temporary file (`.NAME.PID.tmp`), planted in advance.
        #expect(symlink(victim, out + "/.chi-tieu.csv.\(getpid()).tmp") == 0)
        let output = AtomicOutput()
        try output.stage(Array("mới\n".utf8), to: out + "/chi-tieu.csv")
        try output.commit()
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep\n")
        #expect(try String(contentsOfFile: out + "/chi-tieu.csv", encoding: .utf8) == "mới\n")
        // Writing exclusively refuses an existing link outright.
        #expect(symlink(victim, out + "/planted") == 0)
        #expect(throws: OutputError.self) { try OutputFolder.writeNew(Array("x".utf8), to: out + "/planted") }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep\n")
    }

    @Test func specialFilesAreRefusedAsInputs() throws {
        f.pipeline()
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header)
        let (config, _) = try f.load()
        for special in ["/dev/zero", "/proc/self/status"] {
            #expect(throws: ConfigError.self) { try config.requireRegularFile(.units, special) }
        }
        let fifo = f.dir.path + "/data/ho-so/b.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        do { _ = try config.exportFiles(); Issue.record("a FIFO was accepted") } catch let e as ConfigError {
            #expect(e.message.contains("không phải tệp thường"))
            #expect(e.line == 10)  // sources.dossiers in the fixture's pipeline file
        }
    }
}

/// A source's files share one range of file ids (``FileIDs``): one file more than the range holds is a
/// configuration error at the source's line, never a truncated id.
@Suite struct FileLimitTests {
    @Test func aSourceMatchingMoreFilesThanItsIdsHoldIsRefused() throws {
        let f = PipelineFixture()
        f.pipeline(sources: ["late": "data/tre-han/*.csv"])
        f.dir.write("data/ho-so/1.csv", PipelineFixture.header)
        let folder = f.dir.path + "/data/tre-han"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for i in 0...FileIDs.perSource {
            _ = FileManager.default.createFile(atPath: folder + "/\(100_000 + i).csv", contents: nil)
        }
        let (config, _) = try f.load()
        #expect(throws: ConfigError.self) { try config.exportFiles() }
        do { _ = try config.exportFiles() } catch let error as ConfigError {
            #expect(error.description.contains("16384"), "\(error)")
            #expect(error.description.contains("sources.late"), "\(error)")
        }
        // One fewer is fine; the ids of each source stay in their own range.
        unlink(folder + "/\(100_000 + FileIDs.perSource).csv")
        #expect(try config.exportFiles().first { $0.0 == .late }?.1.count == FileIDs.perSource)
        #expect(FileIDs.id(.late, FileIDs.perSource - 1) < FileIDs.id(.postal, 0))
        #expect(FileIDs.id(.digitized, FileIDs.perSource - 1) == Int(UInt16.max))
    }
}
