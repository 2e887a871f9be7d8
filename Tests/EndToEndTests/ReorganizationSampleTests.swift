import Foundation
import GRDB
import Testing

/// SPEC 10 end to end: the fictional province of Hòa Phong in 2024 (three tiers) and 2025 (reorganized,
/// two tiers), one warehouse, the built binary.
@Suite(.serialized) struct ReorganizationSampleTests {
    let scratch = Scratch()
    var db: String { scratch.path + "/db.sqlite" }

    func run(_ pipeline: String) throws -> CLI.Result {
        try CLI.run(["run", "pipelines/\(pipeline).yaml", "--out", scratch.path, "--db", db])
    }

    /// Rows of a CSV written by chiso (BOM, CRLF), split into fields.
    func rows(_ file: String) -> [[String]] {
        scratch.text(file).components(separatedBy: "\r\n").dropLast().map(splitCSV)
    }

    func column(_ rows: [[String]], _ name: String) -> Int { rows[0].firstIndex(of: name)! }

    @Test func the2025RunFollowsTheReorganizationAndComparesWith2024() throws {
        #expect(try run("hoa-phong-2024").status == 0)
        let r = try run("hoa-phong-2025-hai-cap")
        #expect(r.status == 0, "\(r.stderr)")

        let base = "hoa-phong-cchc/2025/"
        let chiTieu = rows(base + "chi-tieu.csv")
        #expect(Array(chiTieu[0].prefix(5)) == ["Mã đơn vị", "Tên đơn vị", "Cấp", "Đơn vị trước sắp xếp", "Tổng số hồ sơ tiếp nhận"])
        // Only the units that exist on 31/12/2025: 10 departments and 21 communes, no district.
        #expect(chiTieu.count == 1 + 31)
        #expect(Set(chiTieu.dropFirst().map { $0[2] }) == ["tinh", "xa"])
        let byCode = Dictionary(uniqueKeysWithValues: chiTieu.dropFirst().map { ($0[0], $0) })
        #expect(byCode["000.00.11.H99"] == nil)                                  // merged into Tài chính
        #expect(byCode["000.00.12.H99"]?[3] == "000.00.11.H99")
        #expect(byCode["000.00.24.H99"]?[3] == "000.00.19.H99;000.43.30.H99")   // split primary; a district
        #expect(byCode["115.00.31.H99"]?[3] == "106.44.30.H99;107.44.30.H99;108.44.30.H99")  // with a chain
        #expect(byCode["117.00.31.H99"]?[3] == "104.45.30.H99")                 // renamed
        #expect(byCode["101.42.30.H99"]?[3] == "104.42.30.H99;105.42.30.H99")   // the reused code's new holder
        #expect(byCode["107.00.31.H99"]?[3].contains("101.42.30.H99") == true) // and where its old holder went

        // Attribution: every dossier of the period counts once, for a reporting unit or (retired) nowhere.
        let quality = rows(base + "chat-luong-du-lieu.csv")
        let retired = quality.filter { $0[1] == "retired_unit" }
        #expect(retired.count == 1)
        #expect(retired[0][8] == "000.00.25.H99")
        let counted = chiTieu.dropFirst().reduce(0) { $0 + Int($1[4])! }
        let warehouse = try DatabaseQueue(path: db)
        let attributed = try warehouse.read { db in
            try Int.fetchOne(db, sql: "SELECT SUM(dossiers) FROM unit_attribution WHERE pipeline = 'hoa-phong-cchc' AND period = '2025'")!
        }
        #expect(counted == attributed)
        // ... and with the retired unit's, every dossier of the period (SPEC 3) in the warehouse.
        let inPeriod = try warehouse.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM dossiers d JOIN periods p ON p.id = d.period_id
                WHERE p.pipeline = 'hoa-phong-cchc' AND p.period = '2025' AND d.status NOT IN (1, 3, 7)
                  AND d.received_day <= CAST(julianday('2025-12-31') - 2440587.5 AS INTEGER)
                  AND NOT (d.status IN (8, 9, 10) AND d.finished_day < CAST(julianday('2025-01-01') - 2440587.5 AS INTEGER))
                """)!
        }
        #expect(counted + Int(retired[0][6])! == inPeriod)
        #expect(inPeriod > 9_000)
        #expect(quality.filter { $0[1] == "split_unit" }.map { $0[8] } == ["000.00.24.H99", "119.00.31.H99"])
        #expect(quality.filter { $0[1] == "unit_inactive_on_date" }.count > 20)

        // Ranks across the reorganization: kept by renamed and unchanged units, none for merged ones.
        let ranks2024 = rows("hoa-phong-cchc/2024/chi-so-phuc-vu.csv")
        let rank2024 = Dictionary(uniqueKeysWithValues: ranks2024.dropFirst().map { ($0[0], $0[column(ranks2024, "Xếp hạng")]) })
        let index = rows(base + "chi-so-phuc-vu.csv")
        let prev = column(index, "Xếp hạng kỳ trước"), rank = column(index, "Xếp hạng"), change = column(index, "Thay đổi thứ hạng")
        let scored = Dictionary(uniqueKeysWithValues: index.dropFirst().map { ($0[0], $0) })
        #expect(scored["117.00.31.H99"]?[prev] == rank2024["104.45.30.H99"])
        #expect(scored["117.00.31.H99"]?[change] == String(Int(rank2024["104.45.30.H99"]!)! - Int(scored["117.00.31.H99"]![rank])!))
        #expect(scored["000.00.10.H99"]?[prev] == rank2024["000.00.10.H99"])    // unchanged department
        for merged in ["000.00.12.H99", "000.00.24.H99", "000.00.30.H99", "115.00.31.H99", "101.42.30.H99"] {
            #expect(scored[merged]?[prev] == "", "\(merged)")
            #expect(scored[merged]?[change] == "", "\(merged)")
        }
        // The award uses rank_change: a unit that gained five places is eligible without a top rank.
        let awards = rows(base + "khen-thuong-tien-bo.csv")
        let congThuong = awards.first { $0[1] == "000.00.13.H99" }!
        #expect(congThuong[5] == "Có")

        // The manifest counts what the reorganization did.
        let manifest = try JSONSerialization.jsonObject(with: Data(scratch.read(base + "manifest.json"))) as! [String: Any]
        let summary = manifest["reorganization"] as! [String: Int]
        #expect(summary["reporting_units"] == 31)
        #expect(summary["retired_unit"] == 1)
        #expect(summary["split_unit"] == 2)
        #expect((manifest["inputs"] as! [[String: Any]]).contains { $0["source"] as? String == "lineage" })

        // "Which old units make up this commune": the README's query on the warehouse.
        let old = try warehouse.read { db in
            try String.fetchAll(db, sql: """
                WITH RECURSIVE up(position) AS (
                  SELECT position FROM units WHERE pipeline = 'hoa-phong-cchc' AND period = '2025'
                    AND unit_code = '115.00.31.H99' AND reporting = 1
                  UNION
                  SELECT l.predecessor_position FROM lineage l JOIN up ON l.successor_position = up.position
                  WHERE l.pipeline = 'hoa-phong-cchc' AND l.period = '2025')
                SELECT u.unit_code FROM up JOIN units u
                  ON u.pipeline = 'hoa-phong-cchc' AND u.period = '2025' AND u.position = up.position
                WHERE u.reporting = 0 ORDER BY u.unit_code
                """)
        }
        #expect(old == ["106.44.30.H99", "107.44.30.H99", "108.44.30.H99"])
    }

    @Test func explainListsEachPredecessorWithItsDossiersAndTheChange() throws {
        #expect(try run("hoa-phong-2024").status == 0)
        #expect(try run("hoa-phong-2025-hai-cap").status == 0)
        let r = try CLI.run(["explain", "pipelines/hoa-phong-2025-hai-cap.yaml", "115.00.31.H99", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("SẮP XẾP ĐƠN VỊ"))
        let counts = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: """
                SELECT source_code, dossiers FROM unit_attribution
                WHERE pipeline = 'hoa-phong-cchc' AND period = '2025' AND unit_code = '115.00.31.H99' AND source_code != unit_code
                """).map { ($0[0] as String, $0[1] as Int) }
        }
        #expect(counts.count == 3)
        for (code, n) in counts { #expect(r.stdout.contains("\(code)  \(String(repeating: " ", count: max(0, 6 - String(n).count)))\(n) hồ sơ"), "\(code)") }
        #expect(r.stdout.contains("2025-03-01 toàn bộ, sáp nhập vào → 107.44.30.H99; 2025-07-01 toàn bộ, hợp nhất thành → 115.00.31.H99"))
        #expect(r.stdout.contains("hợp nhất từ 3 đơn vị"))
        // A unit that no longer reports is pointed to its successor.
        let gone = try CLI.run(["explain", "pipelines/hoa-phong-2025-hai-cap.yaml", "108.44.30.H99", "--db", db])
        #expect(gone.status == 2)
        #expect(gone.stderr.contains("115.00.31.H99"))
    }

    @Test func withoutThe2024RunNoUnitHasAPreviousRank() throws {
        #expect(try run("hoa-phong-2025-hai-cap").status == 0)
        let index = rows("hoa-phong-cchc/2025/chi-so-phuc-vu.csv")
        let prev = column(index, "Xếp hạng kỳ trước")
        #expect(index.dropFirst().allSatisfy { $0[prev] == "" })
    }

    @Test func aBadCrosswalkStopsValidateAndRunWithItsPlace() throws {
        // A copy of the 2025 sample whose crosswalk leaves the split commune without a primary successor.
        let dir = scratch.path + "/bad"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var crosswalk = try String(contentsOfFile: CLI.root + "/samples/hoa-phong-2025/sap-xep-don-vi.csv", encoding: .utf8)
        crosswalk = crosswalk.replacingOccurrences(of: "1/7/2025,Có", with: "1/7/2025,Không")
        try crosswalk.write(toFile: dir + "/sap-xep.csv", atomically: true, encoding: .utf8)
        var yaml = try String(contentsOfFile: CLI.root + "/pipelines/hoa-phong-2025-hai-cap.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "../samples/", with: CLI.root + "/samples/")
            .replacingOccurrences(of: CLI.root + "/samples/hoa-phong-2025/sap-xep-don-vi.csv", with: "sap-xep.csv")
        try yaml.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let validate = try CLI.run(["validate", dir + "/p.yaml"])
        #expect(validate.status == 2)
        #expect(validate.stderr.contains("sap-xep.csv:"))
        #expect(validate.stderr.contains("Nhận hồ sơ") || validate.stderr.contains("nhận hồ sơ"))
        let run = try CLI.run(["run", dir + "/p.yaml", "--out", scratch.path + "/out-bad", "--db", scratch.path + "/bad.sqlite"])
        #expect(run.status == 2)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/out-bad/hoa-phong-cchc/2025/chi-tieu.csv"))
        // The sample's own crosswalk validates.
        let ok = try CLI.run(["validate", "pipelines/hoa-phong-2025-hai-cap.yaml"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("ok  lineage"))
    }
}
