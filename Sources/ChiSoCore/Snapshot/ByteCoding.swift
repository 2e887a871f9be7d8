/// Little-endian bytes appended to a buffer: how the warehouse's binary snapshots are written.
/// A hand-written codec because the snapshot holds millions of fixed-layout records that must encode
/// and decode at memory speed; no schema library is needed for a format that only chiso reads.
package struct ByteWriter: Sendable {
    /// The bytes written so far.
    package private(set) var bytes: [UInt8] = []

    /// An empty buffer with room for `capacity` bytes.
    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    // Fixed-width integers, little-endian.

    @inline(__always) package mutating func u8(_ v: UInt8) { bytes.append(v) }
    @inline(__always) package mutating func u16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }
    @inline(__always) package mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8((v >> 8) & 0xFF))
        bytes.append(UInt8((v >> 16) & 0xFF)); bytes.append(UInt8(v >> 24))
    }
    @inline(__always) package mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    @inline(__always) package mutating func u64(_ v: UInt64) { u32(UInt32(truncatingIfNeeded: v)); u32(UInt32(v >> 32)) }
    /// An unsigned number in 7-bit groups, low first (LEB128): one byte below 128.
    package mutating func varint(_ v: UInt32) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    /// A length-prefixed byte string (the length a varint).
    package mutating func data(_ field: FieldBytes) {
        varint(UInt32(truncatingIfNeeded: field.count))
        field.append(to: &bytes)
    }
    /// Bytes as they are, with no length (the reader knows it from elsewhere).
    package mutating func raw(_ field: FieldBytes) { field.append(to: &bytes) }
    /// Bytes another writer wrote, as they are.
    package mutating func raw(_ more: [UInt8]) { bytes.append(contentsOf: more) }
    /// A length-prefixed UTF-8 string.
    package mutating func string(_ s: String) {
        FieldBytes.of(s) { data($0) }
    }
}

/// Reads what ``ByteWriter`` wrote, bounds-checked: a truncated or corrupt snapshot gives `nil`, never a
/// crash (the caller then rebuilds from the warehouse's tables).
package struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    /// Reads `bytes` from the first.
    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    // Fixed-width integers, little-endian; nil past the end.

    /// True when every byte was read.
    package var atEnd: Bool { offset == bytes.count }
    /// Bytes not read yet.
    package var remaining: Int { bytes.count - offset }

    @inline(__always) package mutating func u8() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }
    // Wider values are loaded whole once the bound is checked (byte by byte, each byte's own bounds check
    // and the shifts were a good part of decoding 5M dossiers).
    @inline(__always) package mutating func u16() -> UInt16? {
        guard offset + 2 <= bytes.count else { return nil }
        defer { offset += 2 }
        return bytes.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    }
    @inline(__always) package mutating func u32() -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        defer { offset += 4 }
        return bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }
    @inline(__always) package mutating func i32() -> Int32? { u32().map { Int32(bitPattern: $0) } }
    /// What `varint` wrote; nil past the end or beyond 32 bits.
    package mutating func varint() -> UInt32? {
        var value: UInt32 = 0
        for shift in stride(from: 0, through: 28, by: 7) {
            guard let b = u8() else { return nil }
            if shift == 28 && b > 0x0F { return nil }
            value |= UInt32(b & 0x7F) << shift
            if b < 0x80 { return value }
        }
        return nil
    }
    /// The next `n` bytes as they are (a slice of the buffer, not a copy), for a caller that reads a long
    /// run of fixed-width values in one pass; nil past the end.
    package mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, n <= remaining else { return nil }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }
    /// A length-prefixed byte string, passed to `body` without copying; nil past the end.
    package mutating func data<R>(_ body: (FieldBytes) throws -> R) rethrows -> R? {
        guard let n = varint().map(Int.init), offset + n <= bytes.count else { return nil }
        defer { offset += n }
        let start = offset
        return try FieldBytes.of(bytes, range: start..<start + n, body)
    }
    /// A length-prefixed UTF-8 string (invalid UTF-8 repaired).
    package mutating func string() -> String? { data { $0.string } }
}
