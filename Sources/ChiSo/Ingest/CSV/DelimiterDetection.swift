/// SPEC 2.1: count `,` `;` TAB outside quotes in the first non-blank line; the most frequent wins.
enum DelimiterDetection {
    /// The delimiter, or nil if the first non-blank line is not complete yet (and `final` is false).
    static func detect(_ bytes: [UInt8], final: Bool) -> Delimiter? {
        var counts = [0, 0, 0]
        var inQuotes = false
        var sawContent = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if inQuotes {
                if b == 0x22 { inQuotes = false }
                continue
            }
            switch b {
            case 0x22: inQuotes = true; sawContent = true
            case 0x0A, 0x0D:
                if sawContent { return pick(counts) }
            case 0x2C: counts[0] += 1; sawContent = true
            case 0x3B: counts[1] += 1; sawContent = true
            case 0x09: counts[2] += 1  // a tab alone does not make a line non-blank
            case 0x20: break
            default: sawContent = true
            }
            if !sawContent && (b == 0x0A || b == 0x0D) { counts = [0, 0, 0] }
        }
        return final ? pick(counts) : nil
    }

    private static func pick(_ counts: [Int]) -> Delimiter {
        let best = counts.max() ?? 0
        if best == 0 { return .comma }
        if counts[0] == best { return .comma }
        if counts[1] == best { return .semicolon }
        return .tab
    }
}
