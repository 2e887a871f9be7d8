/// Keys to look up in a ``ByteTable`` together (``ByteTable/find(_:into:)``): their bytes one after
/// another, each with its hash, computed as it is added.
///
/// A lookup in a table of millions of keys waits for three cache misses in turn (its slot, where its key
/// starts, the key's bytes). Looked up a batch at a time, the batch's misses are asked for side by side.
public struct KeyBatch: Sendable {
    /// The keys' bytes, one after another.
    package private(set) var bytes: [UInt8] = []
    /// Where each key ends in ``bytes`` (it starts where the previous one ends).
    package private(set) var ends: [Int] = []
    /// Each key's hash (``ByteTable/hash(_:)``).
    package private(set) var hashes: [UInt64] = []

    /// An empty batch.
    public init() {}

    /// How many keys it holds.
    public var count: Int { ends.count }

    /// Adds `key` (copied: the field's buffer may be reused once the caller returns).
    package mutating func append(_ key: FieldBytes) {
        bytes.append(contentsOf: key)
        ends.append(bytes.count)
        hashes.append(ByteTable.hash(key))
    }

    /// Where key `k`'s bytes are in ``bytes``.
    package func range(_ k: Int) -> Range<Int> { (k == 0 ? 0 : ends[k - 1])..<ends[k] }

    /// Calls `body` with key `k`'s bytes.
    package func withKey<T>(_ k: Int, _ body: (FieldBytes) throws -> T) rethrows -> T {
        try FieldBytes.of(bytes, range: range(k), body)
    }

    /// Calls `body` with every key's bytes, one after another (key `k` is ``range(_:)`` of them): for a
    /// loop over the keys, which then costs no reference count per key.
    package func withBytes<T>(_ body: (FieldBytes) throws -> T) rethrows -> T {
        try FieldBytes.of(bytes, range: 0..<bytes.count, body)
    }

    /// Empties the batch, keeping its room for the next.
    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
    }
}
