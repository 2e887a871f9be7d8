import ChiSo
import Foundation

/// How a generated file is written: the mix real portal exports come in.
struct FileStyle {
    enum Encoding { case utf8, utf8BOM, utf16LE }
    var encoding: Encoding
    var delimiter: String
    var lineEnd: String
}

/// Streams CSV lines to a file in one of the portal's styles.
final class CSVFileWriter {
    private let handle: FileHandle
    private let style: FileStyle
    private var buffer: [UInt8] = []

    init(path: String, style: FileStyle) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { fail("không tạo được \(path)") }
        handle = h
        self.style = style
        switch style.encoding {
        case .utf8: break
        case .utf8BOM: buffer += [0xEF, 0xBB, 0xBF]
        case .utf16LE: buffer += [0xFF, 0xFE]
        }
    }

    /// Quotes a field when it holds the delimiter, a quote or a line end.
    func field(_ s: String) -> String {
        if s.contains(style.delimiter) || s.contains("\"") || s.contains("\n") || s.contains("\r") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    func row(_ fields: [String]) { raw(fields.map(field).joined(separator: style.delimiter)) }

    /// Writes a line exactly as given (for deliberately broken rows).
    func raw(_ line: String) {
        let text = line + style.lineEnd
        switch style.encoding {
        case .utf8, .utf8BOM: buffer.append(contentsOf: text.utf8)
        case .utf16LE:
            for unit in text.utf16 { buffer.append(UInt8(unit & 0xFF)); buffer.append(UInt8(unit >> 8)) }
        }
        if buffer.count > 1 << 20 { flush() }
    }

    func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        try? handle.close()
    }
}

/// A procedure (thủ tục hành chính) of the fictional catalogue.
struct Procedure {
    let code: String
    let name: String
    let field: String
    let days: Int
    let fee: Bool
}

/// One generated dossier, before it is written.
struct GeneratedDossier {
    var id: String
    var unit: Int
    var procedure: Int
    var received: Int32
    var receivedMinutes: Int
    var due: Int32?
    var finished: Int32?
    var status: Int
    var channel: Int
    var full: Bool
    var paidOnline: Bool
}

/// Writes a province's registry and its four exports.
struct ProvinceGenerator {
    let layout: Layout
    var rng: SplitMix64
    let dossierCount: Int
    let out: String
    let flavour: String

    /// Dossiers are received from 75 days before the period to its end, so that some are carried
    /// over and some finished before it; the export is made 5 days after the period.
    let firstDay: Day
    let lastDay: Day
    let exportDay: Day

    let procedures: [Procedure] = [
        Procedure(code: "1.001612", name: "Đăng ký thành lập doanh nghiệp tư nhân", field: "Thành lập và hoạt động doanh nghiệp", days: 3, fee: true),
        Procedure(code: "1.004227", name: "Cấp giấy phép xây dựng (nhà ở riêng lẻ, công trình không theo tuyến)", field: "Hoạt động xây dựng", days: 15, fee: true),
        Procedure(code: "2.000635", name: "Cấp bản sao trích lục hộ tịch", field: "Hộ tịch", days: 1, fee: true),
        Procedure(code: "1.001193", name: "Đăng ký khai sinh", field: "Hộ tịch", days: 1, fee: false),
        Procedure(code: "2.000908", name: "Chứng thực bản sao từ bản chính giấy tờ, văn bản", field: "Chứng thực", days: 1, fee: true),
        Procedure(code: "1.003003", name: "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", field: "Đất đai", days: 10, fee: true),
        Procedure(code: "1.000775", name: "Cấp giấy phép lái xe", field: "Đường bộ", days: 5, fee: true),
        Procedure(code: "1.005412", name: "Cấp phiếu lý lịch tư pháp", field: "Lý lịch tư pháp", days: 10, fee: true),
        Procedure(code: "1.009994", name: "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", field: "Bảo trợ xã hội", days: 5, fee: false),
        Procedure(code: "1.010731", name: "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm", field: "An toàn thực phẩm", days: 20, fee: true),
        Procedure(code: "2.001263", name: "Đăng ký hộ kinh doanh", field: "Thành lập và hoạt động của hộ kinh doanh", days: 3, fee: true),
        Procedure(code: "1.008901", name: "Công nhận \"Gia đình văn hóa\"", field: "Văn hóa cơ sở", days: 7, fee: false),
    ]

    init(layout: Layout, seed: UInt64, dossierCount: Int, outDirectory: String, flavour: String, from: Day, to: Day) {
        self.layout = layout
        firstDay = from - 75
        lastDay = to
        exportDay = to + 5
        rng = SplitMix64(seed: seed)
        self.dossierCount = dossierCount
        out = outDirectory
        self.flavour = flavour
    }

    mutating func writeAll() throws {
        for dir in ["", "/ho-so", "/tre-han", "/bcci", "/so-hoa"] {
            try FileManager.default.createDirectory(atPath: out + dir, withIntermediateDirectories: true)
        }
        try writeRegistry()
        let dossiers = makeDossiers()
        try writeDossiers(dossiers)
        try writeLate(dossiers)
        try writePostal(dossiers)
        try writeDigitized(dossiers)
        try writeReferences()
        if layout.isDated { try writePortal766(dossiers) }
        print("chiso-samples: \(layout.units.count) đơn vị, \(dossiers.count) hồ sơ -> \(out)")
    }

    /// `chi-tieu-giao.csv` (targets, in percent) and `chi-so-khac.csv` (indices measured elsewhere,
    /// with ',' as the decimal mark as Vietnamese Excel writes it, and each unit's rank in its tier).
    private mutating func writeReferences() throws {
        let t = try CSVFileWriter(path: out + "/chi-tieu-giao.csv", style: FileStyle(encoding: .utf8BOM, delimiter: ",", lineEnd: "\r\n"))
        t.row(["Mã đơn vị", "online_rate", "online_payment_rate"])
        // A reorganized administration has targets and indices for the units that exist at the period's end.
        let units = layout.units.filter { $0.isActive(lastDay) }
        for u in units { t.row([u.code, String([50, 60, 70, 80][rng.below(4)]), String([30, 40, 50][rng.below(3)])]) }
        t.close()
        var par: [Double] = [], dti: [Double] = []
        for _ in units {
            par.append(Double(7000 + rng.below(2800)) / 100)
            dti.append(Double(4000 + rng.below(5500)) / 100)
        }
        func ranks(_ values: [Double]) -> [Int] {
            units.indices.map { (i: Int) -> Int in
                let higher = units.indices.filter { (j: Int) -> Bool in units[j].tier == units[i].tier && values[j] > values[i] }
                return 1 + higher.count
            }
        }
        let parRank = ranks(par), dtiRank = ranks(dti)
        let e = try CSVFileWriter(path: out + "/chi-so-khac.csv", style: FileStyle(encoding: .utf8BOM, delimiter: ";", lineEnd: "\r\n"))
        e.row(["Mã đơn vị", "par_index", "par_rank", "dti", "dti_rank", "sipas", "dan_van"])
        for (i, u) in units.enumerated() {
            func comma(_ v: Double) -> String { String(format: "%.2f", v).replacingOccurrences(of: ".", with: ",") }
            // One unit has no DTI assessment yet: an empty cell is no value.
            let noDTI = i == units.count - 1
            e.row([u.code, comma(par[i]), String(parRank[i]), noDTI ? "" : comma(dti[i]), noDTI ? "" : String(dtiRank[i]),
                   comma(Double(8000 + rng.below(1900)) / 100), comma(Double(6000 + rng.below(3900)) / 100)])
        }
        e.close()
    }

    private func writeRegistry() throws {
        let w = try CSVFileWriter(path: out + "/don-vi.csv", style: FileStyle(encoding: .utf8BOM, delimiter: ",", lineEnd: "\r\n"))
        guard layout.isDated else {
            w.row(["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên"])
            for u in layout.units { w.row([u.code, u.name, u.tier, u.parent]) }
            w.close()
            return
        }
        // A reorganized registry: validity dates as the Office types them (d/M/yyyy), and the crosswalk.
        func dmy(_ iso: String?) -> String { iso.flatMap(PortalDate.parseISO).map { self.dmy($0) } ?? "" }
        w.row(["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến"])
        for u in layout.units { w.row([u.code, u.name, u.tier, u.parent, dmy(u.validFrom), dmy(u.validTo)]) }
        w.close()
        let x = try CSVFileWriter(path: out + "/sap-xep-don-vi.csv", style: FileStyle(encoding: .utf8BOM, delimiter: ",", lineEnd: "\r\n"))
        x.row(["Mã đơn vị cũ", "Tên đơn vị cũ", "Mã đơn vị mới", "Tên đơn vị mới", "Ngày hiệu lực", "Nhận hồ sơ"])
        for s in layout.successions {
            let day = PortalDate.parseISO(s.effective)!
            let oldName = layout.units.first { $0.code == s.oldCode && $0.isActive(day - 1) }!.name
            let newName = layout.units.first { $0.code == s.newCode && $0.isActive(day) }!.name
            x.row([s.oldCode, oldName, s.newCode, newName, dmy(s.effective), s.primary])
        }
        x.close()
    }

    private mutating func makeDossiers() -> [GeneratedDossier] {
        if layout.isDated { return makeDatedDossiers() }
        let weights = layout.units.map(\.weight)
        let total = weights.reduce(0, +)
        var cumulative: [Int] = []
        var sum = 0
        for w in weights { sum += w; cumulative.append(sum) }
        var list: [GeneratedDossier] = []
        list.reserveCapacity(dossierCount)
        let span = Int(lastDay - firstDay) + 1
        for n in 0..<dossierCount {
            let pickValue = rng.below(total)
            var lo = 0, hi = cumulative.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] > pickValue { hi = mid } else { lo = mid + 1 } }
            let p = rng.below(procedures.count)
            let received = firstDay + Int32(rng.below(span))
            list.append(dossier(n, unit: lo, procedure: p, received: received))
        }
        return list
    }

    /// The rest of one dossier, once its unit, procedure and received day are drawn.
    mutating func dossier(_ n: Int, unit lo: Int, procedure p: Int, received: Day) -> GeneratedDossier {
        let unit = layout.units[lo]
        let proc = procedures[p]
        let calendarDays = proc.days + proc.days * 2 / 5 + (proc.days > 1 ? 1 : 0)
        var due: Int32? = rng.chance(0.04) ? nil : received + Int32(calendarDays)
        let late = rng.chance(unit.lateRate)
        var finished: Int32?
        if let d = due {
            if late { finished = d + Int32(1 + rng.below(12)) }
            else {
                let r = rng.below(10)
                finished = r < 6 ? received + Int32(rng.below(max(1, calendarDays))) : (r < 9 ? d : d - Int32(rng.below(2)))
                if let f = finished, f < received { finished = received }
            }
        } else {
            finished = received + Int32(rng.below(20))
        }
        var status: Int
        let roll = rng.below(1000)
        if roll < 6 { status = 1 } else if roll < 12 { status = 3 } else if roll < 18 { status = 7 }
        else if let f = finished, f <= exportDay { status = roll < 40 ? 8 : (roll < 400 ? 9 : 10) }
        else { status = [4, 4, 4, 5, 6][rng.below(5)]; finished = nil }
        if status < 8 { finished = nil }
        if status == 4 && due == nil { due = nil }
        let channelRoll = rng.below(100)
        let online = Double(channelRoll) / 100 < unit.onlineRate * 0.85
        let channel = online ? 2 : (channelRoll % 7 == 0 ? 3 : 1)
        let yymmdd = PortalDate.civil(received)
        let id = String(format: "%@-%02d%02d%02d-%06d", unit.code, yymmdd.year % 100, yymmdd.month, yymmdd.day, n + 1)
        return GeneratedDossier(
            id: id, unit: lo, procedure: p, received: received, receivedMinutes: 7 * 60 + 30 + rng.below(600),
            due: due, finished: finished, status: status, channel: channel,
            full: channel == 2 && rng.chance(0.7), paidOnline: proc.fee && channel == 2 && rng.chance(0.6))
    }

    func dmy(_ d: Int32, minutes: Int? = nil) -> String {
        let c = PortalDate.civil(d)
        var s = "\(c.day)/\(c.month)/\(c.year)"
        if let m = minutes { s += String(format: " %d:%02d", m / 60, m % 60) }
        return s
    }

    private func iso(_ d: Int32, minutes: Int) -> String {
        PortalDate.iso(d) + String(format: " %02d:%02d:%02d", minutes / 60, minutes % 60, (minutes * 7) % 60)
    }

    private func compact(_ d: Int32, minutes: Int) -> String {
        PortalDate.iso(d).replacingOccurrences(of: "-", with: "") + String(format: "%02d%02d%02d", minutes / 60, minutes % 60, 0)
    }

    static let statusNames = [1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý",
                              5: "Yêu cầu bổ sung", 6: "Yêu cầu thực hiện nghĩa vụ tài chính", 7: "Rút hồ sơ",
                              8: "Dừng xử lý", 9: "Đã xử lý xong", 10: "Đã trả kết quả"]
    static let channelNames = [1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"]

    private mutating func writeDossiers(_ list: [GeneratedDossier]) throws {
        let half = list.count / 2
        // File 1: UTF-8 with BOM, comma, CRLF, d/M/yyyy H:mm, status codes, channel names.
        let w1 = try CSVFileWriter(path: out + "/ho-so/ho-so-01.csv", style: FileStyle(encoding: .utf8BOM, delimiter: ",", lineEnd: "\r\n"))
        w1.row(["STT", "Mã hồ sơ", "Mã đơn vị", "Tên đơn vị", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Ngày tiếp nhận",
                "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái", "Kênh nộp", "Mức độ", "Có phí", "Thanh toán trực tuyến"])
        // File 2: as Excel saves CSV under a Vietnamese locale: no BOM, ';', CRLF, ISO dates, status names.
        let w2 = try CSVFileWriter(path: out + "/ho-so/ho-so-02.csv", style: FileStyle(encoding: .utf8, delimiter: ";", lineEnd: "\r\n"))
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
                w1.row([String(n + 1), d.id, u.code, u.name, p.code, name, p.field, dmy(d.received, minutes: d.receivedMinutes),
                        d.due.map { dmy($0) } ?? "", d.finished.map { dmy($0, minutes: 16 * 60) } ?? "", String(d.status),
                        Self.channelNames[d.channel]!, level, p.fee ? "x" : "", d.paidOnline ? "x" : ""])
                if sample && n % 997 == 500 { w1.raw("") }
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
            w1.row(["", "HP-LOI-01", u, "x", "2.000635", "x", "x", "31/02/2023 8:00", "", "", "4", "Trực tiếp", "", "", ""])
            w1.row(["", "HP-LOI-02", "000.00.99.H99", "Đơn vị lạ", "2.000635", "x", "x", "3/3/2023", "", "", "4", "Trực tiếp", "", "", ""])
            w1.row(["", "HP-LOI-03", u, "x", "2.000635", "x", "x", "3/3/2023", "", "", "Hoàn thành", "Trực tiếp", "", "", ""])
            w1.row(["", "HP-LOI-04", u, "x", "2.000635", "x", "x", "3/3/2023", "", "", "4", "Email", "", "", ""])
            w1.row(["", "HP-LOI-05", u, "x", "2.000635", "x", "x", "3/3/2023", "5/3/2023", "", "10", "Trực tuyến", "", "", ""])
            w1.row(["", "HP-LOI-06", u, "x", "2.000635", "x", "x", "3/3/2023", "5/3/2023", "1/3/2023", "10", "Trực tuyến", "", "", ""])
            w1.row(["", "", u, "x", "2.000635", "x", "x", "3/3/2023", "", "", "4", "", "", "", ""])
            w1.row(["", "HP-LOI-08", u, "x", "2.000635", "x", "x", "3/3/2023", "", "", "4", "", "", "có lẽ", ""])
            w1.raw("HP-LOI-09,\(u),thiếu cột")
            w1.raw(",,,,,,,,,,,,,,")
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
        w1.close()
        w2.close()
    }

    /// Dossiers that were late at the export date, as the portal's late list would hold them.
    private func isLate(_ d: GeneratedDossier) -> Bool {
        guard d.status != 1 && d.status != 3 && d.status != 7, let due = d.due else { return false }
        if let f = d.finished { return f > due }
        return due < lastDay
    }

    private mutating func writeLate(_ list: [GeneratedDossier]) throws {
        // Excel's "Unicode text": UTF-16 LE with BOM, tab-delimited, CRLF.
        let w = try CSVFileWriter(path: out + "/tre-han/tre-han.csv", style: FileStyle(encoding: .utf16LE, delimiter: "\t", lineEnd: "\r\n"))
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

    private mutating func writePostal(_ list: [GeneratedDossier]) throws {
        let w = try CSVFileWriter(path: out + "/bcci/bcci.csv", style: FileStyle(encoding: .utf8, delimiter: ",", lineEnd: "\n"))
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

    private mutating func writeDigitized(_ list: [GeneratedDossier]) throws {
        let w = try CSVFileWriter(path: out + "/so-hoa/so-hoa.csv", style: FileStyle(encoding: .utf8BOM, delimiter: ",", lineEnd: "\r\n"))
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
