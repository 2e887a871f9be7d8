import ChiSo
import Foundation
import GRDB
import Testing

/// The built binary against an attacker and a clumsy operator: planted links, a second path to one
/// warehouse, outputs edited or in the way, leftovers of dead runs, a newer or corrupt warehouse,
/// special files and inputs inside the output folder. Each test failed before its fix.
@Suite(.serialized) struct HardeningEndToEndTests {
    let s = Scratch()

    /// A small valid pipeline in the scratch folder (the hand-computed province).
    func writePipeline() {
        s.write("p.yaml", """
        pipeline: cung
        period: {key: "2023", from: 2023-01-01, to: 2023-12-31}
        tiers: [{key: tinh, label: "Sở"}]
        sources:
          units: data/don-vi.csv
          dossiers: data/ho-so/*.csv
        indices:
          - key: i
            components:
              - {key: c, label: "Đúng hạn", points: 100, numerator: finished_early + finished_on_time, denominator: finished_total}

        """)
        s.write("data/don-vi.csv", "Mã đơn vị,Tên đơn vị,Cấp\nA,Sở A,tinh\nB,Sở B,tinh\n")
        s.write("data/ho-so/ho-so.csv", "Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái\nH1,A,1/2/2023,10/2/2023,9/2/2023,10\nH2,B,1/3/2023,5/3/2023,8/3/2023,10\n")
    }

    func run(_ extra: [String] = [], db: String? = nil) throws -> CLI.Result {
        try CLI.run(["run", "p.yaml", "--db", db ?? "var/chiso.sqlite", "--out", "out"] + extra, cwd: s.path)
    }

    @Test func aLinkPlantedAsTheLockIsRefusedAndItsTargetUntouched() throws {
        writePipeline()
        let victim = s.write("victim.txt", "do not truncate me\n")
        try FileManager.default.createDirectory(atPath: s.path + "/var", withIntermediateDirectories: true)
        #expect(symlink(victim, s.path + "/var/chiso.sqlite.lock") == 0)
        let r = try run()
        #expect(r.status == 74, "\(r.stderr)")
        #expect(r.stderr.contains("liên kết tượng trưng"))
        #expect(s.text("victim.txt") == "do not truncate me\n")
    }

    @Test func linksPlantedAmongTheOutputsAreNeverWrittenThrough() throws {
        writePipeline()
        #expect(try run().status == 0)
        let victim = s.write("victim.txt", "keep\n")
        // Names a run's temporaries could take, planted by someone else (also for the failure path's loi/).
        try FileManager.default.createDirectory(atPath: s.path + "/out/cung/2023/loi", withIntermediateDirectories: true)
        for pid in 1...200 {
            symlink(victim, s.path + "/out/cung/2023/.chi-tieu.csv.\(pid).tmp")
            symlink(victim, s.path + "/out/cung/2023/loi/.chat-luong-du-lieu.csv.\(pid).tmp")
        }
        #expect(try run(["--force"]).status == 0)
        s.write("data/ho-so/hong.csv", "Mã hồ sơ,Mã đơn vị\n\"mở mà không đóng\n")
        #expect(try run().status == 1)
        #expect(s.text("victim.txt") == "keep\n")
        #expect(s.exists("out/cung/2023/loi/chat-luong-du-lieu.csv"))
    }

    @Test func aSecondPathToTheSameWarehouseSharesItsLock() throws {
        writePipeline()
        #expect(try run().status == 0)
        // Another name for the same file, in another folder: its `.lock` would be another file.
        try FileManager.default.createDirectory(atPath: s.path + "/other", withIntermediateDirectories: true)
        #expect(symlink(s.path + "/var/chiso.sqlite", s.path + "/other/alias.sqlite") == 0)
        let held = try RunLock(warehouse: s.path + "/var/chiso.sqlite")
        let r = try run(["--force"], db: "other/alias.sqlite")
        #expect(r.status == 75, "\(r.stderr)")
        withExtendedLifetime(held) {}
        // And with `..` in the path.
        #expect(try run(["--force"], db: "other/../var/chiso.sqlite").status == 75)
    }

    /// Two warehouses (two `--db`) writing one output folder: the second run is refused (75) while the
    /// first holds the folder, and its outputs stay the first run's. The lock leaves no file behind.
    @Test func twoWarehousesShareTheOutputFolderLock() throws {
        writePipeline()
        #expect(try run().status == 0)
        let before = s.read("out/cung/2023/chi-tieu.csv")
        do {
            let held = try RunLock(outputFolder: s.path + "/out/cung/2023")
            #expect(held.path == RunLock.realPath(s.path + "/out/cung"))
            let r = try run(["--force"], db: "var/khac.sqlite")
            #expect(r.status == 75, "\(r.stderr)")
            #expect(r.stderr.contains("out/cung") && r.stderr.contains("kho dữ liệu khác"), "\(r.stderr)")
            #expect(s.read("out/cung/2023/chi-tieu.csv") == before)
            withExtendedLifetime(held) {}
        }
        // Released: the other warehouse's run goes through, and the folder holds only the period.
        let after = try run(["--force"], db: "var/khac.sqlite")
        #expect(after.status == 0, "\(after.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.path + "/out/cung") == ["2023"])
    }

    @Test func anEditedOrMissingOutputMakesTheNextRunRedoTheReport() throws {
        writePipeline()
        #expect(try run().status == 0)
        let original = s.read("out/cung/2023/chi-tieu.csv")
        s.write("out/cung/2023/chi-tieu.csv", "sửa tay\n")
        let r = try run(["--verbose"])
        #expect(r.stderr.contains("report ran") && r.stderr.contains("chi-tieu.csv đã bị thay đổi"), "\(r.stderr)")
        #expect(s.read("out/cung/2023/chi-tieu.csv") == original)
        try FileManager.default.removeItem(atPath: s.path + "/out/cung/2023/bao-cao.xlsx")
        let again = try run(["--verbose"])
        #expect(again.stderr.contains("thiếu tệp đầu ra bao-cao.xlsx"), "\(again.stderr)")
        #expect(s.exists("out/cung/2023/bao-cao.xlsx"))
        // Nothing changed now: the report is skipped.
        #expect(try run(["--verbose"]).stderr.contains("report skipped"))
    }

    /// The ingest commits without SQLite's checkpoint and a second connection makes it while the run goes
    /// on: when the run has exited, the warehouse file alone (what a backup copies) holds every row of it.
    @Test func aFinishedRunLeavesTheWarehouseWholeInItsFile() throws {
        writePipeline()
        #expect(try run().status == 0)
        #expect(!s.exists("var/chiso.sqlite-wal"), "a write-ahead log is left beside the warehouse")
        try FileManager.default.createDirectory(atPath: s.path + "/backup", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: s.path + "/var/chiso.sqlite", toPath: s.path + "/backup/chiso.sqlite")
        let copy = try DatabaseQueue(path: s.path + "/backup/chiso.sqlite")
        let (dossiers, chunks, runs) = try copy.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM dossiers"), try Int.fetchOne(db, sql: "SELECT count(*) FROM dossier_snapshot_chunks"),
             try String.fetchAll(db, sql: "SELECT status FROM runs"))
        }
        #expect(dossiers == 2 && chunks == 2 && runs == ["ok"], "\(String(describing: dossiers)) \(String(describing: chunks)) \(runs)")
        // The first load ran under a rollback journal; the warehouse is back in WAL mode, with no journal left.
        #expect(try copy.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(!s.exists("var/chiso.sqlite-journal"))
        // The next load (rows already there) takes the WAL path: still nothing left beside the file.
        #expect(try run(["--force"]).status == 0)
        #expect(!s.exists("var/chiso.sqlite-wal") && !s.exists("var/chiso.sqlite-journal"))
    }

    @Test func theOutputFolderSwitchesWhole() throws {
        writePipeline()
        #expect(try run().status == 0)
        // A stale file and a folder in the way of a file: the whole folder is replaced in one step.
        s.write("out/cung/2023/chi-so-cu.csv", "cũ\n")
        try FileManager.default.removeItem(atPath: s.path + "/out/cung/2023/chi-so-i.csv")
        try FileManager.default.createDirectory(atPath: s.path + "/out/cung/2023/chi-so-i.csv", withIntermediateDirectories: true)
        #expect(try run().status == 0)
        #expect(!s.exists("out/cung/2023/chi-so-cu.csv"))
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: s.path + "/out/cung/2023/chi-so-i.csv", isDirectory: &isDir) && !isDir.boolValue)
        let left = try FileManager.default.contentsOfDirectory(atPath: s.path + "/out/cung")
        #expect(left == ["2023"], "\(left)")
    }

    @Test func leftoversOfDeadRunsAreRemoved() throws {
        writePipeline()
        #expect(try run().status == 0)
        // A dead pid (far above pid_max's default) and a full disk's half-written files.
        try FileManager.default.createDirectory(atPath: s.path + "/out/cung/.2023.new-99999999-abc", withIntermediateDirectories: true)
        s.write("out/cung/.2023.new-99999999-abc/chi-tieu.csv", "dở dang")
        s.write("out/cung/2023/loi/.chat-luong-du-lieu.csv.99999999-1.tmp", "dở dang")
        s.write("data/ho-so/hong.csv", "Mã hồ sơ,Mã đơn vị\n\"mở mà không đóng\n")
        #expect(try run().status == 1)
        #expect(!s.exists("out/cung/2023/loi/.chat-luong-du-lieu.csv.99999999-1.tmp"))
        try FileManager.default.removeItem(atPath: s.path + "/data/ho-so/hong.csv")
        #expect(try run().status == 0)
        #expect(!s.exists("out/cung/.2023.new-99999999-abc"))
    }

    @Test func aWarehouseFromANewerVersionIsNotWritten() throws {
        writePipeline()
        #expect(try run().status == 0)
        let db = s.path + "/var/chiso.sqlite"
        try DatabaseQueue(path: db).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
            try db.execute(sql: "UPDATE runs SET tool_version = '9.9.9'")
        }
        func runs() throws -> Int { try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs")! } }
        let before = try runs()
        let r = try run(["--force"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("chiso 9.9.9") && r.stderr.contains("v99"), "\(r.stderr)")
        #expect(try runs() == before)  // not even a run was recorded
        #expect(try CLI.run(["status", "p.yaml", "--db", "var/chiso.sqlite"], cwd: s.path).status == 2)
    }

    @Test func theMachinesFailuresExit74WithAMessageThatSaysWhatToDo() throws {
        writePipeline()
        s.write("var/chiso.sqlite", String(repeating: "không phải SQLite ", count: 400))
        let corrupt = try run()
        #expect(corrupt.status == 74, "\(corrupt.stderr)")
        #expect(corrupt.stderr.contains("bị hỏng") && corrupt.stderr.contains(s.path + "/var/chiso.sqlite"))
        try FileManager.default.removeItem(atPath: s.path + "/var/chiso.sqlite")
        s.write("out", "a file where the output folder goes")
        let taken = try run()
        #expect(taken.status == 74, "\(taken.stderr)")
        #expect(taken.stderr.contains("lỗi môi trường") && taken.stderr.contains("out"))
        #expect(!taken.stderr.contains("NSCocoaErrorDomain"))
    }

    /// A full disk (a small tmpfs, mounted by the test as CI's root may): exit 74 saying so, the previous
    /// outputs intact, nothing left behind.
    @Test func aFullDiskExits74AndKeepsThePreviousOutputs() throws {
        writePipeline()
        let disk = s.path + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=512k", "tmpfs", disk]
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            Issue.record("could not mount a tmpfs to fill (CI runs as root and can)")
            return
        }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [disk]
            try? umount.run()
            umount.waitUntilExit()
        }
        #expect(try run([], db: "var/chiso.sqlite").status == 0)
        #expect(try CLI.run(["run", "p.yaml", "--db", "var/chiso.sqlite", "--out", disk + "/out"], cwd: s.path).status == 0)
        let before = s.read("disk/out/cung/2023/chi-tieu.csv")
        // Fill the disk to the last block.
        let filler = FileHandle(forWritingAtPath: s.write("disk/filler", ""))!
        let block = Data(repeating: 0x41, count: 4096)
        while (try? filler.write(contentsOf: block)) != nil {}
        try? filler.close()
        let r = try CLI.run(["run", "p.yaml", "--db", "var/chiso.sqlite", "--out", disk + "/out", "--force"], cwd: s.path)
        #expect(r.status == 74, "\(r.stderr)")
        #expect(r.stderr.contains("ổ đĩa đầy"), "\(r.stderr)")
        #expect(s.read("disk/out/cung/2023/chi-tieu.csv") == before)
        let left = try FileManager.default.contentsOfDirectory(atPath: disk + "/out/cung")
        #expect(left == ["2023"], "\(left)")
    }

    @Test func specialFilesAndInputsInsideTheOutputAreConfigurationErrors() throws {
        writePipeline()
        #expect(mkfifo(s.path + "/data/ho-so/fifo.csv", 0o600) == 0)
        let fifo = try run()
        #expect(fifo.status == 2, "\(fifo.stderr)")
        #expect(fifo.stderr.contains("p.yaml:6:") && fifo.stderr.contains("không phải tệp thường"))
        unlink(s.path + "/data/ho-so/fifo.csv")
        s.write("p.yaml", try String(contentsOfFile: s.path + "/p.yaml", encoding: .utf8)
            .replacingOccurrences(of: "units: data/don-vi.csv", with: "units: /dev/zero"))
        let zero = try run()
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("không phải tệp thường"))
        writePipeline()
        let inside = try CLI.run(["run", "p.yaml", "--db", "var/chiso.sqlite", "--out", "data"], cwd: s.path)
        #expect(inside.status == 2, "\(inside.stderr)")
        #expect(inside.stderr.contains("nằm trong thư mục đầu ra"))
    }
}
