import Foundation
import Testing

/// SPEC 11 as people use it: the workbook read back by an independent reader (openpyxl), the council's
/// HTML printed by a real browser (headless Chromium), and cells a spreadsheet would run kept as text.
/// `make test` installs the reader (a venv under var/), Chromium and poppler-utils when they are missing.
@Suite(.serialized) struct OfficeReportTests {
    let s = Scratch()
    var db: String { s.path + "/db.sqlite" }

    static let python = CLI.root + "/var/venv/bin/python"

    /// Runs a program, returning its exit status and output.
    @discardableResult
    func program(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func requireTool(_ path: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("\(path) is missing: run 'make test', which installs it")
            return false
        }
        return true
    }

    /// Every pipeline's workbook, checked cell by cell against its CSVs; a second run gives the same bytes.
    @Test func everyWorkbookMatchesItsCSVsForAnIndependentReader() throws {
        guard requireTool(Self.python) else { return }
        let pipelines = ["sample", "gieng-day-2024-cchc-cds", "hung-yen-2024-dan-van", "kon-tum-huyen-2023-2030-cchc",
                         "ninh-thuan-2022-dvc-bcci", "ninh-thuan-ldtbxh-2023-cchc", "hoa-phong-2024", "hoa-phong-2025-hai-cap", "bo-chi-so-766"]
        for name in pipelines {
            #expect(try CLI.run(["run", "pipelines/\(name).yaml", "--db", db, "--out", s.path + "/a"]).status == 0)
        }
        Thread.sleep(forTimeInterval: 1.1)  // a clock in the file would now differ
        for name in pipelines {
            #expect(try CLI.run(["run", "pipelines/\(name).yaml", "--db", db, "--out", s.path + "/b", "--force"]).status == 0)
        }
        let workbooks = FileManager.default.enumerator(atPath: s.path + "/a")!.compactMap { $0 as? String }
            .filter { $0.hasSuffix("bao-cao.xlsx") }.sorted()
        #expect(workbooks.count == pipelines.count)
        for workbook in workbooks {
            let folder = s.path + "/a/" + (workbook as NSString).deletingLastPathComponent
            let check = try program(Self.python, [CLI.root + "/Tests/checks/check_workbook.py", s.path + "/a/" + workbook, folder])
            #expect(check.status == 0, "\(workbook): \(check.output)")
            #expect(check.output.contains("0 problems"))
            #expect(s.read("a/" + workbook) == s.read("b/" + workbook), "\(workbook) differs between two runs")
            #expect(s.read("a/" + workbook).count > 5_000)
        }
    }

    /// The council's report, printed by Chromium: A4 pages, every proposed unit, the rank changes. One page
    /// is kept as a PNG under out/test-artifacts/ for a person to look at.
    @Test func theCouncilReportPrintsOnA4WithEveryProposedUnit() throws {
        guard requireTool("/usr/bin/chromium"), requireTool("/usr/bin/pdfinfo"), requireTool("/usr/bin/pdftotext") else { return }
        #expect(try CLI.run(["run", "pipelines/hoa-phong-2024.yaml", "--db", db, "--out", s.path]).status == 0)
        #expect(try CLI.run(["run", "pipelines/hoa-phong-2025-hai-cap.yaml", "--db", db, "--out", s.path]).status == 0)
        let folder = s.path + "/hoa-phong-cchc/2025"
        let html = s.text("hoa-phong-cchc/2025/bao-cao.html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "not self-contained")
        #expect(html.contains("@page") && html.contains("page-break-before"))
        #expect(html.contains("<svg class=\"chart\""))
        #expect(html.contains("<polyline class=\"score\""))      // sparklines over 2024 → 2025
        #expect(html.contains("▲ 7"))                            // Sở Công Thương: rank 10 → 3
        let pdf = folder + "/report.pdf"
        let print = try program("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                                      "--print-to-pdf=\(pdf)", "file://\(folder)/bao-cao.html"])
        #expect(print.status == 0, "\(print.output)")
        let info = try program("/usr/bin/pdfinfo", [pdf]).output
        #expect(info.contains("(A4)"), "\(info)")
        let pages = info.components(separatedBy: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) } ?? 0
        #expect(pages >= 3)
        let text = try program("/usr/bin/pdftotext", ["-layout", pdf, "-"]).output
        let awards = s.text("hoa-phong-cchc/2025/khen-thuong-tien-bo.csv").components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map(splitCSV)
        let selected = awards.filter { $0[6] == "Có" }
        #expect(selected.count >= 3)
        for unit in selected { #expect(text.contains(unit[2]), "\(unit[2]) is not in the printed report") }
        #expect(text.contains("Chất lượng dữ liệu") && text.contains("retired_unit"))
        // A page for people to look at.
        let artifacts = CLI.root + "/out/test-artifacts"
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let shot = try program("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1000,1400",
                                                     "--screenshot=\(artifacts)/bao-cao.png", "file://\(folder)/bao-cao.html"])
        #expect(shot.status == 0, "\(shot.output)")
        let png = try Data(contentsOf: URL(fileURLWithPath: artifacts + "/bao-cao.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
    }

    /// SPEC 11.3 with a registry and exports made to attack: every such cell of every CSV starts with `'`,
    /// the workbook holds them as strings, the HTML shows them as text.
    @Test func cellsASpreadsheetWouldRunStayText() throws {
        guard requireTool(Self.python), requireTool("/usr/bin/chromium"), requireTool("/usr/bin/pdftotext") else { return }
        s.write("p.yaml", """
        pipeline: tan-cong
        title: "Thử <b>tấn công</b> & =1+1"
        period: {key: "2023", from: 2023-01-01, to: 2023-12-31}
        tiers: [{key: tinh, label: "Sở"}]
        sources:
          units: don-vi.csv
          dossiers: ho-so.csv
          max_bad_row_ratio: 1
        indices:
          - key: i
            components:
              - {key: c, label: "Đúng hạn", points: 100, numerator: finished_early + finished_on_time, denominator: finished_total}
        awards:
          - {key: a, label: "Khen", index: i, groups: [{tier: tinh, quota: 3}]}

        """)
        s.write("don-vi.csv", """
        Mã đơn vị,Tên đơn vị,Cấp
        =HYPERLINK(1),"=HYPERLINK(""http://x.invalid"",""bấm"")",tinh
        +A1,<script>alert(1)</script>,tinh
        @SUM,-2+3 Phòng,tinh
        B,"\tTab",tinh

        """)
        s.write("ho-so.csv", """
        Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày có kết quả,Trạng thái
        =1+2,=HYPERLINK(1),1/2/2023,2/2/2023,10
        -5,+A1,1/2/2023,2/2/2023,10
        @x,@SUM,1/2/2023,2/2/2023,10
        ok,B,=NOW(),,4
        ok2,B,+1,,4

        """)
        let r = try CLI.run(["run", s.path + "/p.yaml", "--db", db, "--out", s.path + "/out"])
        #expect(r.status == 0, "\(r.stderr)")
        let folder = "out/tan-cong/2023/"
        let dangerous: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]
        var seen = 0
        for file in ["chi-tieu.csv", "chi-so-i.csv", "khen-thuong-a.csv", "chat-luong-du-lieu.csv"] {
            for row in s.text(folder + file).components(separatedBy: "\r\n").dropLast().map(splitCSV) {
                for cell in row {
                    #expect(cell.first.map { !dangerous.contains($0) } ?? true, "\(file): a live cell \(cell)")
                    if cell.hasPrefix("'") { seen += 1 }
                }
            }
        }
        #expect(seen >= 10)
        #expect(s.text(folder + "chi-tieu.csv").contains("'=HYPERLINK(1),\"'=HYPERLINK(\"\"http://x.invalid\"\",\"\"bấm\"\")\",tinh"))
        #expect(s.text(folder + "chat-luong-du-lieu.csv").contains(",'=NOW(),"))
        // rank_change and other numbers chiso formats itself are not touched (none here is negative: no compare_to).
        let check = try program(Self.python, [CLI.root + "/Tests/checks/check_workbook.py", s.path + "/" + folder + "bao-cao.xlsx",
                                              s.path + "/" + folder])
        #expect(check.status == 0, "\(check.output)")
        let html = s.text(folder + "bao-cao.html")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("Thử &lt;b&gt;tấn công&lt;/b&gt; &amp; =1+1"))
        let pdf = s.path + "/attack.pdf"
        #expect(try program("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                                  "--print-to-pdf=\(pdf)", "file://\(s.path)/\(folder)bao-cao.html"]).status == 0)
        let text = try program("/usr/bin/pdftotext", [pdf, "-"]).output
        #expect(text.contains("<script>alert(1)</script>"))
        #expect(text.contains("=HYPERLINK(\"http://x.invalid\",\"bấm\")"))
    }
}
