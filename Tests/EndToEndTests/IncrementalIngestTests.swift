import Foundation
import GRDB
import Testing

/// A nightly run that starts from the stored dossier state (new files only, linked exports kept or
/// reread, only the changed rows and snapshot chunks rewritten) ends exactly where a cold run over the
/// same files ends: the same output bytes and the same rows in the per-dossier tables, the files and the
/// findings. Each step changes the sample's exports the way a portal's nights do.
@Suite(.serialized) struct IncrementalIngestTests {
    /// The sample province's exports, copied so that the steps can change them.
    func province(_ s: Scratch) throws {
        let from = CLI.root + "/samples/hoa-phong"
        for folder in ["ho-so", "tre-han", "bcci", "so-hoa"] {
            try FileManager.default.createDirectory(atPath: "\(s.path)/data/\(folder)", withIntermediateDirectories: true)
        }
        for file in ["don-vi.csv", "chi-tieu-giao.csv", "chi-so-khac.csv", "ho-so/ho-so-01.csv", "tre-han/tre-han.csv",
                     "bcci/bcci.csv", "so-hoa/so-hoa.csv"] {
            try FileManager.default.copyItem(atPath: "\(from)/\(file)", toPath: "\(s.path)/data/\(file)")
        }
        // ho-so-02 (UTF-8, `;`, CRLF, the id first) without its last 200 rows: they come back as a new
        // file later, when the linked rows that name them stop being orphans.
        let lines = try lines(from + "/ho-so/ho-so-02.csv")
        write(s, "ho-so/ho-so-02.csv", Array(lines.dropLast(200)))
        write(s, "held-back.csv", [lines[0]] + Array(lines.suffix(200)))
        // The other indices' file, with a row of a unit the registry does not have: ingest.external has
        // findings of its own that a night, which skips that stage, takes from the warehouse while the
        // stages it runs have theirs in memory; the findings CSV must still be a cold run's.
        let external = try String(contentsOfFile: "\(s.path)/data/chi-so-khac.csv", encoding: .utf8)
        s.write("data/chi-so-khac.csv", external + "999.99.99.H99;75,02;15;77,05;5;85,63;91,04\r\n")
        // The index scores 10 of its points from `external.dan_van`, and the award asks for the online rate
        // the province assigned (`target.online_rate`): a night that reads only new dossiers scores and
        // selects with the reference values its warehouse holds, as a cold run does with the files.
        let yaml = try String(contentsOfFile: CLI.root + "/pipelines/sample.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../samples/hoa-phong/", with: s.path + "/data/")
            .replacingOccurrences(of: "  delimiter: auto\n", with: "  external: \(s.path)/data/chi-so-khac.csv\n  targets: \(s.path)/data/chi-tieu-giao.csv\n  delimiter: auto\n")
            .replacingOccurrences(of: "label: \"Giải quyết đúng hạn\", points: 40,", with: "label: \"Giải quyết đúng hạn\", points: 30,")
            .replacingOccurrences(of: "      - {key: so_hoa,", with: "      - {key: dan_van, label: \"Dân vận\", points: 10, numerator: external.dan_van, denominator: 100}\n      - {key: so_hoa,")
            .replacingOccurrences(of: "      - \"score >= 80\"\n", with: "      - \"score >= 60\"\n      - \"rate.truc_tuyen >= target.online_rate\"\n")
        #expect(yaml.contains("external: ") && yaml.contains("targets: ") && yaml.contains("external.dan_van") && yaml.contains("target.online_rate"))
        s.write("pipeline.yaml", yaml)
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    func write(_ s: Scratch, _ name: String, _ lines: [String]) {
        s.write("data/" + name, lines.joined(separator: "\r\n") + "\r\n")
    }

    /// The per-dossier tables, the files and the findings, one `a|b|c` line per row (findings sorted:
    /// their order inside a stage follows the reading, not the report).
    static let queries = [
        "SELECT position, dossier_id, unit_code, received_day, due_day, finished_day, status, channel, full_online, fee_required, paid_online, file_id, line FROM dossiers ORDER BY position",
        "SELECT position, apology, file_id, line FROM late_rows ORDER BY position",
        "SELECT position, direction, delivered, file_id, line FROM postal_rows ORDER BY position, direction",
        "SELECT position, digitized_inputs, reused, e_result, e_signed, file_id, line FROM digitized_rows ORDER BY position",
        "SELECT stage, source, file, position, file_id, size, sha256, rows, quarantined FROM source_files ORDER BY stage, position",
        "SELECT stage, severity, code, source, file, line, \"column\", value, dossier_id, unit_code, message FROM findings",
        // The cold run hashes its exports while it reads them, the nights before they plan: the same fingerprints.
        "SELECT stage, fingerprint FROM stage_state WHERE stage <> 'report' ORDER BY stage",  // the report's names its folder
    ]

    func tables(_ db: String) throws -> [[String]] {
        if db.hasPrefix("postgresql:") {
            return try Self.queries.map { try PostgresServer.psql(db, $0).components(separatedBy: "\n").filter { !$0.isEmpty }.sorted() }
        }
        let queue = try DatabaseQueue(path: db)
        return try queue.read { conn in
            try Self.queries.map { sql in
                // As psql prints them: NULL empty, a value's line breaks breaking the line.
                try Row.fetchAll(conn, sql: sql).flatMap { row in
                    row.databaseValues.map { v -> String in
                        switch v.storage {
                        case .null: return ""
                        case let .int64(i): return String(i)
                        case let .double(d): return String(d)
                        case let .string(text): return text
                        case let .blob(data): return data.base64EncodedString()
                        }
                    }.joined(separator: "|").components(separatedBy: "\n")
                }.filter { !$0.isEmpty }.sorted()
            }
        }
    }

    /// Runs the step on the warm warehouse and cold into a new one; both must agree.
    func check(_ s: Scratch, _ step: String, warm: String, expect path: String? = nil, also: [String] = [], not: [String] = [],
               arguments: [String] = []) throws {
        let r = try CLI.capture(CLI.binary, ["run", s.path + "/pipeline.yaml", "--db", warm, "--out", s.path + "/warm"] + arguments,
                                environment: ["CHISO_TRACE": "1"])
        #expect(r.status == 0, "\(step): \(r.stderr)")
        for path in (path.map { [$0] } ?? []) + also { #expect(r.stderr.contains(path), "\(step): expected '\(path)' in the trace") }
        for path in not { #expect(!r.stderr.contains(path), "\(step): did not expect '\(path)' in the trace") }
        let cold = s.path + "/cold-\(UUID().uuidString).sqlite"
        let c = try CLI.run(["run", s.path + "/pipeline.yaml", "--db", cold, "--out", s.path + "/cold"] + arguments)
        #expect(c.status == 0, "\(step) (cold): \(c.stderr)")
        let folder = "hoa-phong-dvc/2023"
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(s.path)/cold/\(folder)").filter { $0 != "manifest.json" }.sorted()
        #expect(names.count >= 6)
        for name in names {
            let same = s.read("warm/\(folder)/\(name)") == s.read("cold/\(folder)/\(name)")
            #expect(same, "\(step): \(name) differs from a cold run's")
        }
        let (a, b) = (try tables(warm), try tables(cold))
        for (k, sql) in Self.queries.enumerated() {
            let first = zip(a[k], b[k]).first { $0 != $1 }.map { "warm \($0.0) / cold \($0.1)" } ?? "one has more rows"
            let same = a[k] == b[k]
            #expect(same, "\(step): \(sql.prefix(60))… differs (\(a[k].count) rows warm, \(b[k].count) cold; first: \(first))")
        }
        try FileManager.default.removeItem(atPath: cold)
    }

    func nights(warm: String) throws {
        let s = Scratch()
        try province(s)
        let path = s.path + "/data/"
        let two = try lines(path + "ho-so/ho-so-02.csv")
        try check(s, "first run", warm: warm)
        // A new file of new dossiers that no linked row names: read alone into the stored state.
        write(s, "ho-so/ho-so-03.csv", [two[0]] + two[1...30].map { "MOI-" + $0 })
        try check(s, "added, new ids", warm: warm,
                  expect: "appended 1 dossier file(s) to the stored state; linked sources kept: [\"digitized\", \"late\", \"postal\"]")
        // A new file that repeats one dossier which linked rows name, under another unit: those rows'
        // unit check reads differently now, so every linked export naming it is read again.
        let linked = try ["bcci/bcci.csv", "so-hoa/so-hoa.csv"].map { try String(contentsOfFile: path + $0, encoding: .utf8) }.joined()
        let named = try #require(two.dropFirst().first { linked.contains($0.components(separatedBy: ";")[0] + ",") })
        var cells = named.components(separatedBy: ";")
        cells[1] = try #require(two.dropFirst().map { $0.components(separatedBy: ";")[1] }.first { $0.lowercased() != cells[1].lowercased() })
        write(s, "ho-so/ho-so-03a.csv", [two[0], cells.joined(separator: ";")])
        try check(s, "added, a linked dossier under another unit", warm: warm, expect: "appended 1 dossier file(s)")
        // A new file that repeats 20 dossiers (they are replaced in place) and brings back the 200 held
        // back, which linked rows name: the linked exports are read again.
        let held = try lines(path + "held-back.csv")
        write(s, "ho-so/ho-so-04.csv", [two[0]] + Array(two[1...20]) + Array(held.dropFirst()))
        try check(s, "added, duplicates and orphans that now link", warm: warm, expect: "appended 1 dossier file(s)",
                  also: ["1 new dossier file(s) read apart while the state was decoded, added after it"])
        // A new file that repeats a dossier added three nights ago: its id is in what the nights since the
        // id index was last written whole added to it (two nights' new ids), and is found there.
        write(s, "ho-so/ho-so-05.csv", [two[0], "MOI-" + two[3]])
        try check(s, "added, a dossier of an earlier night again", warm: warm,
                  expect: "ids from 2 nights' additions to the index)")
        // A row of an older file changes (its status): every dossier file is read again.
        var one = try lines(path + "ho-so/ho-so-02.csv")
        one[5] = one[5].replacingOccurrences(of: ";2023-08-19;", with: ";2023-08-17;")  // a due date moves: late now
        #expect(one[5].contains(";2023-08-17;"))
        one[6] = one[6].replacingOccurrences(of: ";Rút hồ sơ;", with: ";Không tồn tại;")  // a status the portal never writes
        write(s, "ho-so/ho-so-02.csv", one)
        try check(s, "changed", warm: warm)
        // A file removed: the positions after it move.
        try FileManager.default.removeItem(atPath: path + "ho-so/ho-so-03.csv")
        try check(s, "removed", warm: warm)
        // A file renamed to sort first: the same rows in another order.
        try FileManager.default.moveItem(atPath: path + "ho-so/ho-so-04.csv", toPath: path + "ho-so/ho-so-00.csv")
        try check(s, "reordered", warm: warm)
        // One changed row in the postal export: only it is read again.
        let postal = try String(contentsOfFile: path + "bcci/bcci.csv", encoding: .utf8)
        let delivered = try #require(postal.range(of: "Trả kết quả,"))
        let line = postal[delivered.lowerBound...].prefix { $0 != "\n" && $0 != "\r" }
        let changedPostal = postal.replacingCharacters(in: line.startIndex..<line.endIndex,
                                                       with: line.replacingOccurrences(of: "Phát thành công", with: "Chuyển hoàn"))
        s.write("data/bcci/bcci.csv", changedPostal)
        try check(s, "changed linked row", warm: warm, expect: "stored dossier state: ")
        // A second postal file that repeats ten legs (the later file wins), then gone again.
        let legs = postal.components(separatedBy: "\n")
        s.write("data/bcci/bcci-2.csv", legs.prefix(11).joined(separator: "\n") + "\n")
        try check(s, "added linked file", warm: warm)
        try FileManager.default.removeItem(atPath: path + "bcci/bcci-2.csv")
        try check(s, "removed linked file", warm: warm)
        // A damaged stored state is not trusted: the run reads the tables back instead.
        let damage = "UPDATE dossier_snapshot_chunks SET data = x'00' WHERE chunk = 0"
        if warm.hasPrefix("postgresql:") {
            try PostgresServer.psql(warm, damage.replacingOccurrences(of: "x'00'", with: "'\\x00'::bytea"))
        } else {
            try DatabaseQueue(path: warm).write { try $0.execute(sql: damage) }
        }
        s.write("data/bcci/bcci.csv", postal)
        try check(s, "damaged stored state", warm: warm, expect: "stored dossier state: none usable")
        // One byte changed inside a chunk that still decodes (the first dossier's unit): its SHA-256 no
        // longer matches, so it is not trusted either.
        if warm.hasPrefix("postgresql:") {
            try PostgresServer.psql(warm, "UPDATE dossier_snapshot_chunks SET data = set_byte(data, 13, get_byte(data, 13) # 1) WHERE chunk = 0")
        } else {
            try DatabaseQueue(path: warm).write { db in
                var data = try #require(try Data.fetchOne(db, sql: "SELECT data FROM dossier_snapshot_chunks WHERE chunk = 0"))
                data[13] ^= 1
                try db.execute(sql: "UPDATE dossier_snapshot_chunks SET data = ? WHERE chunk = 0", arguments: [data])
            }
        }
        s.write("data/bcci/bcci.csv", changedPostal)
        try check(s, "a changed byte in the stored state", warm: warm, expect: "stored dossier state: none usable")
        // A header that names more dossiers than its chunks hold (the arrays are sized from it before any
        // chunk is read): refused before any memory is asked for, not a crash.
        let inflate = "UPDATE dossier_snapshot SET dossiers = 2000000000, chunks = 30518"
        if warm.hasPrefix("postgresql:") { try PostgresServer.psql(warm, inflate) } else {
            try DatabaseQueue(path: warm).write { try $0.execute(sql: inflate) }
        }
        s.write("data/bcci/bcci.csv", postal)
        try check(s, "a header that claims more than its chunks", warm: warm, expect: "stored dossier state: none usable")
        // As many chunk rows as it claims, but each far too small to hold its share: refused the same way.
        let padding = """
            WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 30517)
            INSERT INTO dossier_snapshot_chunks (period_id, chunk, data, sha256) SELECT period_id, chunk + n, x'00', sha256
            FROM dossier_snapshot_chunks, k WHERE chunk = 0
            """
        if warm.hasPrefix("postgresql:") {
            try PostgresServer.psql(warm, padding.replacingOccurrences(of: "x'00'", with: "'\\x00'::bytea") + "; " + inflate)
        } else {
            try DatabaseQueue(path: warm).write { try $0.execute(sql: padding); try $0.execute(sql: inflate) }
        }
        s.write("data/bcci/bcci.csv", changedPostal)
        try check(s, "a header with as many chunks as it claims, each too small", warm: warm, expect: "stored dossier state: none usable")
    }

    /// Normalize counts only the chunks of the state (65,536 positions each) that changed, and takes the
    /// others' tables as the warehouse kept them, when they were counted from the same bytes with the same
    /// dates: over three chunks, a night that appends a file and replaces a dossier of the first chunk
    /// counts the first and the last; a run as of another day counts all; a stored table whose bytes were
    /// damaged is counted again. Each ends where a cold run does.
    @Test func nightsCountOnlyTheChunksThatChanged() throws {
        let s = Scratch()
        try chunkNights(s, warm: s.path + "/warm.sqlite", all: true)
    }

    /// The first nights of the test above on PostgreSQL: a pending chunk is read again through a query.
    @Test func nightsCountOnlyTheChunksThatChangedOnPostgreSQL() throws {
        try chunkNights(Scratch(), warm: try PostgresServer.freshDatabase(), all: false)
    }

    /// The nights of ``nightsCountOnlyTheChunksThatChanged()``: `all` of them, or up to the duplicate in
    /// the second chunk (the later ones damage the warehouse through SQLite).
    func chunkNights(_ s: Scratch, warm: String, all: Bool) throws {
        try province(s)
        let path = s.path + "/data/"
        let two = try lines(path + "ho-so/ho-so-02.csv")
        // Twelve copies of ho-so-02's dossiers under other ids (no linked row names them): about 138,000
        // dossiers, the third chunk from position 131,072.
        let copies = (1...12).flatMap { k in two.dropFirst().map { "C\(k)-" + $0 } }
        write(s, "ho-so/ho-so-10.csv", [two[0]] + copies)
        try check(s, "first run", warm: warm, expect: "indicators: 0 chunk(s) of the state taken as counted before, 3 counted")
        // New ids, and a dossier of ho-so-02 again under another unit (position below 20,000: the first
        // chunk's table changes).
        var cells = two[5].components(separatedBy: ";")
        cells[1] = try #require(two.dropFirst().map { $0.components(separatedBy: ";")[1] }.first { $0.lowercased() != cells[1].lowercased() })
        write(s, "ho-so/ho-so-20.csv", [two[0]] + two[1...30].map { "MOI-" + $0 } + [cells.joined(separator: ";")])
        // Only the ids of the first two chunks were read at first (a linked export that names the dossier
        // is then read again, so every chunk's records are).
        try check(s, "appended, a duplicate in the first chunk", warm: warm,
                  expect: "indicators: 1 chunk(s) of the state taken as counted before, 2 counted",
                  also: ["the records of 2 chunk(s) left pending"])
        // New ids and a copy in the second chunk (position about 88,000) under another unit: only that
        // chunk's records are decoded, for the duplicate; the first chunk's never.
        var copy = ("C8-" + two[3]).components(separatedBy: ";")
        copy[1] = cells[1]
        write(s, "ho-so/ho-so-20a.csv", [two[0]] + two[41...45].map { "MOI-" + $0 } + [copy.joined(separator: ";")])
        try check(s, "appended, a duplicate in the second chunk", warm: warm,
                  expect: "1 chunk(s) of the stored state left undecoded, 0 decoded for normalize",
                  also: ["indicators: 1 chunk(s) of the state taken as counted before, 2 counted"])
        guard all else { return }
        // Another day: no stored table was counted as of it.
        try check(s, "as of another day", warm: warm, expect: "indicators: 0 chunk(s) of the state taken as counted before, 3 counted",
                  arguments: ["--as-of", "2023-06-30"])
        try check(s, "as of the period's end again", warm: warm,
                  expect: "indicators: 0 chunk(s) of the state taken as counted before, 3 counted")
        // The second chunk's stored table damaged (its CRC-32 no longer matches): counted again, with the
        // last chunk that a new file changes.
        try DatabaseQueue(path: warm).write { db in
            var data = try #require(try Data.fetchOne(db, sql: "SELECT data FROM indicator_parts WHERE chunk = 1"))
            data[9] ^= 1
            try db.execute(sql: "UPDATE indicator_parts SET data = ? WHERE chunk = 1", arguments: [data])
        }
        write(s, "ho-so/ho-so-21.csv", [two[0]] + two[31...40].map { "MOI-" + $0 })
        try check(s, "a damaged stored table", warm: warm,
                  expect: "1 chunk(s) of the stored state left undecoded, 0 decoded for normalize",
                  also: ["the records of 1 chunk(s) left pending", "indicators: 1 chunk(s) of the state taken as counted before, 2 counted"])
        // A night as of another day: no stored table is of it, so no chunk's records are left pending (each
        // is decoded as it is read, not read twice).
        write(s, "ho-so/ho-so-21a.csv", [two[0]] + two[46...50].map { "MOI-" + $0 })
        try check(s, "appended, as of another day", warm: warm,
                  expect: "indicators: 0 chunk(s) of the state taken as counted before, 3 counted", not: ["left pending"],
                  arguments: ["--as-of", "2023-07-31"])
        // The 200 dossiers held back, which linked rows name: those sources are read again against every
        // position, so every chunk is decoded first.
        let held = try lines(path + "held-back.csv")
        write(s, "ho-so/ho-so-22.csv", held)
        try check(s, "appended, orphans that now link", warm: warm, expect: "appended 1 dossier file(s)")
        // A file of more than a quarter of the state: the per-dossier tables are rewritten whole, so every
        // chunk is decoded first.
        write(s, "ho-so/ho-so-23.csv", [two[0]] + (1...4).flatMap { k in two.dropFirst().map { "D\(k)-" + $0 } })
        try check(s, "appended, a quarter of the state", warm: warm, expect: "appended 1 dossier file(s)")
        // A chunk whose CRC-32 checks but whose first record does not decode (its status byte): found when
        // a duplicate asks for it, and every dossier file is read instead.
        try DatabaseQueue(path: warm).write { db in
            var data = try #require(try Data.fetchOne(db, sql: "SELECT data FROM dossier_snapshot_chunks WHERE chunk = 0"))
            data[21 + 20] = 0xFF
            try db.execute(sql: "UPDATE dossier_snapshot_chunks SET data = ?, crc32 = ? WHERE chunk = 0",
                           arguments: [data, Int(Self.crc32(Array(data)))])
        }
        write(s, "ho-so/ho-so-24.csv", [two[0], two[7]])
        try check(s, "a stored chunk that checks but does not decode", warm: warm,
                  expect: "a chunk's records did not decode; every dossier file is read again")
    }

    /// CRC-32 (the IEEE polynomial, as zlib and libdeflate compute it), bit by bit: for a test that forges
    /// a stored chunk whose check still holds.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test func nightsOnSQLiteEndWhereAColdRunDoes() throws {
        let s = Scratch()
        try nights(warm: s.path + "/warm.sqlite")
    }

    @Test func nightsOnPostgreSQLEndWhereAColdRunDoes() throws {
        let db = try PostgresServer.freshDatabase()
        // A server that shows bytea in the old escape format: chiso asks for hex on its connections.
        try PostgresServer.psql(db, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET bytea_output = %L', current_database(), 'escape'); END $$")
        try nights(warm: db)
    }
}
