import Foundation
import Testing
import ChiSo

/// `chiso run` on samples/ (the fictional province of Hòa Phong): the Office CSVs as SPEC 7.1 says.
@Suite(.serialized) struct RunSamplesTests {
    let scratch = Scratch()

    @Test func samplesRunWritesTheThreeOutputsAndSaysWhere() throws {
        // Without a terminal a successful run says nothing at all (cron mails any output)...
        let quiet = try CLI.run(["run", "pipelines/sample.yaml", "--out", scratch.path])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty && quiet.stdout.isEmpty)
        // ... and with --verbose one log line per stage on stderr, nothing on stdout.
        let r = try CLI.run(["run", "pipelines/sample.yaml", "--out", scratch.path, "--verbose"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.components(separatedBy: "\n").filter { $0.hasPrefix("chiso hoa-phong-dvc/2023 ") }.count == 9)
        #expect(r.stderr.contains("chiso hoa-phong-dvc/2023 report ran"))
        let base = "hoa-phong-dvc/2023/"
        let chiTieu = scratch.read(base + "chi-tieu.csv")
        #expect(Array(chiTieu.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = scratch.text(base + "chi-tieu.csv")
        #expect(text.hasSuffix("\r\n"))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        // Every line ends in CRLF: no bare LF is left once CRLFs are split off.
        #expect(lines.allSatisfy { !$0.contains("\n") && !$0.contains("\r") })
        #expect(lines.first == "Mã đơn vị,Tên đơn vị,Cấp,Tổng số hồ sơ tiếp nhận,Từ kỳ trước chuyển qua,Tiếp nhận trong kỳ,Trực tuyến,Trực tuyến toàn trình,Trực tiếp,Qua BCCI,Đã giải quyết,Trước hạn,Đúng hạn,Quá hạn,Đang giải quyết,Trong hạn,Quá hạn (đang giải quyết),Tổng hồ sơ trễ hạn,Trễ hạn có văn bản xin lỗi,Hồ sơ có nghĩa vụ tài chính,Thanh toán trực tuyến,Tiếp nhận qua BCCI,Trả kết quả qua BCCI,Trả qua BCCI thành công,Số hóa thành phần hồ sơ,Tái sử dụng dữ liệu số hóa,Kết quả điện tử,Số hóa đầy đủ (TPHS và kết quả),Kết quả được ký số")
        #expect(lines.count == 1 + 79)
        // Rows are ordered by tier (pipeline order), then unit code.
        let tiers = lines.dropFirst().map { row -> String in
            // The tier is the third field; names with commas are quoted.
            let fields = splitCSV(row)
            return fields[2]
        }
        #expect(tiers == Array(repeating: "tinh", count: 16) + Array(repeating: "huyen", count: 7) + Array(repeating: "xa", count: 56))
        // The indicators add up for every unit (SPEC 4's definitions).
        var totalReceived = 0
        for row in lines.dropFirst() {
            let v = splitCSV(row).dropFirst(3).map { Int($0)! }
            #expect(v[0] == v[1] + v[2])                 // received_total = carried_over + received_new
            #expect(v[7] == v[8] + v[9] + v[10])         // finished_total = early + on time + late
            #expect(v[11] == v[12] + v[13])              // open_total = in time + overdue
            #expect(v[0] == v[7] + v[11])                // every dossier in the period is finished or open
            #expect(v[14] == v[10] + v[13])              // late_total
            #expect(v[2] == v[3] + v[5] + v[6])          // new = online + direct + postal
            totalReceived += v[0]
        }
        #expect(totalReceived > 15_000)

        let quality = scratch.text(base + "chat-luong-du-lieu.csv")
        #expect(quality.hasPrefix("Mức độ,Mã lỗi,Nguồn,Tệp,Dòng,Cột,Giá trị,Mã hồ sơ,Mã đơn vị,Mô tả\r\n"))
        for code in ["bad_date", "unknown_unit", "bad_status", "bad_channel", "missing_finished_at", "date_order",
                     "missing_value", "bad_boolean", "bad_field_count", "bad_direction", "bad_delivery",
                     "duplicate_replaced", "orphan_record", "unit_mismatch", "late_unlisted", "late_list_mismatch",
                     "postal_channel_mismatch", "bad_tracking_code"] {
            #expect(quality.contains(",\(code),"), "\(code)")
        }
        #expect(quality.contains("error,bad_date,dossiers,../samples/hoa-phong/ho-so/ho-so-01.csv,"))
        let manifest = try JSONSerialization.jsonObject(with: Data(scratch.read(base + "manifest.json"))) as! [String: Any]
        let inputs = manifest["inputs"] as! [[String: Any]]
        #expect(inputs.count == 6)
        #expect(Set(inputs.map { $0["encoding"] as! String }) == ["utf8", "utf8-bom", "utf16le"])
        #expect(inputs.allSatisfy { ($0["sha256"] as! String).count == 64 })
        // A first run hashes its exports while it reads them: each is still the file's SHA-256.
        for input in inputs {
            let file = CLI.root + "/pipelines/" + (input["file"] as! String)
            #expect(input["sha256"] as? String == Hashing.sha256(Data(try #require(FileManager.default.contents(atPath: file)))), "\(file)")
        }
    }

    @Test func rerunsAreByteIdenticalAndKeysHeaderStyleWorks() throws {
        let a = Scratch(), b = Scratch()
        #expect(try CLI.run(["run", "pipelines/sample.yaml", "--out", a.path]).status == 0)
        #expect(try CLI.run(["run", "pipelines/sample.yaml", "--out", b.path]).status == 0)
        for f in ["chi-tieu.csv", "chat-luong-du-lieu.csv"] {
            #expect(a.read("hoa-phong-dvc/2023/" + f) == b.read("hoa-phong-dvc/2023/" + f), "\(f)")
        }
        #expect(try CLI.run(["run", "pipelines/sample.yaml", "--out", a.path, "--header-style", "keys"]).status == 0)
        #expect(a.text("hoa-phong-dvc/2023/chi-tieu.csv").hasPrefix("unit_code,unit_name,tier,received_total,carried_over,"))
        #expect(a.text("hoa-phong-dvc/2023/chat-luong-du-lieu.csv").hasPrefix("severity,code,source,file,line,column,value,dossier_id,unit_code,message\r\n"))
    }

    @Test func validateAcceptsTheSamplesAndWritesNothing() throws {
        let r = try CLI.run(["validate", "pipelines/sample.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("5 tệp dữ liệu"))
    }
}

/// Splits one CSV line written by chiso (quotes only around fields that need them).
func splitCSV(_ line: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var quoted = false
    var chars = Array(line)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if quoted {
            if c == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
            } else { current.append(c) }
        } else if c == "\"" { quoted = true } else if c == "," { fields.append(current); current = "" } else { current.append(c) }
        i += 1
    }
    fields.append(current)
    chars.removeAll()
    return fields
}
