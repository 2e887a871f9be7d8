/// UPU S10 item identifiers (mã bưu gửi), e.g. `EE123456785VN`.
public enum TrackingCode {
    private static let weights = [8, 6, 4, 2, 3, 5, 9, 7]

    /// True for two letters, eight serial digits, the right check digit, two letters.
    @_spi(RawBytes) public static func isValid(_ s: FieldBytes) -> Bool {
        guard s.count == 13 else { return false }
        func letter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        func digit(_ b: UInt8) -> Int? { b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil }
        guard letter(s[0]), letter(s[1]), letter(s[11]), letter(s[12]) else { return false }
        var sum = 0
        for k in 0..<8 {
            guard let d = digit(s[2 + k]) else { return false }
            sum += d * weights[k]
        }
        guard let check = digit(s[10]) else { return false }
        return check == checkDigit(sum: sum)
    }

    /// The S10 check digit for the weighted sum of the serial number.
    public static func checkDigit(sum: Int) -> Int {
        let c = 11 - sum % 11
        return c == 10 ? 0 : (c == 11 ? 5 : c)
    }

    /// The check digit of an 8-digit serial number (for generators and tests).
    public static func checkDigit(serial: Int) -> Int {
        var digits: [Int] = []
        var v = serial
        for _ in 0..<8 { digits.insert(v % 10, at: 0); v /= 10 }
        return checkDigit(sum: zip(digits, weights).map(*).reduce(0, +))
    }
}
