import ChiSo
import Foundation

/// Writing the generated dossiers as the portal's four exports, each in the date and file style of its flavour.
extension ProvinceGenerator {
    /// The file's own style, or for the `plain` flavour (the benchmark's second dataset) UTF-8 without a
    /// BOM, commas and LF in every file, the same columns and date formats. The `single` flavour is `plain`
    /// with every dossier in one file (the second file's columns): the export of a portal that sends one.
    func style(_ own: FileStyle) -> FileStyle {
        flavour == "plain" || flavour == "single" ? FileStyle(encoding: .utf8, delimiter: ",", lineEnd: "\n") : own
    }

    func dmy(_ d: Int32, minutes: Int? = nil) -> String {
        let c = PortalDate.civil(d)
        var s = "\(c.day)/\(c.month)/\(c.year)"
        if let m = minutes { s += String(format: " %d:%02d", m / 60, m % 60) }
        return s
    }

    func iso(_ d: Int32, minutes: Int) -> String {
        PortalDate.iso(d) + String(format: " %02d:%02d:%02d", minutes / 60, minutes % 60, (minutes * 7) % 60)
    }

    func compact(_ d: Int32, minutes: Int) -> String {
        PortalDate.iso(d).replacingOccurrences(of: "-", with: "") + String(format: "%02d%02d%02d", minutes / 60, minutes % 60, 0)
    }

    static let statusNames = [1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý",
                              5: "Yêu cầu bổ sung", 6: "Yêu cầu thực hiện nghĩa vụ tài chính", 7: "Rút hồ sơ",
                              8: "Dừng xử lý", 9: "Đã xử lý xong", 10: "Đã trả kết quả"]
    static let channelNames = [1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"]

    mutating func writeDossiers(_ list: [GeneratedDossier]) throws {
        // One file only: every dossier goes to the second.
        let half = flavour == "single" ? 0 : list.count / 2
        // File 1: UTF-8 with BOM, comma, CRLF, d/M/yyyy H:mm, status codes, channel names.
        let w1 = half == 0 ? nil : try CSVFileWriter(path: out + "/ho-so/ho-so-01.csv", style: style(FileStyle(encoding: .utf8BOM, delimiter: ",", lineEnd: "\r\n")))
        w1?.row(["STT", "Mã hồ sơ", "Mã đơn vị", "Tên đơn vị", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Ngày tiếp nhận",
                "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái", "Kênh nộp", "Mức độ", "Có phí", "Thanh toán trực tuyến"])
        // File 2: as Excel saves CSV under a Vietnamese locale: no BOM, ';', CRLF, ISO dates, status names.
        let w2 = try CSVFileWriter(path: out + "/ho-so/ho-so-02.csv", style: style(FileStyle(encoding: .utf8, delimiter: ";", lineEnd: "\r\n")))
        w2.row(["Số hồ sơ", "Mã cơ quan", "Tên đơn vị", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Ngày nhận", "Ngày hẹn trả",
                "Ngày kết thúc xử lý", "Trạng thái", "Hình thức nộp", "Mức độ DVC", "Nghĩa vụ tài chính", "Thanh toán trực tuyến", ""])
        let sample = flavour == "sample"
        for (n, d) in list.enumerated() {
            let u = layout.units[d.unit]
            let p = procedures[d.procedure]
            let level = d.channel == 2 ? (d.full ? "Toàn trình" : "Một phần") : ""
            if n < half {
                var name = p.name
                if sample && n == 17 { name += "\n(liên thông)" }
                w1?.row([String(n + 1), d.id, u.code, u.name, p.code, name, p.field, dmy(d.received, minutes: d.receivedMinutes),
                        d.due.map { dmy($0) } ?? "", d.finished.map { dmy($0, minutes: 16 * 60) } ?? "", String(d.status),
                        Self.channelNames[d.channel]!, level, p.fee ? "x" : "", d.paidOnline ? "x" : ""])
                if sample && n % 997 == 500 { w1?.raw("") }
            } else {
                // Excel writes a trailing empty field here: allowed, and ignored.
                w2.row([d.id, u.code.lowercased(), u.name, p.code, p.name, p.field, iso(d.received, minutes: d.receivedMinutes),
                        d.due.map { PortalDate.iso($0) } ?? "", d.finished.map { iso($0, minutes: 15 * 60 + 5) } ?? "",
                        Self.statusNames[d.status]!, String(d.channel), d.channel == 2 ? (d.full ? "4" : "3") : "",
                        p.fee ? "Có" : "Không", d.paidOnline ? "Có" : "Không", ""])
            }
        }
        if sample {
            let u = layout.units[0].code
            // A few bad rows of each kind, well under the 1% ratio of each file.
            w1?.row(["", "HP-LOI-01", u, "x", "2.000635", "x", "x", "31/02/2023 8:00", "", "", "4", "Trực tiếp", "", "", ""])
            w1?.row(["", "HP-LOI-02", "000.00.99.H99", "Đơn vị lạ", "2.000635", "x", "x", "3/3/2023", "", "", "4", "Trực tiếp", "", "", ""])
            w1?.row(["", "HP-LOI-03", u, "x", "2.000635", "x", "x", "3/3/2023", "", "", "Hoàn thành", "Trực tiếp", "", "", ""])
            w1?.row(["", "HP-LOI-04", u, "x", "2.000635", "x", "x", "3/3/2023", "", "", "4", "Email", "", "", ""])
            w1?.row(["", "HP-LOI-05", u, "x", "2.000635", "x", "x", "3/3/2023", "5/3/2023", "", "10", "Trực tuyến", "", "", ""])
            w1?.row(["", "HP-LOI-06", u, "x", "2.000635", "x", "x", "3/3/2023", "5/3/2023", "1/3/2023", "10", "Trực tuyến", "", "", ""])
            w1?.row(["", "", u, "x", "2.000635", "x", "x", "3/3/2023", "", "", "4", "", "", "", ""])
            w1?.row(["", "HP-LOI-08", u, "x", "2.000635", "x", "x", "3/3/2023", "", "", "4", "", "", "có lẽ", ""])
            w1?.raw("HP-LOI-09,\(u),thiếu cột")
            w1?.raw(",,,,,,,,,,,,,,")
            w2.row(["HP-LOI-11", u, "x", "x", "x", "x", "2023-13-01", "", "", "Đang xử lý", "1", "", "", "", ""])
            w2.row(["HP-LOI-12", u, "x", "x", "x", "x", "2023-03-01", "2023-02-01", "", "Đang xử lý", "1", "", "", "", ""])
            // Corrections: the second export re-sends two dossiers of the first with their final state (last wins).
            for k in [3, 11] where k < half {
                var d = list[k]
                d.status = 10
                d.finished = d.finished ?? (d.due ?? d.received)
                let u = layout.units[d.unit]
                w2.row([d.id, u.code, u.name, procedures[d.procedure].code, procedures[d.procedure].name, "x",
                        iso(d.received, minutes: d.receivedMinutes), d.due.map { PortalDate.iso($0) } ?? "",
                        iso(d.finished!, minutes: 9 * 60), "Đã trả kết quả", "1", "", "", "", ""])
            }
        }
        w1?.close()
        w2.close()
    }

    /// Dossiers that were late at the export date, as the portal's late list would hold them.
    func isLate(_ d: GeneratedDossier) -> Bool {
        guard d.status != 1 && d.status != 3 && d.status != 7, let due = d.due else { return false }
        if let f = d.finished { return f > due }
        return due < lastDay
    }

    mutating func writeLate(_ list: [GeneratedDossier]) throws {
        // Excel's "Unicode text": UTF-16 LE with BOM, tab-delimited, CRLF.
        let w = try CSVFileWriter(path: out + "/tre-han/tre-han.csv", style: style(FileStyle(encoding: .utf16LE, delimiter: "\t", lineEnd: "\r\n")))
        w.row(["Mã hồ sơ", "Mã đơn vị", "Tên đơn vị", "Số ngày trễ", "Lý do trễ hạn", "Có văn bản xin lỗi"])
        let reasons = ["Hồ sơ phải lấy ý kiến nhiều cơ quan", "Chờ kết quả xác minh, thẩm định thực địa",
                       "Cán bộ xử lý nghỉ phép", "Hệ thống liên thông gặp sự cố"]
        var mismatches = 0
        var rows = 0
        for (n, d) in list.enumerated() {
            let u = layout.units[d.unit]
            if isLate(d) {
                guard rng.chance(0.95) else { continue }
                let days = (d.finished ?? lastDay) - (d.due ?? lastDay)
                w.row([d.id, u.code, u.name, String(days), rng.pick(reasons), rng.chance(0.6) ? "Có" : "Không"])
                rows += 1
            } else if flavour == "sample" && mismatches < 3 && n % 1009 == 5 && d.finished != nil {
                mismatches += 1
                w.row([d.id, u.code, u.name, "1", rng.pick(reasons), "Không"])
                rows += 1
            }
        }
        if flavour == "sample" {
            w.row(["HP-KHONG-CO-01", layout.units[1].code, "x", "3", "x", "Có"])
            w.row(["HP-KHONG-CO-02", layout.units[2].code, "x", "3", "x", "Có"])
            // A bad row only where the list is long enough to stay under the 1% bad-row ratio.
            if rows >= 200 { w.row([list[0].id, layout.units[list[0].unit].code, "x", "3", "x", "có thể"]) }
        }
        w.close()
    }

    mutating func writePostal(_ list: [GeneratedDossier]) throws {
        let w = try CSVFileWriter(path: out + "/bcci/bcci.csv", style: style(FileStyle(encoding: .utf8, delimiter: ",", lineEnd: "\n")))
        w.row(["Mã hồ sơ", "Mã đơn vị", "Loại dịch vụ", "Mã bưu gửi", "Ngày gửi", "Trạng thái phát"])
        var serial = 10_000_000 + rng.below(80_000_000)
        func tracking(_ bad: Bool) -> String {
            serial += 1 + rng.below(50)
            let check = TrackingCode.checkDigit(serial: serial % 100_000_000)
            return String(format: "EB%08d%dVN", serial % 100_000_000, bad ? (check + 1) % 10 : check)
        }
        let sample = flavour == "sample"
        for (n, d) in list.enumerated() where d.status != 1 && d.status != 3 && d.status != 7 {
            let u = layout.units[d.unit]
            let unitCode = sample && n % 2003 == 7 ? layout.units[(d.unit + 1) % layout.units.count].code : u.code
            if d.channel == 3 ? rng.chance(0.96) : rng.chance(0.001) {
                w.row([d.id, unitCode, "Tiếp nhận hồ sơ", tracking(sample && n % 409 == 0),
                       compact(d.received, minutes: d.receivedMinutes), "Phát thành công"])
            }
            if let f = d.finished, rng.chance(0.09) {
                let roll = rng.below(100)
                let delivery = roll < 88 ? "Phát thành công" : (roll < 93 ? "Chuyển hoàn" : (roll < 97 ? "Đang vận chuyển" : ""))
                w.row([d.id, unitCode, "Trả kết quả", tracking(false), compact(f, minutes: 16 * 60), delivery])
            }
        }
        if sample {
            w.row([list[1].id, layout.units[list[1].unit].code, "Gửi thư", "", "", ""])
            w.row([list[2].id, layout.units[list[2].unit].code, "Trả kết quả", "", "", "Mất"])
            w.row(["HP-KHONG-CO-03", layout.units[0].code, "Trả kết quả", "", "", "Phát thành công"])
        }
        w.close()
    }

    mutating func writeDigitized(_ list: [GeneratedDossier]) throws {
        let w = try CSVFileWriter(path: out + "/so-hoa/so-hoa.csv", style: style(FileStyle(encoding: .utf8BOM, delimiter: ",", lineEnd: "\r\n")))
        w.row(["Mã hồ sơ", "Mã đơn vị", "Có số hóa TPHS", "Tái sử dụng", "Kết quả điện tử", "Ký số"])
        for (n, d) in list.enumerated() where d.status != 1 && d.status != 3 && d.status != 7 {
            // Units that are never late also digitize and e-sign every result: the plans' "100%" units.
            let exemplary = layout.units[d.unit].lateRate == 0
            guard rng.chance(0.88) || exemplary else { continue }
            let finished = d.finished != nil
            let eResult = finished && (rng.chance(0.82) || exemplary)
            // Now and then the export names the receiving unit instead of the resolving one.
            let unit = flavour == "sample" && n % 2003 == 7 ? (d.unit + 1) % layout.units.count : d.unit
            w.row([d.id, layout.units[unit].code, rng.chance(0.9) || exemplary ? "Có" : "Không", rng.chance(0.35) ? "x" : "",
                   eResult ? "Có" : "Không", eResult && (rng.chance(0.9) || exemplary) ? "Có" : "Không"])
        }
        if flavour == "sample" { w.row([list[5].id, layout.units[list[5].unit].code, "2", "", "", ""]) }
        w.close()
    }
}
