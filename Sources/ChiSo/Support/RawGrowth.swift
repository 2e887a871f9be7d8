/// Growth of the raw buffers on the hot paths (the CSV reader's field buffer, the SQLite bulk insert's
/// batch): they hold plain bytes or integers in memory they allocate themselves, without the checks of
/// `Array` on every append.
enum RawGrowth {
    /// Moves the first `count` elements of `buffer` into a new allocation of at least `needed` (doubling
    /// `capacity` until it fits), frees the old one and returns the new; `capacity` is updated.
    static func grow<T: BitwiseCopyable>(_ buffer: UnsafeMutablePointer<T>, count: Int, capacity: inout Int,
                                         needed: Int) -> UnsafeMutablePointer<T> {
        var c = max(capacity, 1) * 2
        while c < needed { c *= 2 }
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: c)
        bigger.update(from: buffer, count: count)
        buffer.deallocate()
        capacity = c
        return bigger
    }
}
