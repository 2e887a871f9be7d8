import ChiSo
import Foundation
import Testing

/// SPEC 12: the shared PostgreSQL warehouse, against the real server `make test` starts.
@Suite(.serialized) struct PostgresWarehouseTests {
    /// Every pipeline of `pipelines/`, in the order `make run` runs them (2025 compares to 2024).
    static let pipelines = ["sample", "gieng-day-2024-cchc-cds", "hung-yen-2024-dan-van", "kon-tum-huyen-2023-2030-cchc",
                            "ninh-thuan-2022-dvc-bcci", "ninh-thuan-ldtbxh-2023-cchc", "hoa-phong-2024", "hoa-phong-2025-hai-cap",
                            "bo-chi-so-766"]

    /// The files under `folder`, relative, sorted.
    func files(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasPrefix("test-artifacts") }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: folder + "/" + $0, isDirectory: &d) && !d.boolValue }
            .sorted()
    }

    /// A JSON document without what differs from run to run (clock readings, timings, the warehouse's name).
    func stable(_ data: Data) throws -> NSDictionary {
        func strip(_ value: Any) -> Any {
            if let d = value as? [String: Any] {
                return d.filter { !["started_at", "seconds", "finished_at", "last_finished_at", "last_run_finished_at", "warehouse", "taken_at"].contains($0.key) }
                    .mapValues(strip)
            }
            if let a = value as? [Any] { return a.map(strip) }
            return value
        }
        return strip(try JSONSerialization.jsonObject(with: data)) as! NSDictionary
    }

    @Test func bothBackendsWriteTheSameBytesAndExplainTheSame() throws {
        let pg = try PostgresServer.freshDatabase()
        let s = Scratch()
        var explained: [String: [NSObject]] = [:]
        for (backend, db) in [("sqlite", s.path + "/chiso.sqlite"), ("postgres", pg)] {
            for name in Self.pipelines {
                let r = try CLI.run(["run", "pipelines/\(name).yaml", "--db", db, "--out", s.path + "/out"])
                #expect(r.status == 0, "\(backend) \(name): \(r.stderr)")
            }
            // A rerun skips every stage on both.
            let again = try CLI.run(["run", "pipelines/sample.yaml", "--db", db, "--out", s.path + "/out", "--verbose"])
            #expect(!again.stderr.contains(" ran "), "\(backend): \(again.stderr)")
            let status = try CLI.run(["status", "pipelines/sample.yaml", "--db", db, "--json"])
            let explain = try CLI.run(["explain", "pipelines/sample.yaml", "000.00.10.H99", "--db", db, "--json"])
            let history = try CLI.run(["history", "pipelines/hoa-phong-2025-hai-cap.yaml", "000.00.10.H99", "--db", db, "--json"])
            let compare = try CLI.run(["compare", "hung-yen-dan-van", "hoa-phong-cchc", "--period", "2024", "--db", db, "--csv"])
            for r in [status, explain, history, compare] { #expect(r.status == 0, "\(backend): \(r.stderr)") }
            explained[backend] = [try stable(Data(status.stdout.utf8)), try stable(Data(explain.stdout.utf8)),
                                  try stable(Data(history.stdout.utf8)), compare.stdout as NSString]
            try FileManager.default.moveItem(atPath: s.path + "/out", toPath: s.path + "/out-" + backend)
        }
        let sqlite = files(s.path + "/out-sqlite"), postgres = files(s.path + "/out-postgres")
        #expect(sqlite == postgres)
        #expect(sqlite.count > 60, "\(sqlite.count) files")
        for file in sqlite {
            let a = s.read("out-sqlite/" + file), b = s.read("out-postgres/" + file)
            if file.hasSuffix("manifest.json") {
                #expect(try stable(Data(a)) == stable(Data(b)), "\(file)")
            } else {
                #expect(a == b, "\(file) differs between SQLite and PostgreSQL")
            }
        }
        #expect(explained["sqlite"] == explained["postgres"])
        // The per-dossier tables are partitioned by period: one partition per pipeline's period.
        let partitions = try PostgresServer.psql(pg, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'dossiers'::regclass")
        let periods = try PostgresServer.psql(pg, "SELECT count(*) FROM periods")
        #expect(partitions == periods && Int(periods)! >= 9)
    }

    /// Row counts per table, pipeline and period: what a shared warehouse must hold after any schedule of runs.
    func counts(_ uri: String) throws -> String {
        let perPeriod = ["source_files", "units", "reference_values", "findings", "indicators", "index_scores", "component_scores",
                         "award_decisions", "lineage", "unit_attribution", "unit_ancestors", "stage_state", "report_outputs"]
        var sql = perPeriod.map { "SELECT '\($0)', pipeline, period, count(*) FROM \($0) GROUP BY pipeline, period" }
        sql += PostgresSchemaNames.perDossier.map {
            "SELECT '\($0)', p.pipeline, p.period, count(*) FROM \($0) x JOIN periods p ON p.id = x.period_id GROUP BY p.pipeline, p.period"
        }
        return try PostgresServer.psql(uri, sql.joined(separator: " UNION ALL ") + " ORDER BY 1, 2, 3")
    }

    @Test func threeProvincesRunningAtOnceLoseNothing() throws {
        let three = ["sample", "hung-yen-2024-dan-van", "gieng-day-2024-cchc-cds"]
        let s = Scratch()
        let serial = try PostgresServer.freshDatabase()
        for name in three {
            #expect(try CLI.run(["run", "pipelines/\(name).yaml", "--db", serial, "--out", s.path + "/serial"]).status == 0)
        }
        let shared = try PostgresServer.freshDatabase()
        let runs = try three.map { try CLI.start(["run", "pipelines/\($0).yaml", "--db", shared, "--out", s.path + "/at-once"]) }
        for p in runs { p.waitUntilExit() }
        #expect(runs.map(\.terminationStatus) == [0, 0, 0])
        let expected = try counts(serial)
        #expect(expected.split(separator: "\n").count > 30)
        #expect(try counts(shared) == expected)
        // And the outputs are the serial runs' outputs.
        for file in files(s.path + "/serial") where !file.hasSuffix("manifest.json") {
            #expect(s.read("serial/" + file) == s.read("at-once/" + file), "\(file)")
        }
    }

    @Test func theSamePipelineTwiceAtOnceExits75AndOthersGoAhead() throws {
        let uri = try PostgresServer.freshDatabase()
        guard case let .postgres(address) = WarehouseLocation(uri) else { Issue.record("not a PostgreSQL URI"); return }
        let s = Scratch()
        var held: PostgresRunLock? = try PostgresRunLock(address, pipeline: "hoa-phong-dvc")
        let refused = try CLI.run(["run", "pipelines/sample.yaml", "--db", uri, "--out", s.path + "/out"])
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("hoa-phong-dvc"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.path + "/out/hoa-phong-dvc"))
        // Another pipeline (another province) on the same server is not held up.
        #expect(try CLI.run(["run", "pipelines/hung-yen-2024-dan-van.yaml", "--db", uri, "--out", s.path + "/out"]).status == 0)
        #expect(held != nil)
        held = nil
        #expect(try CLI.run(["run", "pipelines/sample.yaml", "--db", uri, "--out", s.path + "/out"]).status == 0)
        #expect(PostgresRunLock.key("hoa-phong-dvc") != PostgresRunLock.key("hung-yen-dan-van"))
    }

    @Test func aRunKilledMidIngestLeavesTheLastCommittedStateAndARerunCompletes() throws {
        let uri = try PostgresServer.freshDatabase()
        // The small province of StageControlTests, then its 400,000-row export.
        let fixture = StageControlTests()
        let s = fixture.s
        fixture.writeFixture()
        func run(_ extra: [String] = []) throws -> CLI.Result {
            try CLI.run(["run", "p.yaml", "--db", uri, "--out", "out"] + extra, cwd: s.path)
        }
        #expect(try run().status == 0)
        let outputs = ["chi-tieu.csv", "chi-so-dvc.csv", "khen-thuong-bk.csv", "chat-luong-du-lieu.csv", "bao-cao.xlsx", "bao-cao.html"]
        let before = outputs.map { s.read("out/tay-tinh/2023/" + $0) }
        let statesBefore = try PostgresServer.psql(uri, "SELECT stage, fingerprint FROM stage_state ORDER BY stage")

        fixture.writeBigExport()
        let victim = try CLI.start(["run", "p.yaml", "--db", uri, "--out", "out"], cwd: s.path)
        // Killed while its COPY of the dossiers is on the wire.
        var copying = false
        for _ in 0..<600 where victim.isRunning {
            if try PostgresServer.psql(uri, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY dossiers_p%' AND state = 'active' AND datname = current_database()") != "0" {
                copying = true
                break
            }
            usleep(20_000)
        }
        #expect(copying, "the run was not seen copying dossiers")
        // A second chiso process for the same pipeline meanwhile: refused at once, nothing written.
        let second = try run()
        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr.contains("tay-tinh"), "\(second.stderr)")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        // The server ends the dead client's session (rolling back its transaction, freeing its lock).
        for _ in 0..<500 {
            if try PostgresServer.psql(uri, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'chiso' AND datname = current_database()") == "0" { break }
            usleep(20_000)
        }
        #expect(try PostgresServer.psql(uri, "SELECT stage, fingerprint FROM stage_state ORDER BY stage") == statesBefore)
        #expect(try PostgresServer.psql(uri, "SELECT count(*) FROM dossiers") == "3")
        #expect(outputs.map { s.read("out/tay-tinh/2023/" + $0) } == before)

        fixture.writeFixture()
        let next = try run(["--force"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(outputs.map { s.read("out/tay-tinh/2023/" + $0) } == before)
        #expect(try PostgresServer.psql(uri, "SELECT status FROM runs ORDER BY id") == "ok\nkilled\nok")
    }

    @Test func thePasswordNeverAppearsAndPGPASSWORDIsHonoured() throws {
        guard let password = PostgresServer.password else { throw PostgresServer.NotStarted() }
        let bare = try PostgresServer.freshDatabase(tcp: true)  // postgresql://chiso@127.0.0.1:PORT/DB
        let withPassword = bare.replacingOccurrences(of: "chiso@", with: "chiso:\(password)@")
        let s = Scratch()
        var said: [CLI.Result] = []
        said.append(try CLI.run(["run", "pipelines/sample.yaml", "--db", withPassword, "--out", s.path + "/out"]))
        #expect(said.last?.status == 0, "\(said.last?.stderr ?? "")")
        said.append(try CLI.run(["run", "pipelines/sample.yaml", "--db", withPassword, "--out", s.path + "/out", "--verbose", "--force"]))
        said.append(try CLI.run(["run", "pipelines/sample.yaml", "--db", withPassword, "--out", s.path + "/out", "--dry-run"]))
        said.append(try CLI.run(["status", "pipelines/sample.yaml", "--db", withPassword]))
        said.append(try CLI.run(["status", "pipelines/sample.yaml", "--db", withPassword, "--json"]))
        said.append(try CLI.run(["explain", "pipelines/sample.yaml", "000.00.10.H99", "--db", withPassword]))
        said.append(try CLI.run(["compare", "hoa-phong-dvc", "--period", "2023", "--db", withPassword]))
        // Through CHISO_DB instead of --db.
        said.append(try CLI.run(["run", "pipelines/sample.yaml", "--out", s.path + "/out", "--stage", "report", "--verbose"],
                                environment: ["CHISO_DB": withPassword]))
        for r in said { #expect(r.status == 0, "\(r.stdout) \(r.stderr)") }
        // A wrong password and an unreachable server: exit 74, and neither password is repeated.
        let wrong = try CLI.run(["run", "pipelines/sample.yaml", "--db", bare.replacingOccurrences(of: "chiso@", with: "chiso:Wr0ngPassw0rd@"),
                                 "--out", s.path + "/out"])
        #expect(wrong.status == 74, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("chiso@127.0.0.1"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("Wr0ngPassw0rd"))
        let gone = try CLI.run(["status", "pipelines/sample.yaml", "--db", "postgresql://chiso:\(password)@127.0.0.1:1/x"])
        #expect(gone.status == 74, "\(gone.stderr)")
        said += [wrong, gone]
        for r in said {
            #expect(!r.stdout.contains(password) && !r.stderr.contains(password), "the password was printed: \(r.stderr)")
        }
        for file in files(s.path + "/out") {
            #expect(!String(decoding: s.read("out/" + file), as: UTF8.self).contains(password), "\(file) holds the password")
        }
        let stored = try PostgresServer.psql(bare, "SELECT command || ' ' || COALESCE(message, '') FROM runs")
        #expect(stored.contains("chiso@127.0.0.1") && !stored.contains(password), "\(stored)")
        // libpq's own ways: PGPASSWORD with a URI that has none.
        let viaEnvironment = try CLI.run(["run", "pipelines/sample.yaml", "--db", bare, "--out", s.path + "/out", "--force"],
                                         environment: ["PGPASSWORD": password])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        let none = try CLI.run(["status", "pipelines/sample.yaml", "--db", bare], environment: ["PGPASSWORD": "", "PGPASSFILE": "/nonexistent"])
        #expect(none.status == 74, "\(none.stderr)")
        // And ~/.pgpass (here through PGPASSFILE, which names the same file format).
        let host = bare.dropFirst("postgresql://chiso@".count).split(separator: "/")[0].split(separator: ":")
        let passfile = s.write("pgpass", "\(host[0]):\(host[1]):*:chiso:\(password)\n")
        chmod(passfile, 0o600)
        let viaPassfile = try CLI.run(["status", "pipelines/sample.yaml", "--db", bare], environment: ["PGPASSWORD": "", "PGPASSFILE": passfile])
        #expect(viaPassfile.status == 0, "\(viaPassfile.stderr)")
        #expect(!viaPassfile.stdout.contains(password) && !viaPassfile.stderr.contains(password))
    }

    /// The README says the documented queries work in psql on a PostgreSQL warehouse: each returns rows there.
    @Test func everyDocumentedQueryReturnsRowsOnPostgreSQL() throws {
        let uri = try PostgresServer.freshDatabase()
        let s = Scratch()
        for pipeline in ["sample", "hoa-phong-2024", "hoa-phong-2025-hai-cap"] {
            let r = try CLI.run(["run", "pipelines/\(pipeline).yaml", "--db", uri, "--out", s.path])
            #expect(r.status == 0, "\(pipeline): \(r.stderr)")
        }
        var count = 0
        for document in DocumentationTests.documents {
            let text = try String(contentsOfFile: CLI.root + "/" + document, encoding: .utf8)
            for sql in DocumentationTests.queries(in: text) {
                count += 1
                let rows = try PostgresServer.psql(uri, sql)
                #expect(!rows.isEmpty, "\(document): no row on PostgreSQL for \(sql)")
            }
        }
        #expect(count >= 12)
    }

    @Test func addressesLoseTheirPasswordWhereverTheyAreShown() {
        #expect(PostgresAddress.redact("postgresql://u:s3cret@db.example:5432/chiso?sslmode=require&password=x")
                == "postgresql://u@db.example:5432/chiso?sslmode=require")
        #expect(PostgresAddress.redactAll(in: "chiso run p.yaml --db postgres://a:b@h/d --out o") == "chiso run p.yaml --db postgres://a@h/d --out o")
        #expect(PostgresAddress.redactAll(in: "--db=postgresql://a:b@/d?host=/tmp") == "--db=postgresql://a@/d?host=/tmp")
        #expect(WarehouseLocation.resolve(nil, environment: ["CHISO_DB": "postgresql://x@/y"]) == WarehouseLocation("postgresql://x@/y"))
        #expect(WarehouseLocation.resolve(nil, environment: [:]) == .sqlite(path: "var/chiso.sqlite"))
        #expect(WarehouseLocation.resolve("a.sqlite", environment: ["CHISO_DB": "postgresql://x@/y"]) == .sqlite(path: "a.sqlite"))
    }
}

/// The per-dossier tables, partitioned by period on PostgreSQL.
enum PostgresSchemaNames {
    static let perDossier = ["dossiers", "late_rows", "postal_rows", "digitized_rows"]
}
