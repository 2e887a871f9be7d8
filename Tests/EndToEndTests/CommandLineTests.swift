import Foundation
import GRDB
import Testing

/// The command line as cron and analysts use it: quiet success, explain and status that agree with the
/// last run, a version, JSON documents, snapshots and history, and errors that say what is wrong.
@Suite(.serialized) struct CommandLineTests {
    let s = Scratch()
    var db: String { s.path + "/db.sqlite" }

    func chiso(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments) }

    func json(_ r: CLI.Result) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    /// Rows of a CSV chiso wrote, split into fields, by its first column.
    func table(_ file: String) -> (header: [String], rows: [String: [String]]) {
        let lines = s.text(file).components(separatedBy: "\r\n").dropLast().map(splitCSV)
        return (lines[0], Dictionary(uniqueKeysWithValues: lines.dropFirst().map { ($0[0], $0) }))
    }

    @Test func explainPrintsExactlyTheFiguresOfTheLastRunForEveryUnit() throws {
        let r = try chiso(["run", "pipelines/sample.yaml", "--as-of", "2023-06-30", "--db", db, "--out", s.path, "--header-style", "keys"])
        #expect(r.status == 0, "\(r.stderr)")
        let index = table("hoa-phong-dvc/2023/chi-so-dvc.csv")
        let indicators = table("hoa-phong-dvc/2023/chi-tieu.csv")
        #expect(index.rows.count == 79)
        func cell(_ row: [String], _ header: [String], _ key: String) -> String { row[header.firstIndex(of: key)!] }
        func shown(_ v: Any?) -> String {
            guard let d = v as? Double else { return "" }
            return String(format: "%.2f", d)
        }
        for (code, row) in index.rows {
            let e = try chiso(["explain", "pipelines/sample.yaml", code, "--db", db, "--json"])
            #expect(e.status == 0, "\(code): \(e.stderr)")
            let doc = try json(e)
            #expect(doc["as_of"] as? String == "2023-06-30")
            #expect(doc["source"] as? String == "warehouse")
            let counts = doc["indicators"] as! [String: Int]
            for key in ["received_total", "late_total", "finished_total", "e_results"] {
                #expect(String(counts[key]!) == cell(indicators.rows[code]!, indicators.header, key), "\(code) \(key)")
            }
            let result = (doc["indices"] as! [[String: Any]])[0]
            #expect(shown(result["score"]) == cell(row, index.header, "score"), "\(code) score")
            #expect((result["rank"] as? Int).map(String.init) ?? "" == cell(row, index.header, "rank"), "\(code) rank")
            for component in result["components"] as! [[String: Any]] {
                let key = component["key"] as! String
                #expect(shown(component["points"]) == cell(row, index.header, "\(key).points"), "\(code) \(key)")
                #expect(shown(component["rate"]) == cell(row, index.header, "\(key).rate"), "\(code) \(key)")
            }
        }
        // The text form says which run its figures belong to.
        let text = try chiso(["explain", "pipelines/sample.yaml", "000.00.10.H99", "--db", db])
        #expect(text.stdout.hasPrefix("Theo lần chạy thành công cuối ("))
        #expect(text.stdout.contains("số liệu đến 2023-06-30"))
        // --as-of still overrides, and says the figures are computed, not the run's.
        let other = try chiso(["explain", "pipelines/sample.yaml", "000.00.10.H99", "--db", db, "--as-of", "2023-11-30", "--json"])
        #expect(try json(other)["source"] as? String == "computed")
        #expect(try json(other)["as_of"] as? String == "2023-11-30")
    }

    /// The same on every other sample pipeline, unit by unit: score, rank and previous rank as in the CSV.
    @Test(arguments: ["gieng-day-2024-cchc-cds", "hung-yen-2024-dan-van", "kon-tum-huyen-2023-2030-cchc",
                      "ninh-thuan-2022-dvc-bcci", "ninh-thuan-ldtbxh-2023-cchc", "hoa-phong-2025-hai-cap", "bo-chi-so-766"])
    func explainAgreesWithTheCSVsOnEverySamplePipeline(name: String) throws {
        let r = try chiso(["run", "pipelines/\(name).yaml", "--db", db, "--out", s.path + "/out", "--header-style", "keys"])
        #expect(r.status == 0, "\(r.stderr)")
        let folder = try FileManager.default.contentsOfDirectory(atPath: s.path + "/out")[0]
        let period = try FileManager.default.contentsOfDirectory(atPath: s.path + "/out/" + folder)[0]
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(s.path)/out/\(folder)/\(period)").filter { $0.hasPrefix("chi-so-") }
        #expect(!files.isEmpty)
        for file in files {
            let index = table("out/\(folder)/\(period)/\(file)")
            let key = String(file.dropFirst("chi-so-".count).dropLast(4))
            for (code, row) in index.rows {
                let doc = try json(try chiso(["explain", "pipelines/\(name).yaml", code, "--db", db, "--json"]))
                let result = (doc["indices"] as! [[String: Any]]).first { $0["key"] as? String == key }!
                let score = (result["score"] as? Double).map { String(format: "%.2f", $0) } ?? ""
                #expect(score == row[index.header.firstIndex(of: "score")!], "\(name) \(code)")
                #expect((result["rank"] as? Int).map(String.init) ?? "" == row[index.header.firstIndex(of: "rank")!], "\(name) \(code)")
                #expect((result["prev_rank"] as? Int).map(String.init) ?? "" == row[index.header.firstIndex(of: "prev_rank")!], "\(name) \(code)")
            }
        }
    }

    @Test func statusDefaultsToTheOptionsOfTheLastRun() throws {
        #expect(try chiso(["run", "pipelines/sample.yaml", "--as-of", "2023-06-30", "--db", db, "--out", s.path + "/o"]).status == 0)
        let r = try chiso(["status", "pipelines/sample.yaml", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "\n")[0].contains("theo lần chạy thành công cuối"))
        #expect(!r.stdout.contains("cũ ("), "\(r.stdout)")
        let doc = try json(try chiso(["status", "pipelines/sample.yaml", "--db", db, "--json"]))
        #expect(doc["as_of"] as? String == "2023-06-30")
        #expect(doc["as_of_from"] as? String == "last_run")
        let stages = doc["stages"] as! [[String: Any]]
        #expect(stages.count == 9)
        #expect(stages.allSatisfy { $0["state"] as? String == "up_to_date" })
        // An explicit --as-of still counts: then normalize onward would rerun.
        let other = try json(try chiso(["status", "pipelines/sample.yaml", "--db", db, "--json", "--as-of", "2023-07-31"]))
        #expect((other["stages"] as! [[String: Any]]).first { $0["stage"] as? String == "normalize" }?["state"] as? String == "stale")
    }

    @Test func statusAndExplainNeverCreateAWarehouse() throws {
        let missing = s.path + "/nowhere/chiso.sqlite"
        for command in [["status", "pipelines/sample.yaml"], ["explain", "pipelines/sample.yaml", "000.00.10.H99"],
                        ["history", "pipelines/sample.yaml", "000.00.10.H99"]] {
            let r = try chiso(command + ["--db", missing])
            #expect(r.status == 2, "\(command)")
            #expect(r.stderr.contains(missing) && r.stderr.contains("không tồn tại"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: s.path + "/nowhere"))
        // From another folder: the relative default path is named absolutely.
        let elsewhere = try CLI.run(["status", CLI.root + "/pipelines/sample.yaml"], cwd: s.path)
        #expect(elsewhere.status == 2)
        #expect(elsewhere.stderr.contains(s.path + "/var/chiso.sqlite"), "\(elsewhere.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.path + "/var"))
    }

    @Test func versionHelpAndCompletion() throws {
        let long = try chiso(["--version"])
        #expect(long.status == 0)
        #expect(long.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        #expect(try chiso(["version"]).stdout == long.stdout)
        let help = try chiso(["run", "--help"])
        for stage in ["ingest.units", "ingest.dossiers", "normalize", "indices", "awards", "report"] {
            #expect(help.stdout.contains(stage), "\(stage)")
        }
        // `make man`: the manual generator keeps ASCII only, so Vietnamese reaches it as @uXXXX@ tokens.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["run", "--help"]
        p.environment = ["CHISO_MAN_ESCAPES": "1"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let escaped = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(escaped.contains("Ch@u1EA1@y pipeline"), "\(escaped)")
        #expect(escaped.unicodeScalars.allSatisfy { $0.isASCII })
        let completion = try chiso(["--generate-completion-script", "bash"])
        #expect(completion.status == 0)
        #expect(completion.stdout.contains("_chiso"))
    }

    @Test func errorMessagesSayWhatIsWrongAndWhere() throws {
        let absent = try CLI.run(["run", "khong-co.yaml"], cwd: s.path)
        #expect(absent.status == 2)
        #expect(absent.stderr.contains("không tồn tại") && absent.stderr.contains(s.path + "/khong-co.yaml"), "\(absent.stderr)")

        let impossible = try chiso(["run", "pipelines/sample.yaml", "--as-of", "2023-11-31", "--db", db])
        #expect(impossible.status == 2)
        #expect(impossible.stderr.contains("ngày 2023-11-31 không tồn tại: tháng 11 năm 2023 có 30 ngày"), "\(impossible.stderr)")
        let malformed = try chiso(["run", "pipelines/sample.yaml", "--as-of", "30/6/2023", "--db", db])
        #expect(malformed.stderr.contains("cần ngày dạng yyyy-MM-dd"))

        let base = try String(contentsOfFile: CLI.root + "/pipelines/sample.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../samples/", with: CLI.root + "/samples/")
        s.write("leap.yaml", base.replacingOccurrences(of: "to: 2023-11-30", with: "to: 2023-02-29"))
        let leap = try CLI.run(["validate", "leap.yaml"], cwd: s.path)
        #expect(leap.status == 2)
        #expect(leap.stderr.contains("leap.yaml:5:45: period.to: ngày 2023-02-29 không tồn tại: tháng 2 năm 2023 có 28 ngày"), "\(leap.stderr)")

        s.write("glob.yaml", base.replacingOccurrences(of: "tre-han/*.csv", with: "tre-han/*.xlsx"))
        let glob = try CLI.run(["validate", "glob.yaml"], cwd: s.path)
        #expect(glob.status == 2)
        let lateLine = base.components(separatedBy: "\n").firstIndex { $0.contains("late:") }! + 1
        #expect(glob.stderr.contains("glob.yaml:\(lateLine):9"), "\(glob.stderr)")
        #expect(glob.stderr.contains("không khớp tệp nào"))

        s.write("syntax.yaml", base.replacingOccurrences(of: "title: ", with: "title: : x\n  bad: [", options: [], range: nil))
        let syntax = try CLI.run(["validate", "syntax.yaml"], cwd: s.path)
        #expect(syntax.status == 2)
        #expect(syntax.stderr.contains("syntax.yaml:"), "\(syntax.stderr)")
        #expect(syntax.stderr.contains("cú pháp YAML sai") && syntax.stderr.contains("(chi tiết: "), "\(syntax.stderr)")

        s.write("units.yaml", base.replacingOccurrences(of: "hoa-phong/don-vi.csv", with: "hoa-phong/khong-co.csv"))
        let units = try CLI.run(["run", "units.yaml", "--db", db], cwd: s.path)
        #expect(units.status == 2)
        #expect(units.stderr.contains("units.yaml:11:10") && units.stderr.contains("không tồn tại"), "\(units.stderr)")
    }

    @Test func validateStatusAndExplainSpeakJSON() throws {
        let ok = try chiso(["validate", "pipelines/sample.yaml", "--json"])
        #expect(ok.status == 0)
        let doc = try json(ok)
        #expect(doc["ok"] as? Bool == true)
        #expect((doc["files"] as! [[String: Any]]).count == 5)
        s.write("bad.yaml", "pipeline: x\nperiod: {key: \"1\", from: 2023-01-01, to: 2023-01-32}\n")
        let bad = try CLI.run(["validate", "bad.yaml", "--json"], cwd: s.path)
        #expect(bad.status == 2)
        let errors = try json(bad)["errors"] as! [[String: Any]]
        #expect(errors.first?["line"] as? Int == 2)
    }

    @Test func everyRunKeepsASnapshotAndHistoryShowsThem() throws {
        for asOf in ["2023-06-30", "2023-09-30", "2023-06-30"] {
            #expect(try chiso(["run", "pipelines/sample.yaml", "--as-of", asOf, "--db", db, "--out", s.path]).status == 0)
        }
        #expect(try chiso(["run", "pipelines/sample.yaml", "--db", db, "--out", s.path]).status == 0)
        let r = try chiso(["history", "pipelines/sample.yaml", "000.00.10.H99", "--db", db, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let entries = try json(r)["entries"] as! [[String: Any]]
        #expect(entries.map { $0["as_of"] as! String } == ["2023-06-30", "2023-09-30", "2023-11-30"])
        // The latest snapshot is what the CSVs show.
        let index = table("hoa-phong-dvc/2023/chi-so-dvc.csv")
        let row = index.rows["000.00.10.H99"]!
        #expect(String(format: "%.2f", entries[2]["score"] as! Double) == row[index.header.firstIndex(of: "Tổng điểm")!])
        let text = try chiso(["history", "pipelines/sample.yaml", "000.00.10.H99", "--db", db])
        #expect(text.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  2023 ") }.count == 3)
        // The README's query behind it.
        let rows = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: """
                SELECT period, as_of, score, rank, band FROM v_history
                WHERE pipeline = 'hoa-phong-dvc' AND index_key = 'dvc' AND unit_code = '000.00.10.H99' ORDER BY period, as_of
                """)
        }
        #expect(rows.count == 3)
    }

    /// `chiso compare`: two pipelines of one warehouse side by side, the figures equal to their CSVs'.
    @Test func compareSetsPipelinesOfOneWarehouseSideBySide() throws {
        for name in ["hung-yen-2024-dan-van", "hoa-phong-2024"] {
            #expect(try chiso(["run", "pipelines/\(name).yaml", "--db", db, "--out", s.path, "--header-style", "keys"]).status == 0)
        }
        let r = try chiso(["compare", "hung-yen-dan-van", "hoa-phong-cchc", "--period", "2024", "--db", db, "--csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.replacingOccurrences(of: "\u{FEFF}", with: "").components(separatedBy: "\r\n").dropLast().map(splitCSV)
        #expect(rows.count == 3)
        for (row, file) in zip(rows.dropFirst(), ["hung-yen-dan-van/2024/chi-so-dan-van.csv", "hoa-phong-cchc/2024/chi-so-phuc-vu.csv"]) {
            let index = table(file)
            let scores = index.rows.values.compactMap { Double($0[index.header.firstIndex(of: "score")!]) }.sorted()
            #expect(row[2] == String(scores.count))
            #expect(row[3] == String(format: "%.2f", scores.first!) && row[5] == String(format: "%.2f", scores.last!))
            let median = scores.count % 2 == 1 ? scores[scores.count / 2] : (scores[scores.count / 2 - 1] + scores[scores.count / 2]) / 2
            #expect(row[4] == String(format: "%.2f", median))
            #expect(row[8] == String(format: "%.2f", scores.last!))  // the top unit's score
        }
        let text = try chiso(["compare", "hung-yen-dan-van", "hoa-phong-cchc", "--period", "2024", "--db", db])
        #expect(text.stdout.contains("hoa-phong-cchc   phuc-vu"), "\(text.stdout)")
        #expect(try chiso(["compare", "khong-co", "--period", "2024", "--db", db]).status == 2)
    }

    /// On a terminal (under `script`): the stage lines, the findings summary and where the outputs are;
    /// `--quiet` silences it.
    @Test func aTerminalSeesStagesASummaryAndTheOutputs() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            Issue.record("script(1) from util-linux is needed to give chiso a terminal")
            return
        }
        func underTerminal(_ extra: String) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            p.arguments = ["-qec", "\(CLI.binary) run \(CLI.root)/pipelines/sample.yaml --db \(db) --out \(s.path) --force \(extra)", "/dev/null"]
            let out = Pipe()
            p.standardOutput = out
            p.standardInput = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            return String(decoding: data, as: UTF8.self)
        }
        let shown = try underTerminal("")
        #expect(shown.contains("ingest.dossiers"))
        #expect(shown.contains("phát hiện về chất lượng dữ liệu (16 lỗi, 44 cảnh báo, 2 thông tin)"), "\(shown)")
        #expect(shown.contains("tệp có nhiều dòng bị loại nhất: ../samples/hoa-phong/ho-so/ho-so-01.csv"))
        #expect(shown.contains("chiso: kết quả ở \(s.path)/hoa-phong-dvc/2023/"))
        let quiet = try underTerminal("--quiet")
        #expect(quiet.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(quiet)")
    }
}
