/// A calendar date as a day number (days since 1970-01-01), the unit every SPEC 3 comparison uses.
public typealias Day = Int32

/// Byte-level date reading for the forms SPEC 2.1 lists. No Foundation formatter:
/// this runs once per date cell.
public enum PortalDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func day(year: Int, month: Int, day: Int) -> Day {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Day(era * 146097 + doe - 719468)
    }

    /// (year, month, day) of a day number.
    public static func civil(_ d: Day) -> (year: Int, month: Int, day: Int) {
        let z = Int(d) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let dd = doy - (153 * mp + 2) / 5 + 1
        let mm = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (mm <= 2 ? 1 : 0), mm, dd)
    }

    /// `yyyy-MM-dd` for a day number.
    public static func iso(_ d: Day) -> String {
        let c = civil(d)
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Reads a trimmed date cell; nil if it is not one of the accepted forms or not a real date/time.
    package static func parse(_ p: FieldBytes) -> Day? {
        let n = p.count
        guard n >= 8 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let b = p[i]
            return b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil
        }
        /// Reads `count` digits at i.
        @inline(__always) func number(_ i: Int, _ count: Int) -> Int? {
            guard i + count <= n else { return nil }
            var v = 0
            for k in 0..<count { guard let d = digit(i + k) else { return nil }; v = v * 10 + d }
            return v
        }
        func make(_ y: Int, _ m: Int, _ d: Int) -> Day? {
            guard m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) && y >= 1 else { return nil }
            return day(year: y, month: m, day: d)
        }
        // yyyyMMddHHmmss
        if n == 14, let y = number(0, 4), let m = number(4, 2), let d = number(6, 2),
           let hh = number(8, 2), let mi = number(10, 2), let ss = number(12, 2) {
            guard hh <= 23 && mi <= 59 && ss <= 59 else { return nil }
            return make(y, m, d)
        }
        // yyyy-MM-dd[( |T)HH:mm[:ss]]
        if n >= 10 && p[4] == 0x2D {
            guard let y = number(0, 4), p[7] == 0x2D, let m = number(5, 2), let d = number(8, 2) else { return nil }
            if n > 10 {
                guard p[10] == 0x20 || p[10] == 0x54, n == 16 || n == 19,
                      let hh = number(11, 2), p[13] == 0x3A, let mi = number(14, 2),
                      hh <= 23, mi <= 59 else { return nil }
                if n == 19 { guard p[16] == 0x3A, let ss = number(17, 2), ss <= 59 else { return nil } }
            }
            return make(y, m, d)
        }
        // d/M/yyyy[ H:mm[:ss]]
        var i = 0
        func run(_ maxDigits: Int) -> Int? {
            var v = 0
            var k = 0
            while i < n, k < maxDigits, let d = digit(i) { v = v * 10 + d; i += 1; k += 1 }
            return k == 0 ? nil : v
        }
        guard let d = run(2), i < n, p[i] == 0x2F else { return nil }
        i += 1
        guard let m = run(2), i < n, p[i] == 0x2F else { return nil }
        i += 1
        let yearStart = i
        guard let y = run(4), i - yearStart == 4 else { return nil }
        if i < n {
            guard p[i] == 0x20 else { return nil }
            i += 1
            let hourStart = i
            guard let hh = run(2), hh <= 23, i - hourStart >= 1, i < n, p[i] == 0x3A else { return nil }
            i += 1
            guard let mi = number(i, 2), mi <= 59 else { return nil }
            i += 2
            if i < n {
                guard p[i] == 0x3A, let ss = number(i + 1, 2), ss <= 59 else { return nil }
                i += 3
            }
            guard i == n else { return nil }
        }
        return make(y, m, d)
    }

    /// Parses `yyyy-MM-dd` in a configuration value or on the command line.
    public static func parseISO(_ text: String) -> Day? {
        FieldBytes.of(text) { bytes -> Day? in
            guard bytes.count == 10 else { return nil }
            return parse(bytes)
        }
    }

    /// Why `text` is not a `yyyy-MM-dd` date, in Vietnamese: a day that does not exist (`2023-11-31`)
    /// is told apart from a text of the wrong form.
    public static func isoProblem(_ text: String) -> String {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            return "cần ngày dạng yyyy-MM-dd (ví dụ 2023-06-30), nhận được '\(text)'"
        }
        guard (1...12).contains(m) else { return "ngày \(text) không tồn tại: không có tháng \(m)" }
        let days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard (1...days).contains(d) else { return "ngày \(text) không tồn tại: tháng \(m) năm \(y) có \(days) ngày" }
        return "cần ngày dạng yyyy-MM-dd (ví dụ 2023-06-30), nhận được '\(text)'"
    }
}
