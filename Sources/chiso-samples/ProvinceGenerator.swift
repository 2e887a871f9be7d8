import ChiSo
import Foundation

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
}
