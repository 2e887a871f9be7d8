#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The UTF-8 bytes of one field, borrowed from the buffer that holds its record (the CSV reader's chunk,
/// a warehouse row, the byte table's arena) for as long as the callback that received it runs. Every read
/// is bounds-checked and the pointer does not leave this type, so code that parses fields (dates, codes,
/// numbers) cannot read outside them; only the reader, the byte table and the bulk writers, which own the
/// buffers, make or unwrap one.
public struct FieldBytes: RandomAccessCollection {
    @usableFromInline let buffer: UnsafeBufferPointer<UInt8>

    /// Wraps bytes the caller owns and keeps alive while the value is used (the reader, the byte table,
    /// the warehouse's row readers).
    @inlinable package init(unsafe buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

    /// No bytes (an absent column).
    public static var empty: FieldBytes { FieldBytes(unsafe: UnsafeBufferPointer(start: nil, count: 0)) }

    /// The first index, always 0.
    @inlinable public var startIndex: Int { 0 }
    /// One past the last byte.
    @inlinable public var endIndex: Int { buffer.count }

    /// The byte at `i`; a read outside the field stops the program rather than reading a neighbour's bytes.
    @inlinable @inline(__always)
    public subscript(i: Int) -> UInt8 {
        precondition(i >= 0 && i < buffer.count, "FieldBytes: index out of range")
        return buffer[i]
    }

    /// The bytes in `range`, as a field of their own.
    @inlinable @inline(__always)
    public func slice(_ range: Range<Int>) -> FieldBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count, "FieldBytes: range out of bounds")
        return FieldBytes(unsafe: UnsafeBufferPointer(rebasing: buffer[range]))
    }

    /// Calls `body` with the UTF-8 bytes of `text` (configuration values, tests).
    public static func of<R>(_ text: String, _ body: (FieldBytes) throws -> R) rethrows -> R {
        var copy = text
        return try copy.withUTF8 { try body(FieldBytes(unsafe: $0)) }
    }

    /// Calls `body` with the first `count` bytes of `array` (a scratch buffer).
    public static func of<R>(_ array: [UInt8], prefix count: Int, _ body: (FieldBytes) throws -> R) rethrows -> R {
        precondition(count >= 0 && count <= array.count, "FieldBytes: prefix out of bounds")
        return try array.withUnsafeBufferPointer { try body(FieldBytes(unsafe: UnsafeBufferPointer(rebasing: $0[0..<count]))) }
    }

    /// Calls `body` with the bytes of `array` in `range` (a field inside a decoded snapshot).
    public static func of<R>(_ array: [UInt8], range: Range<Int>, _ body: (FieldBytes) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= array.count, "FieldBytes: range out of bounds")
        return try array.withUnsafeBufferPointer { try body(FieldBytes(unsafe: UnsafeBufferPointer(rebasing: $0[range]))) }
    }

    /// The bytes decoded as UTF-8 (invalid sequences replaced).
    @inlinable public var string: String { String(decoding: buffer, as: UTF8.self) }

    /// Whether the bytes are exactly `other`'s (one `memcmp`: this compares millions of ids a night).
    public func equals(_ other: FieldBytes) -> Bool { FieldBytes.same(buffer, other.buffer) }

    /// Whether the bytes are exactly `other` (a cache of the last value seen).
    @inlinable public func equals(_ other: [UInt8]) -> Bool {
        other.withUnsafeBufferPointer { FieldBytes.same(buffer, $0) }
    }

    @usableFromInline static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }  // both empty
        return memcmp(pa, pb, a.count) == 0
    }

    /// Appends the bytes to `array` in one copy (`array.append(contentsOf: field)` goes byte by byte
    /// through the iterator: this is on the paths that copy millions of ids).
    @inlinable public func append(to array: inout [UInt8]) {
        array.append(contentsOf: buffer)
    }

    /// Steps through the field's bytes; it cannot step outside them, so it reads without checks.
    public struct Iterator: IteratorProtocol {
        @usableFromInline var base: UnsafeBufferPointer<UInt8>.Iterator
        @inlinable init(_ base: UnsafeBufferPointer<UInt8>.Iterator) { self.base = base }
        /// The next byte, or nil after the last.
        @inlinable public mutating func next() -> UInt8? { base.next() }
    }

    /// Iterates the field's bytes.
    @inlinable public func makeIterator() -> Iterator { Iterator(buffer.makeIterator()) }

    /// The raw buffer, for the owners of bytes: the byte table (hashing, copying into its arena) and the
    /// bulk writers (binding to SQLite, escaping into a COPY).
    @inlinable package func withUnsafeBuffer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(buffer)
    }
}
