/// How numbers and booleans appear in the Office CSVs (SPEC 7.1).
public enum Format {
    /// Exactly two decimals with `.`, from the already-rounded value; `-0.00` is written `0.00`.
    public static func fixed2(_ x: Double) -> String {
        let cents = (Rounding.round2(x) * 100).rounded()
        guard cents.isFinite else { return "" }
        var c = Int64(cents)
        let negative = c < 0
        if negative { c = -c }
        let whole = c / 100, frac = c % 100
        let text = "\(whole)." + (frac < 10 ? "0" : "") + "\(frac)"
        return negative && c != 0 ? "-" + text : text
    }

    /// A numerator or denominator: an integer when exactly whole, else `fixed2`.
    public static func amount(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 {
            let i = Int64(x)
            return i == 0 ? "0" : String(i)
        }
        return fixed2(x)
    }

    /// “Có”/“Không”, as the Office CSVs write booleans.
    public static func boolean(_ b: Bool) -> String { b ? "Có" : "Không" }
}
