import ChiSo
import Foundation
import Testing

/// SPEC 7.2 and 8: the warehouse, skipping up-to-date stages, single-stage reruns, the lock, crashes.
@Suite(.serialized) struct StageControlTests {
    let s = Scratch()
    var db: String { s.path + "/var/chiso.sqlite" }

    /// The hand-computed province of HandComputedTests, with one index and one award.
    func writeFixture(quota: Int = 1, points: Int = 60) {
        s.write("p.yaml", """
        pipeline: tay-tinh
        period: {key: "2023", from: 2023-01-01, to: 2023-12-31}
        tiers:
          - {key: tinh, label: "Sở, ban, ngành"}
          - {key: huyen, label: "UBND cấp huyện"}
        sources:
          units: data/don-vi.csv
          dossiers: data/ho-so/*.csv
          late: data/tre-han.csv
          postal: data/bcci.csv
          max_bad_row_ratio: 0.5
        indices:
          - key: dvc
            components:
              - {key: dung_han, label: "Đúng hạn", points: \(points), numerator: finished_early + finished_on_time, denominator: finished_total}
              - {key: truc_tuyen, label: "Trực tuyến", points: 40, numerator: received_online, denominator: received_new}
        awards:
          - key: bk
            index: dvc
            groups: [{tier: [tinh, huyen], quota: \(quota)}]

        """)
        s.write("data/don-vi.csv", "Mã đơn vị,Tên đơn vị,Cấp\nA,Sở A,tinh\nB,UBND B,huyen\n")
        s.write("data/ho-so/ho-so.csv", """
        Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái,Kênh nộp
        HS-1,A,1/2/2023,10/2/2023,9/2/2023,10,Trực tuyến
        HS-2,A,1/3/2023,5/3/2023,8/3/2023,10,BCCI
        HS-3,B,1/4/2023,10/4/2023,9/4/2023,10,Trực tiếp

        """)
        s.write("data/tre-han.csv", "Mã hồ sơ,Mã đơn vị,Xin lỗi\nHS-2,A,Có\n")
        s.write("data/bcci.csv", "Mã hồ sơ,Mã đơn vị,Chiều\nHS-2,A,Tiếp nhận hồ sơ\n")
    }

    /// `stage → ran/skipped` from the log lines of a run.
    func stages(_ r: CLI.Result) -> [String: String] {
        var out: [String: String] = [:]
        for line in r.stderr.components(separatedBy: "\n") where line.hasPrefix("chiso tay-tinh/2023 ") {
            let parts = line.split(separator: " ")
            out[String(parts[2])] = String(parts[3])
        }
        return out
    }

    /// A run with `--verbose`, whose stage lines the tests read (without it a successful run is silent).
    func run(_ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["run", "p.yaml", "--db", db, "--out", "out", "--verbose"] + extra, cwd: s.path)
    }

    let all = ["ingest.units", "ingest.dossiers", "ingest.late", "ingest.postal", "normalize", "indices", "awards", "report"]

    @Test func unchangedInputsSkipEveryStage() throws {
        writeFixture()
        let first = try run()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(stages(first) == Dictionary(uniqueKeysWithValues: all.map { ($0, "ran") }))
        let before = s.read("out/tay-tinh/2023/chi-so-dvc.csv")
        let second = try run()
        #expect(second.status == 0)
        #expect(stages(second) == Dictionary(uniqueKeysWithValues: all.map { ($0, "skipped") }))
        #expect(s.read("out/tay-tinh/2023/chi-so-dvc.csv") == before)
        // --force reruns everything, with the same bytes out.
        let forced = try run(["--force"])
        #expect(stages(forced).values.allSatisfy { $0 == "ran" })
        #expect(s.read("out/tay-tinh/2023/chi-so-dvc.csv") == before)
    }

    /// The pipeline file named another way (from its folder, by its absolute path, through `..`) is the same
    /// pipeline: its sources show under the same names, so nothing reruns and the outputs are the same
    /// bytes. Sources written as absolute paths inside the pipeline's folder showed as absolute paths when
    /// the file was named relatively, and as relative ones otherwise.
    @Test func thePipelineFileNamedAnotherWayIsTheSamePipeline() throws {
        writeFixture()
        let folder = RunLock.realPath(s.path)
        s.write("p.yaml", String(decoding: s.read("p.yaml"), as: UTF8.self).replacingOccurrences(of: "data/", with: folder + "/data/"))
        // Finished late and not in the late list: a finding that names its file.
        s.write("data/ho-so/ho-so-2.csv", "Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái,Kênh nộp\nHS-9,B,1/2/2023,5/2/2023,9/2/2023,10,Trực tuyến\n")
        let out = s.path + "/out"  // one spelling of the output folder throughout: it is the report's input
        let first = try CLI.run(["run", "p.yaml", "--db", db, "--out", out, "--verbose"], cwd: s.path)
        #expect(first.status == 0, "\(first.stderr)")
        let findings = String(decoding: s.read("out/tay-tinh/2023/chat-luong-du-lieu.csv"), as: UTF8.self)
        #expect(findings.contains(",data/ho-so/ho-so-2.csv,"), "\(findings)")
        let names = try FileManager.default.contentsOfDirectory(atPath: s.path + "/out/tay-tinh/2023").filter { $0 != "manifest.json" }
        let before = names.map { s.read("out/tay-tinh/2023/" + $0) }
        try FileManager.default.createDirectory(atPath: s.path + "/sub", withIntermediateDirectories: true)
        for (name, cwd) in [(s.path + "/p.yaml", "/"), ("../p.yaml", s.path + "/sub"), ("./p.yaml", s.path)] {
            let r = try CLI.run(["run", name, "--db", db, "--out", out, "--verbose"], cwd: cwd)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(stages(r) == Dictionary(uniqueKeysWithValues: all.map { ($0, "skipped") }), "\(name)")
            let same = names.map { s.read("out/tay-tinh/2023/" + $0) } == before
            #expect(same, "\(name): the outputs differ")
        }
        let forced = try CLI.run(["run", s.path + "/p.yaml", "--db", db, "--out", out, "--force"], cwd: "/")
        #expect(forced.status == 0, "\(forced.stderr)")
        let same = names.map { s.read("out/tay-tinh/2023/" + $0) } == before
        #expect(same, "forced: the outputs differ")
    }

    @Test func changingOneExportRerunsItsIngestAndEverythingDownstream() throws {
        writeFixture()
        #expect(try run().status == 0)
        s.write("data/bcci.csv", "Mã hồ sơ,Mã đơn vị,Chiều,Trạng thái phát\nHS-2,A,Tiếp nhận hồ sơ,\nHS-2,A,Trả kết quả,Phát thành công\n")
        let r = try run()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(stages(r) == ["ingest.units": "skipped", "ingest.dossiers": "skipped", "ingest.late": "skipped",
                              "ingest.postal": "ran", "normalize": "ran", "indices": "ran", "awards": "ran", "report": "ran"])
        #expect(r.stderr.contains("file data/bcci.csv"))
        // The late list was not re-read but still counts: HS-2 is late with an apology; the new return leg counts.
        let chiTieu = s.text("out/tay-tinh/2023/chi-tieu.csv")
        #expect(chiTieu.contains("A,Sở A,tinh,2,0,2,1,0,0,1,2,1,0,1,0,0,0,1,1,0,0,1,1,1,0,0,0,0,0\r\n"), "\(chiTieu)")
    }

    @Test func editingAWeightRerunsIndicesOnward() throws {
        writeFixture()
        #expect(try run().status == 0)
        writeFixture(points: 50)
        let r = try run()
        #expect(stages(r) == ["ingest.units": "skipped", "ingest.dossiers": "skipped", "ingest.late": "skipped",
                              "ingest.postal": "skipped", "normalize": "skipped", "indices": "ran", "awards": "ran", "report": "ran"])
        #expect(r.stderr.contains("indices ran") && r.stderr.contains("thay đổi: indices"))
    }

    @Test func editingAQuotaRerunsOnlyAwardsAndReport() throws {
        writeFixture(quota: 1)
        #expect(try run().status == 0)
        #expect(s.text("out/tay-tinh/2023/khen-thuong-bk.csv").contains("ngoài chỉ tiêu (tối đa 1)"))
        writeFixture(quota: 2)
        let r = try run()
        #expect(stages(r).filter { $0.value == "ran" }.keys.sorted() == ["awards", "report"])
        #expect(!s.text("out/tay-tinh/2023/khen-thuong-bk.csv").contains("ngoài chỉ tiêu"))
    }

    @Test func outputsOfAnAwardRemovedFromThePipelineAreRemoved() throws {
        writeFixture()
        #expect(try run().status == 0)
        #expect(s.exists("out/tay-tinh/2023/khen-thuong-bk.csv"))
        let yaml = String(decoding: s.read("p.yaml"), as: UTF8.self)
        s.write("p.yaml", String(yaml[..<yaml.range(of: "awards:")!.lowerBound]))
        let r = try run()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!s.exists("out/tay-tinh/2023/khen-thuong-bk.csv"))
        #expect(s.exists("out/tay-tinh/2023/chi-so-dvc.csv"))
        #expect(try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM award_decisions") } == 0)
    }

    @Test func aSingleStageNeedsItsPersistedUpstream() throws {
        writeFixture()
        let none = try run(["--stage", "awards"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("awards cần kết quả của"), "\(none.stderr)")
        #expect(none.stderr.contains("chiso run p.yaml"))
        #expect(try run().status == 0)
        let only = try run(["--stage", "awards"])
        #expect(only.status == 0, "\(only.stderr)")
        #expect(stages(only).filter { $0.value == "ran" }.keys.sorted() == ["awards"])
        let from = try run(["--from", "indices"])
        #expect(stages(from).filter { $0.value == "ran" }.keys.sorted() == ["awards", "indices", "report"])
        #expect(try run(["--stage", "bogus"]).status == 2)
    }

    @Test func dryRunAndStatusChangeNothing() throws {
        writeFixture()
        let dry = try run(["--dry-run"])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("ingest.dossiers   chạy    chưa chạy lần nào"), "\(dry.stdout)")
        #expect(!s.exists("var/chiso.sqlite") && !s.exists("out"))
        #expect(try run().status == 0)
        writeFixture(quota: 3)
        let status = try CLI.run(["status", "p.yaml", "--db", db, "--out", "out"], cwd: s.path)
        #expect(status.status == 0)
        #expect(status.stdout.contains("normalize         cập nhật"), "\(status.stdout)")
        #expect(status.stdout.contains("awards            cũ (thay đổi: awards)"), "\(status.stdout)")
        let again = try run(["--dry-run"])
        #expect(again.stdout.contains("awards            chạy    thay đổi: awards"))
        #expect(again.stdout.contains("indices           bỏ qua  không đổi"))
        #expect(stages(try run()).filter { $0.value == "ran" }.keys.sorted() == ["awards", "report"])
    }

    @Test func aDataErrorLeavesTheWarehouseAsItWas() throws {
        writeFixture()
        #expect(try run().status == 0)
        let key = PeriodKey(pipeline: "tay-tinh", period: "2023")
        let before = try Warehouse(readingFrom: db).stageStates(key).mapValues(\.fingerprint)
        let lateRows = { try DatabaseQueue(path: self.db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM late_rows") } }
        #expect(try lateRows() == 1)
        s.write("data/tre-han.csv", "Mã hồ sơ,Mã đơn vị,Xin lỗi\nHS-2,A,\"Có\n")
        let r = try run()
        #expect(r.status == 1)
        // Every stage still has the fingerprint of the last good run, and the late rows are the old ones.
        #expect(before.count == 8)
        #expect(try Warehouse(readingFrom: db).stageStates(key).mapValues(\.fingerprint) == before)
        #expect(try lateRows() == 1)
        // The late list still holds the previous row; the next run with the file fixed reruns it.
        writeFixture()
        let fixed = try run()
        #expect(fixed.status == 0)
        #expect(stages(fixed).values.allSatisfy { $0 == "skipped" })
    }

    @Test func twoPeriodsInOneWarehouseGiveRankChanges() throws {
        let header = "Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái\n"
        s.write("data/don-vi.csv", "Mã đơn vị,Tên đơn vị,Cấp\nA,A,t\nB,B,t\nC,C,t\n")
        // 2022: A 2/2 on time (100), B 1/2 (50), C 0/2 (0) → ranks A 1, B 2, C 3.
        // 2023: A 0/2 (0), B 2/2 (100), C 1/2 (50)        → ranks B 1, C 2, A 3;
        //       prev_rank A 1, B 2, C 3; rank_change = prev − rank: A −2, B +1, C +1.
        s.write("data/ho-so/ho-so.csv", header + """
        A1,A,1/3/2022,10/3/2022,5/3/2022,10
        A2,A,1/4/2022,10/4/2022,10/4/2022,10
        B1,B,1/3/2022,10/3/2022,5/3/2022,10
        B2,B,1/3/2022,10/3/2022,15/3/2022,10
        C1,C,1/3/2022,10/3/2022,15/3/2022,10
        C2,C,1/5/2022,10/5/2022,15/5/2022,10
        A3,A,1/3/2023,10/3/2023,15/3/2023,10
        A4,A,1/4/2023,10/4/2023,11/4/2023,10
        B3,B,1/3/2023,10/3/2023,5/3/2023,10
        B4,B,1/3/2023,10/3/2023,10/3/2023,10
        C3,C,1/3/2023,10/3/2023,9/3/2023,10
        C4,C,1/6/2023,10/6/2023,20/6/2023,10

        """)
        for (year, compare) in [("2022", ""), ("2023", "compare_to: \"2022\"\n")] {
            s.write("p\(year).yaml", """
            pipeline: so-sanh
            period: {key: "\(year)", from: \(year)-01-01, to: \(year)-12-31}
            \(compare)tiers: [{key: t}]
            sources:
              units: data/don-vi.csv
              dossiers: data/ho-so/*.csv
            indices:
              - key: dh
                components:
                  - {key: dung_han, points: 100, numerator: finished_early + finished_on_time, denominator: finished_total}

            """)
        }
        // Before 2022 has run, the 2023 ranks have no previous rank.
        #expect(try CLI.run(["run", "p2023.yaml", "--db", db, "--out", "out", "--header-style", "keys"], cwd: s.path).status == 0)
        #expect(s.text("out/so-sanh/2023/chi-so-dh.csv").contains("B,B,t,2,2,100.00,100.00,100.00,,1,,\r\n"))
        #expect(try CLI.run(["run", "p2022.yaml", "--db", db, "--out", "out", "--header-style", "keys"], cwd: s.path).status == 0)
        // 2022's results changed what 2023 compares to: its indices stage is stale and reruns.
        let r = try CLI.run(["run", "p2023.yaml", "--db", db, "--out", "out", "--header-style", "keys", "--verbose"], cwd: s.path)
        #expect(r.stderr.contains("so-sanh/2023 indices ran"), "\(r.stderr)")
        #expect(r.stderr.contains("so-sanh/2023 normalize skipped"))
        let rows = s.text("out/so-sanh/2023/chi-so-dh.csv").components(separatedBy: "\r\n")
        #expect(rows[1] == "B,B,t,2,2,100.00,100.00,100.00,,1,2,1")
        #expect(rows[2] == "C,C,t,1,2,50.00,50.00,50.00,,2,3,1")
        #expect(rows[3] == "A,A,t,0,2,0.00,0.00,0.00,,3,1,-2")
        // Re-running 2022 replaces 2022's results only.
        #expect(try CLI.run(["run", "p2022.yaml", "--db", db, "--out", "out", "--force"], cwd: s.path).status == 0)
        let w = try Warehouse(readingFrom: db)
        #expect(try w.loadRankedUnits(pipeline: "so-sanh", period: "2023", index: "dh").mapValues(\.rank) == ["B": 1, "C": 2, "A": 3])
        #expect(try w.loadRankedUnits(pipeline: "so-sanh", period: "2022", index: "dh").mapValues(\.rank) == ["A": 1, "B": 2, "C": 3])
    }

    /// A big dossiers export that takes the debug build a few seconds to ingest.
    func writeBigExport() {
        var text = "Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái,Kênh nộp\n"
        text.reserveCapacity(30_000_000)
        for i in 0..<400_000 { text += "BIG-\(i),\(i % 2 == 0 ? "A" : "B"),1/3/2023,10/3/2023,5/3/2023,10,Trực tuyến\n" }
        s.write("data/ho-so/ho-so.csv", text)
    }

    func startRun() throws -> Process {
        try CLI.start(["run", "p.yaml", "--db", db, "--out", "out"], cwd: s.path)
    }

    /// Waits until the background run holds the lock (its lock file names its pid).
    func waitForLock(_ p: Process) {
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: db + ".lock", encoding: .utf8), text.contains("pid \(p.processIdentifier)") { return }
            usleep(20_000)
        }
    }

    @Test func aSecondRunIsRefusedWith75WhileTheFirstHoldsTheLock() throws {
        writeFixture()
        writeBigExport()
        let first = try startRun()
        waitForLock(first)
        let second = try run()
        #expect(second.status == 75)
        #expect(second.stderr.contains("pid \(first.processIdentifier)"), "\(second.stderr)")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        // The kernel released the dead run's lock: the next run goes through.
        writeFixture()
        let third = try run()
        #expect(third.status == 0, "\(third.stderr)")
    }

    /// A first load into a new warehouse writes its rows once, under a rollback journal (the warehouse is
    /// in WAL mode before and after). Killed in the middle of that write, it leaves a journal that the next
    /// opening rolls back: no per-dossier row of the dead run is seen, and the next run completes in WAL mode.
    @Test func aFirstLoadKilledMidWriteIsRolledBackAndTheNextRunCompletes() throws {
        writeFixture()
        writeBigExport()
        let victim = try startRun()
        waitForLock(victim)
        // Kill inside the ingest's transaction once it has written rows into the file itself (a journal
        // beside it and the file grown past 8 MB): only the journal can undo that.
        func bytes(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
        // Up to a minute: the tests' debug build reads the 400,000 rows in 6–10 s when the other core is
        // busy (the other suites, or a build), and writes them after.
        var inWrite = false
        for _ in 0..<30_000 where victim.isRunning {
            if bytes(db + "-journal") > 0 && bytes(db) > 8 << 20 { inWrite = true; break }
            usleep(2_000)
        }
        #expect(inWrite, "the run never wrote rows under a rollback journal (or finished first: make the export bigger)")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()

        let queue = try DatabaseQueue(path: db)
        #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM dossiers") } == 0)
        #expect(bytes(db) < 8 << 20, "the rows written before the kill are still in the file: the journal was not rolled back")
        try queue.close()

        writeFixture()
        let next = try run(["--force"])
        #expect(next.status == 0, "\(next.stderr)")
        let after = try DatabaseQueue(path: db)
        #expect(try after.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM dossiers") } == 3)
        #expect(try after.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try after.read { try String.fetchAll($0, sql: "SELECT status FROM runs ORDER BY id") } == ["killed", "ok"])
        #expect(!FileManager.default.fileExists(atPath: db + "-journal"))
    }

    @Test func aRunKilledMidIngestLeavesThePreviousStateAndTheNextRunCompletes() throws {
        writeFixture()
        #expect(try run().status == 0)
        let outputs = ["chi-tieu.csv", "chi-so-dvc.csv", "khen-thuong-bk.csv", "chat-luong-du-lieu.csv", "manifest.json"]
        let before = outputs.map { s.read("out/tay-tinh/2023/" + $0) }
        let key = PeriodKey(pipeline: "tay-tinh", period: "2023")
        let statesBefore = try Warehouse(readingFrom: db).stageStates(key).mapValues(\.fingerprint)

        writeBigExport()
        let victim = try startRun()
        waitForLock(victim)
        usleep(1_500_000)
        #expect(victim.isRunning, "the run finished before it could be killed: make the export bigger")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()

        // The warehouse opens, is consistent, and holds the previous run's results.
        let w = try Warehouse(readingFrom: db)
        #expect(try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try w.stageStates(key).mapValues(\.fingerprint) == statesBefore)
        #expect(try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM dossiers") } == 3)
        #expect(outputs.map { s.read("out/tay-tinh/2023/" + $0) } == before)
        #expect(!FileManager.default.fileExists(atPath: s.path + "/out/tay-tinh/2023/loi"))

        // The next run completes: with the original inputs back, the same bytes out; the dead run is marked killed.
        writeFixture()
        let next = try run(["--force"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(outputs.dropLast().map { s.read("out/tay-tinh/2023/" + $0) } == before.dropLast())
        let statuses = try DatabaseQueue(path: db).read { try String.fetchAll($0, sql: "SELECT status FROM runs ORDER BY id") }
        #expect(statuses == ["ok", "killed", "ok"])
    }
}

import GRDB

/// A run whose stages all ran reports its findings from memory, and takes the workbook it started on the
/// core that computed normalize while the ingest committed (``EarlyWorkbookPlan``); a run from normalize
/// starts it once normalize has its table (``StageRunner/startWorkbookEarly(normalizeFindings:)``); a
/// report-only rerun reads the findings from the warehouse and builds the workbook in the report. All
/// must write the same bytes.
@Suite struct FindingsFromMemoryTests {
    @Test func aColdRunAndAReportOnlyRerunWriteTheSameFindings() throws {
        let s = Scratch()
        let db = s.path + "/chiso.sqlite"
        let first = try CLI.run(["run", "pipelines/sample.yaml", "--db", db, "--out", s.path + "/out", "--verbose"],
                                environment: ["CHISO_TRACE": "1"])
        #expect(first.status == 0)
        #expect(first.stderr.contains("workbook started with normalize"), "\(first.stderr)")
        #expect(first.stderr.contains("report: the workbook started early is built from these tables"), "\(first.stderr)")
        // No staging folder or temporary file is left beside the outputs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.path + "/out/hoa-phong-dvc") == ["2023"])
        let files = ["chat-luong-du-lieu.csv", "bao-cao.html", "bao-cao.xlsx"]
        let cold = files.map { s.read("out/hoa-phong-dvc/2023/" + $0) }
        #expect(cold[0].count > 1_000, "the sample has findings")
        let rerun = try CLI.run(["run", "pipelines/sample.yaml", "--db", db, "--out", s.path + "/out", "--stage", "report", "--verbose"],
                                environment: ["CHISO_TRACE": "1"])
        #expect(rerun.status == 0 && rerun.stderr.contains("report ran"), "\(rerun.stderr)")
        #expect(!rerun.stderr.contains("workbook started with normalize") && !rerun.stderr.contains(" workbook started early\n"))
        #expect(!rerun.stderr.contains("report: the workbook started early"))
        #expect(files.map { s.read("out/hoa-phong-dvc/2023/" + $0) } == cold)
        // From normalize: no ingest, so the workbook starts once normalize has its table, and is taken.
        let fromNormalize = try CLI.run(["run", "pipelines/sample.yaml", "--db", db, "--out", s.path + "/out", "--from", "normalize", "--verbose"],
                                        environment: ["CHISO_TRACE": "1"])
        #expect(fromNormalize.status == 0, "\(fromNormalize.stderr)")
        #expect(!fromNormalize.stderr.contains("workbook started with normalize"))
        #expect(fromNormalize.stderr.contains(" workbook started early\n"), "\(fromNormalize.stderr)")
        #expect(fromNormalize.stderr.contains("report: the workbook started early is built from these tables"), "\(fromNormalize.stderr)")
        #expect(files.map { s.read("out/hoa-phong-dvc/2023/" + $0) } == cold)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.path + "/out/hoa-phong-dvc") == ["2023"])
    }
}
