#if canImport(Glibc)
import Glibc
#endif

/// Matches enumerated cells by SPEC 2.1's normalization, caching each distinct raw byte string
/// so that the normalization runs once per distinct value, not once per row.
public struct EnumMatcher<Value> {
    private var table = ByteTable(capacity: 16)
    private var values: [Value?] = []
    private let byName: [String: Value]
    private let byCode: [Int: Value]

    /// - Parameters:
    ///   - names: accepted names (any form; they are normalized here).
    ///   - codes: accepted integer codes (a value of ASCII digits only is read as a code).
    public init(names: [String: Value], codes: [Int: Value] = [:]) {
        var normalized: [String: Value] = [:]
        for (k, v) in names { normalized[ByteText.normalizedKey(k)] = v }
        byName = normalized
        byCode = codes
    }

    /// The last cell matched and its result: most columns repeat a handful of values, so a memcmp
    /// against the previous one usually saves the hash lookup.
    private var lastBytes: [UInt8] = []
    private var lastValue: Value?

    /// The value of a trimmed cell, or nil if it matches nothing.
    mutating func match(_ cell: FieldBytes) -> Value? {
        if cell.count == lastBytes.count, cell.equals(lastBytes) { return lastValue }
        let value = lookup(cell)
        lastBytes.removeAll(keepingCapacity: true)  // no allocation per row when a column alternates
        cell.append(to: &lastBytes)
        lastValue = value
        return value
    }

    private mutating func lookup(_ cell: FieldBytes) -> Value? {
        if let id = table.find(cell) { return values[id] }
        let value: Value?
        if let code = ByteText.digitsValue(cell) {
            value = byCode[code] ?? byName[String(code)]
        } else {
            value = byName[ByteText.normalizedKey(cell)]
        }
        if table.count < 4096 {  // a cap so that junk values cannot grow the cache without bound
            table.insert(cell)
            values.append(value)
        }
        return value
    }
}
