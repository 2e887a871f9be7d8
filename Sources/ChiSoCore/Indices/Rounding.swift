/// SPEC 5's one rounding rule. It lives with the index arithmetic, not with the CSV formatting, because
/// ranks, bands, predicates and award conditions all compare rounded values; the outputs only print them.
public enum Rounding {
    /// Round half away from zero to 2 decimals, literally `(x * 100).rounded(.toNearestOrAwayFromZero) / 100`.
    public static func round2(_ x: Double) -> Double {
        (x * 100).rounded(.toNearestOrAwayFromZero) / 100
    }
}
