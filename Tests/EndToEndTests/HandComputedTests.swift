import Foundation
import Testing

/// A tiny province whose indicators are worked out by hand, and broken inputs.
@Suite(.serialized) struct HandComputedTests {
    let s = Scratch()

    func writeFixture() {
        s.write("p.yaml", """
        pipeline: tay-tinh
        period: {key: "2023", from: 2023-01-01, to: 2023-12-31}
        tiers:
          - {key: tinh, label: "Sở, ban, ngành"}
          - {key: huyen, label: "UBND cấp huyện"}
          - {key: xa, label: "UBND cấp xã"}
        sources:
          units: data/don-vi.csv
          dossiers: data/ho-so/*.csv
          late: data/tre-han.csv
          postal: data/bcci.csv
          digitized: data/so-hoa.csv
          max_bad_row_ratio: 0.5

        """)
        s.write("data/don-vi.csv", """
        Mã đơn vị,Tên đơn vị,Cấp
        C,"UBND Xã Một, Huyện Hai",UBND cấp xã
        B,UBND Huyện Hai,UBND cấp huyện
        A,Sở Thử nghiệm,"Sở, ban, ngành"

        """)
        s.write("data/ho-so/ho-so.csv", """
        Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái,Kênh nộp,Mức độ,Có phí,Thanh toán trực tuyến
        HS-1,A,20/12/2022,5/1/2023,4/1/2023,10,Trực tiếp,,,
        HS-2,A,1/2/2023,10/2/2023,10/2/2023 17:00,10,Trực tuyến,Toàn trình,x,x
        HS-3,A,1/3/2023,5/3/2023,8/3/2023,9,BCCI,,,
        HS-4,A,1/12/2023,20/12/2023,,4,Trực tuyến,Một phần,,
        HS-5,A,1/5/2023,,,3,,,,
        HS-6,A,1/10/2022,,1/12/2022,10,,,,
        HS-7,A,1/6/2023,10/1/2024,,5,,,,
        HS-8,B,1/4/2023,10/4/2023,9/4/2023,10,1,,,

        """)
        s.write("data/tre-han.csv", "Mã hồ sơ,Mã đơn vị,Có văn bản xin lỗi\nHS-3,A,Có\nHS-4,A,\n")
        s.write("data/bcci.csv", """
        Mã hồ sơ,Mã đơn vị,Chiều,Mã bưu gửi,Ngày gửi,Trạng thái phát
        HS-3,A,Tiếp nhận hồ sơ,RR473124829GB,1/3/2023,Phát thành công
        HS-3,A,Trả kết quả,,8/3/2023,Phát thành công

        """)
        s.write("data/so-hoa.csv", """
        Mã hồ sơ,Mã đơn vị,Số hóa thành phần hồ sơ,Tái sử dụng,Kết quả điện tử,Ký số
        HS-2,A,x,x,x,x
        HS-3,A,x,,x,
        HS-7,A,x,,,

        """)
    }

    @Test func indicatorsMatchTheHandCount() throws {
        writeFixture()
        let r = try CLI.run(["run", "p.yaml", "--out", "out", "--header-style", "keys"], cwd: s.path)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = s.text("out/tay-tinh/2023/chi-tieu.csv").components(separatedBy: "\r\n")
        // Unit A, by hand (period 2023, as_of 2023-12-31):
        //   in the period: HS-1 (carried over, early), HS-2 (new, online full, on time, fee+paid online),
        //   HS-3 (new, BCCI, late, apology, intake+return delivered), HS-4 (new, online, open, due 20/12 < as_of: overdue),
        //   HS-7 (new, direct, open in time); HS-5 rejected (3) and HS-6 finished before the period are excluded.
        //   received 5 = 1 carried + 4 new; online 2 (full 1), direct 1, postal 1; finished 3 = 1 early + 1 on time + 1 late;
        //   open 2 = 1 in time + 1 overdue; late 2, apologized 1; fee 1, paid 1; BCCI intake 1, return 1, delivered 1;
        //   digitized inputs (new) 3, reused 1, e-results (finished) 2, full 2, e-signed 1.
        #expect(lines[1] == "A,Sở Thử nghiệm,tinh,5,1,4,2,1,1,1,3,1,1,1,2,1,1,2,1,1,1,1,1,1,3,1,2,2,1")
        #expect(lines[2] == "B,UBND Huyện Hai,huyen,1,0,1,0,0,1,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0")
        #expect(lines[3] == "C,\"UBND Xã Một, Huyện Hai\",xa,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0")
        #expect(lines.count == 5 && lines[4].isEmpty)
        // Nothing wrong with these inputs: the findings file has its header only.
        #expect(s.text("out/tay-tinh/2023/chat-luong-du-lieu.csv") == "severity,code,source,file,line,column,value,dossier_id,unit_code,message\r\n")
    }

    @Test func asOfMovesTheCutOff() throws {
        writeFixture()
        // As of 2023-03-07, HS-3 (due 5/3, finished 8/3) is open and overdue; HS-4, HS-7 not received yet.
        let r = try CLI.run(["run", "p.yaml", "--out", "out", "--header-style", "keys", "--as-of", "2023-03-07"], cwd: s.path)
        #expect(r.status == 0, "\(r.stderr)")
        let a = s.text("out/tay-tinh/2023/chi-tieu.csv").components(separatedBy: "\r\n")[1]
        #expect(a == "A,Sở Thử nghiệm,tinh,3,1,2,1,1,0,1,2,1,1,0,1,0,1,1,1,1,1,1,0,0,2,1,1,1,1")
        let early = try CLI.run(["run", "p.yaml", "--out", "out", "--as-of", "2022-12-31"], cwd: s.path)
        #expect(early.status == 2)
    }

    @Test func aBrokenExportFailsWithExit1AndLeavesThePreviousOutputs() throws {
        writeFixture()
        #expect(try CLI.run(["run", "p.yaml", "--out", "out"], cwd: s.path).status == 0)
        let before = s.read("out/tay-tinh/2023/chi-tieu.csv")
        let manifestBefore = s.read("out/tay-tinh/2023/manifest.json")
        // A stray quote on line 4 of the dossiers export.
        s.write("data/ho-so/ho-so.csv", """
        Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái,Kênh nộp,Mức độ,Có phí,Thanh toán trực tuyến
        HS-1,A,20/12/2022,5/1/2023,4/1/2023,10,Trực tiếp,,,
        HS-2,A,1/2/2023,10/2/2023,10/2/2023,10,Trực tuyến,Toàn trình,x,x
        HS-3,A,1/3/2023,5/3/2023,8/3/2023,9,BCCI "thường",,,

        """)
        let r = try CLI.run(["run", "p.yaml", "--out", "out"], cwd: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("data/ho-so/ho-so.csv:4"), "\(r.stderr)")
        #expect(r.stderr.contains("syntax"))
        #expect(s.read("out/tay-tinh/2023/chi-tieu.csv") == before)
        #expect(s.read("out/tay-tinh/2023/manifest.json") == manifestBefore)
        #expect(s.text("out/tay-tinh/2023/loi/chat-luong-du-lieu.csv").contains("error,syntax,dossiers,data/ho-so/ho-so.csv,4,"))
        // Fixed: the next successful run removes loi/.
        writeFixture()
        #expect(try CLI.run(["run", "p.yaml", "--out", "out"], cwd: s.path).status == 0)
        #expect(!s.exists("out/tay-tinh/2023/loi"))
        #expect(s.read("out/tay-tinh/2023/chi-tieu.csv") == before)
    }

    /// The biggest linked export is read first (its rows are written while the others are read), but files
    /// and findings keep the sources' order: two broken exports are reported late before digitized.
    @Test func brokenLinkedExportsAreReportedInTheSourcesOrder() throws {
        writeFixture()
        s.write("data/tre-han.csv", "Mã đơn vị,Có văn bản xin lỗi\nA,Có\n")
        s.write("data/so-hoa.csv", "Mã đơn vị,Số hóa thành phần hồ sơ\n" + String(repeating: "A,x\n", count: 5_000))
        let r = try CLI.run(["run", "p.yaml", "--out", "out"], cwd: s.path)
        #expect(r.status == 1)
        let late = try #require(r.stderr.range(of: "data/tre-han.csv"), "\(r.stderr)")
        let digitized = try #require(r.stderr.range(of: "data/so-hoa.csv"), "\(r.stderr)")
        #expect(late.lowerBound < digitized.lowerBound, "\(r.stderr)")
    }

    @Test func tooManyBadRowsFailTheRun() throws {
        writeFixture()
        s.write("data/tre-han.csv", "Mã hồ sơ,Mã đơn vị,Có văn bản xin lỗi\nHS-3,A,có lẽ\nHS-4,,\n")
        let r = try CLI.run(["run", "p.yaml", "--out", "out"], cwd: s.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("too_many_bad_rows"))
        #expect(!s.exists("out/tay-tinh/2023/chi-tieu.csv"))
    }

    @Test func configurationErrorsExit2NamingFileLineAndColumn() throws {
        writeFixture()
        s.write("p.yaml", "pipeline: tay-tinh\nperiod: {key: \"2023\", from: 2023-01-01, to: 2023-12-31}\ntiers: [{key: tinh}]\nsource: {}\n")
        let r = try CLI.run(["run", "p.yaml"], cwd: s.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("p.yaml:4:1"), "\(r.stderr)")
        s.write("data/don-vi.csv", "Mã đơn vị,Tên đơn vị,Cấp\nA,Sở,tinh\nA,Sở khác,tinh\n")
        writeFixtureKeepingRegistry()
        let dup = try CLI.run(["run", "p.yaml"], cwd: s.path)
        #expect(dup.status == 2)
        #expect(dup.stderr.contains("data/don-vi.csv:3"), "\(dup.stderr)")
        #expect(try CLI.run([], cwd: s.path).status == 2)
        #expect(try CLI.run(["run"], cwd: s.path).status == 2)
        #expect(try CLI.run(["run", "p.yaml", "--bogus"], cwd: s.path).status == 2)
        #expect(try CLI.run(["--help"], cwd: s.path).status == 0)
    }

    private func writeFixtureKeepingRegistry() {
        let registry = s.read("data/don-vi.csv")
        writeFixture()
        s.write("data/don-vi.csv", String(decoding: registry, as: UTF8.self))
    }

    @Test func inspectPrintsRecordsAsJSONLinesAndStopsAtAnError() throws {
        let path = s.write("x.csv", "\u{FEFF}Mã;\"Tên\"\r\n\r\n1;\"a\"\"b\r\nc\"\n2;x\"y\n3;z\n")
        let r = try CLI.run(["inspect", path])
        #expect(r.status == 1)
        #expect(r.stdout == "{\"line\": 1, \"fields\": [\"Mã\", \"Tên\"]}\n{\"line\": 3, \"fields\": [\"1\", \"a\\\"b\\r\\nc\"]}\n")
        #expect(r.stderr.contains("dòng 5"), "\(r.stderr)")
        let ok = try CLI.run(["inspect", s.write("y.csv", "a,b\n1,2,\n")])
        #expect(ok.status == 0)
        #expect(ok.stdout == "{\"line\": 1, \"fields\": [\"a\", \"b\"]}\n{\"line\": 2, \"fields\": [\"1\", \"2\"]}\n")
        let short = try CLI.run(["inspect", s.write("z.csv", "a,b\n1\n")])
        #expect(short.status == 1)
        #expect(short.stderr.contains("bad_field_count"))
    }
}
