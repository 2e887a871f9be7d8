import Foundation
import Testing

/// Every pipeline in pipelines/ runs on its samples and writes its index and award files.
@Suite(.serialized) struct PlanPipelinesTests {
    static let pipelines: [(file: String, key: String, period: String, indices: [String], awards: [String])] = [
        ("sample.yaml", "hoa-phong-dvc", "2023", ["dvc"], ["bang-khen"]),
        ("ninh-thuan-2022-dvc-bcci.yaml", "ninh-thuan-2022-dvc-bcci", "2023", ["dvc-bcci"], ["bang-khen-ubnd-tinh"]),
        ("kon-tum-huyen-2023-2030-cchc.yaml", "kon-tum-huyen-cchc", "2023", ["cchc"],
         ["giay-khen-huyen-tap-the", "giay-khen-huyen-ca-nhan"]),
        ("hung-yen-2024-dan-van.yaml", "hung-yen-dan-van", "2024", ["dan-van"], ["bang-khen-hang-nam"]),
        ("gieng-day-2024-cchc-cds.yaml", "gieng-day-cchc-cds", "2024", ["cchc-cds"], ["giay-khen-thanh-pho", "bang-khen-tinh"]),
        ("ninh-thuan-ldtbxh-2023-cchc.yaml", "ninh-thuan-ldtbxh-cchc", "2023", ["cchc"], ["giay-khen-giam-doc-so"]),
    ]

    @Test(arguments: pipelines.map(\.file))
    func everyPipelineRunsOnItsSamples(_ file: String) throws {
        let p = Self.pipelines.first { $0.file == file }!
        let out = Scratch()
        let r = try CLI.run(["run", "pipelines/" + file, "--out", out.path])
        #expect(r.status == 0, "\(file): \(r.stderr)")
        let dir = "\(p.key)/\(p.period)/"
        let expected = ["chi-tieu.csv", "chat-luong-du-lieu.csv", "manifest.json"]
            + p.indices.map { "chi-so-\($0).csv" } + p.awards.map { "khen-thuong-\($0).csv" }
        for name in expected {
            #expect(out.exists(dir + name), "\(file): \(name)")
        }
        // Every award file lists at least one proposed unit and never more than its groups allow.
        for award in p.awards {
            let rows = out.text(dir + "khen-thuong-\(award).csv").components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
            #expect(rows.contains { splitCSV($0)[6] == "Có" }, "\(file) \(award): nobody selected")
        }
        #expect(try CLI.run(["validate", "pipelines/" + file]).status == 0)
    }

    @Test func departmentScoreAndAwardDecisionsMatchTheHandComputation() throws {
        let out = Scratch()
        let r = try CLI.run(["run", "pipelines/ninh-thuan-ldtbxh-2023-cchc.yaml", "--out", out.path, "--header-style", "keys"])
        #expect(r.status == 0, "\(r.stderr)")
        let base = "ninh-thuan-ldtbxh-cchc/2023/"
        func row(_ file: String, _ code: String) -> [String] {
            out.text(base + file).components(separatedBy: "\r\n").map(splitCSV).first { $0.count > 1 && ($0[0] == code || $0[1] == code) }!
        }
        // Phòng Người có công (000.04.19.H99), from its chi-tieu row: received_total 164, received_new 161,
        // received_online 135, finished_early 105, finished_on_time 59, open_in_time 0, late_total 0.
        //   dung_han   = (105 + 59 + 0) / 164 = 1.0          → 50 × min(1, 1.0)       = 50.00 points
        //   truc_tuyen = 135 / 161 = 0.838509…  (83.85 %)    → 50 × 0.838509…         = 41.93 points
        //   score      = (50 + 41.9255…) / 100 × 100 = 91.9255… → 91.93, band Xuất sắc (≥ 90), rank 1 of 7 offices
        // Keys-style headers of the index and award files (SPEC 7.1).
        #expect(out.text(base + "chi-so-cchc.csv").hasPrefix("unit_code,unit_name,tier,dung_han.numerator,dung_han.denominator,dung_han.rate,dung_han.points,truc_tuyen.numerator,truc_tuyen.denominator,truc_tuyen.rate,truc_tuyen.points,score,band,rank,prev_rank,rank_change\r\n"))
        #expect(out.text(base + "khen-thuong-giay-khen-giam-doc-so.csv").hasPrefix("tier,unit_code,unit_name,score,rank,eligible,selected,position,individuals,reasons\r\n"))
        let indicators = row("chi-tieu.csv", "000.04.19.H99")
        #expect(Array(indicators[3...16]) == ["164", "3", "161", "135", "86", "22", "4", "164", "105", "59", "0", "0", "0", "0"])
        #expect(row("chi-so-cchc.csv", "000.04.19.H99")
                == ["000.04.19.H99", "Phòng Người có công", "phong", "164", "164", "100.00", "50.00",
                    "135", "161", "83.85", "41.93", "91.93", "Xuất sắc", "1", "", ""])
        // Selected: no late dossier, 83.85 ≥ its assigned target of 80 (chi-tieu-giao.csv); first of 3 eligible
        // (quota 5), with one individual.
        #expect(row("khen-thuong-giay-khen-giam-doc-so.csv", "000.04.19.H99")
                == ["phong", "000.04.19.H99", "Phòng Người có công", "91.93", "1", "Có", "Có", "1", "1", ""])
        // Rejected: Văn phòng Sở (000.01.19.H99) has no late dossier but 113 / 211 = 53.55 % online, under its target 60.
        #expect(row("khen-thuong-giay-khen-giam-doc-so.csv", "000.01.19.H99")
                == ["phong", "000.01.19.H99", "Văn phòng Sở", "76.78", "6", "Không", "Không", "", "",
                    "rate.truc_tuyen = 53.55, cần >= target.online_rate"])
    }

    @Test func vietnameseHeadersNameEachComponentByItsLabel() throws {
        let out = Scratch()
        #expect(try CLI.run(["run", "pipelines/ninh-thuan-ldtbxh-2023-cchc.yaml", "--out", out.path]).status == 0)
        let base = "ninh-thuan-ldtbxh-cchc/2023/"
        #expect(out.text(base + "chi-so-cchc.csv").hasPrefix("Mã đơn vị,Tên đơn vị,Cấp,Giải quyết đúng hạn: tử số,Giải quyết đúng hạn: mẫu số,Giải quyết đúng hạn: tỷ lệ (%),Giải quyết đúng hạn: điểm,Tỷ lệ hồ sơ trực tuyến: tử số,Tỷ lệ hồ sơ trực tuyến: mẫu số,Tỷ lệ hồ sơ trực tuyến: tỷ lệ (%),Tỷ lệ hồ sơ trực tuyến: điểm,Tổng điểm,Xếp loại,Xếp hạng,Xếp hạng kỳ trước,Thay đổi thứ hạng\r\n"))
        #expect(out.text(base + "khen-thuong-giay-khen-giam-doc-so.csv").hasPrefix("Cấp,Mã đơn vị,Tên đơn vị,Tổng điểm,Xếp hạng,Đủ điều kiện,Được đề nghị,Thứ tự đề nghị,Số cá nhân đề nghị,Lý do\r\n"))
        // The manifest records each stage with its status and fingerprint.
        let manifest = try JSONSerialization.jsonObject(with: Data(out.read(base + "manifest.json"))) as! [String: Any]
        let stages = manifest["stages"] as! [[String: Any]]
        #expect(stages.map { $0["name"] as! String } == ["ingest.units", "ingest.targets", "ingest.dossiers", "ingest.late",
                                                         "normalize", "indices", "awards", "report"])
        #expect(stages.allSatisfy { ($0["status"] as! String) == "ran" && ($0["fingerprint"] as! String).count == 64 })
        #expect(manifest["as_of"] as? String == "2023-11-29")
        #expect((manifest["pipeline_sha256"] as? String)?.count == 64)
    }

    @Test func explainShowsTheComponentsAndTheReasons() throws {
        let s = Scratch()
        let db = s.path + "/db.sqlite"
        #expect(try CLI.run(["run", "pipelines/ninh-thuan-ldtbxh-2023-cchc.yaml", "--db", db, "--out", s.path]).status == 0)
        let selected = try CLI.run(["explain", "pipelines/ninh-thuan-ldtbxh-2023-cchc.yaml", "000.04.19.h99", "--db", db])
        #expect(selected.status == 0, "\(selected.stderr)")
        #expect(selected.stdout.contains("Tổng điểm: 91.93 / 100; xếp loại: Xuất sắc; xếp hạng trong cấp: 1/7"))
        #expect(selected.stdout.contains("Giấy khen của Giám đốc Sở: ĐƯỢC ĐỀ NGHỊ, thứ tự 1 (tối đa 5), kèm 1 cá nhân"))
        let rejected = try CLI.run(["explain", "pipelines/ninh-thuan-ldtbxh-2023-cchc.yaml", "000.01.19.H99", "--db", db])
        #expect(rejected.stdout.contains("KHÔNG được đề nghị"))
        #expect(rejected.stdout.contains("- rate.truc_tuyen = 53.55, cần >= target.online_rate"))
        let unknown = try CLI.run(["explain", "pipelines/ninh-thuan-ldtbxh-2023-cchc.yaml", "KHONG-CO", "--db", db])
        #expect(unknown.status == 2)
    }

    @Test func aReferenceFileLackingAKeyTheExpressionsUseIsAConfigurationError() throws {
        let s = Scratch()
        let pipeline = try String(contentsOfFile: CLI.root + "/pipelines/ninh-thuan-ldtbxh-2023-cchc.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../samples/", with: CLI.root + "/samples/")
            .replacingOccurrences(of: "targets: " + CLI.root + "/samples/so-ldtbxh/chi-tieu-giao.csv", with: "targets: giao.csv")
        s.write("p.yaml", pipeline)
        s.write("giao.csv", "Mã đơn vị,online_payment_rate\n000.01.19.H99,50\n")
        let r = try CLI.run(["run", "p.yaml", "--out", "out"], cwd: s.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("giao.csv:1"), "\(r.stderr)")
        #expect(r.stderr.contains("online_rate"))
    }
}
