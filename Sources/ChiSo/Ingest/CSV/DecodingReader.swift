import Crypto
import Foundation

/// Reads a file in fixed-size chunks and hands on valid UTF-8 with the BOM removed.
///
/// UTF-16 (with BOM) is transcoded on the fly. Invalid UTF-8, lone surrogates
/// and NUL bytes stop the read with the byte offset in the original file.
/// The raw bytes are hashed (SHA-256) and counted as they pass, so a source
/// file is read exactly once.
final class DecodingReader {
    static let defaultChunkSize = 1 << 20

    private let fd: Int32
    private let chunkSize: Int
    private var raw: UnsafeMutableRawBufferPointer
    /// Bytes carried from one read to the next (an incomplete UTF-8 sequence or UTF-16 unit).
    private var carry = 0
    private var out: UnsafeMutableBufferPointer<UInt8>
    private var hasher = SHA256()
    private var pendingHighSurrogate: (unit: UInt16, offset: Int)?
    private var atEOF = false
    private(set) var encoding: SourceEncoding = .utf8
    /// Raw bytes read so far.
    private(set) var rawOffset = 0
    private var started = false
    /// Carried bytes still at their old place: moved to the buffer's start on the next call,
    /// once the caller is done with the chunk that points into the same buffer.
    private var carryFrom = 0

    private let hashing: Bool
    /// The file offset the read stops at (the end of the file when nil).
    private let end: Int?

    /// A reader of `path`'s bytes from `start` (the file's start by default) to `end` (its end).
    /// Reading from a later start (the second part of a file read on two cores) takes the bytes there as
    /// `encoding`, detected by whoever read the file's start: no BOM is looked for there.
    init(path: String, chunkSize: Int = DecodingReader.defaultChunkSize, hashing: Bool = true,
         start: Int = 0, end: Int? = nil, encoding: SourceEncoding = .utf8) throws {
        self.hashing = hashing && start == 0 && end == nil
        self.end = end
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVReadError.io("\(path): \(String(cString: strerror(errno)))") }
        if start > 0 {
            guard lseek(fd, off_t(start), SEEK_SET) == off_t(start) else {
                let message = String(cString: strerror(errno))
                close(fd)
                throw CSVReadError.io("\(path): \(message)")
            }
            rawOffset = start
            started = true
            self.encoding = encoding
        }
        self.fd = fd
        self.chunkSize = max(chunkSize, 8)
        raw = .allocate(byteCount: self.chunkSize + 8, alignment: 8)
        out = .allocate(capacity: (self.chunkSize + 8) * 3 / 2 + 8)
    }

    deinit {
        close(fd)
        raw.deallocate()
        out.deallocate()
    }

    /// The SHA-256 of every raw byte read (call after the last chunk).
    func digest() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The next decoded chunk (valid until the next call), or nil at the end.
    func next() throws -> UnsafeBufferPointer<UInt8>? {
        while true {
            if atEOF && carry == 0 && pendingHighSurrogate == nil { return nil }
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if carry > 0 && carryFrom > 0 { base.update(from: base + carryFrom, count: carry) }
            carryFrom = 0
            var count = carry
            if !atEOF {
                let n = read(fd, base + carry, end.map { max(0, min(chunkSize, $0 - rawOffset)) } ?? chunkSize)
                if n < 0 { throw CSVReadError.io(String(cString: strerror(errno))) }
                if n == 0 { atEOF = true } else {
                    if hashing { hasher.update(bufferPointer: UnsafeRawBufferPointer(start: base + carry, count: n)) }
                    count += n
                }
            }
            // The offset in the file of base[0].
            let fileOffset = rawOffset - carry
            rawOffset = fileOffset + count
            var start = 0
            if !started {
                // A BOM needs up to 3 bytes; read more if the file is longer but the first read was short.
                if count < 3 && !atEOF { carry = count; rawOffset = fileOffset + count; continue }
                started = true
                if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
                    encoding = .utf8BOM; start = 3
                } else if count >= 2 && base[0] == 0xFF && base[1] == 0xFE {
                    encoding = .utf16LE; start = 2
                } else if count >= 2 && base[0] == 0xFE && base[1] == 0xFF {
                    encoding = .utf16BE; start = 2
                }
            }
            let input = UnsafeBufferPointer(start: base + start, count: count - start)
            let produced: Int
            let consumed: Int
            switch encoding {
            case .utf8, .utf8BOM:
                consumed = try UTF8Validation.validate(input, fileOffset: fileOffset + start, final: atEOF)
                // Pass the valid prefix through without copying.
                let result = UnsafeBufferPointer(start: base + start, count: consumed)
                try keepCarry(base: base, from: start + consumed, to: count)
                if result.count == 0 && !(atEOF && carry == 0) { continue }
                return result.count > 0 ? result : nil
            case .utf16LE, .utf16BE:
                (consumed, produced) = try transcodeUTF16(input, fileOffset: fileOffset + start,
                                                          bigEndian: encoding == .utf16BE)
                try keepCarry(base: base, from: start + consumed, to: count)
                if produced == 0 {
                    if atEOF && carry == 0 && pendingHighSurrogate == nil { return nil }
                    continue
                }
                return UnsafeBufferPointer(start: out.baseAddress!, count: produced)
            }
        }
    }

    private func keepCarry(base: UnsafeMutablePointer<UInt8>, from: Int, to: Int) throws {
        carry = to - from
        if carry > 0 {
            if atEOF {
                // Only possible for a truncated UTF-16 unit: the validator reports UTF-8 ends itself.
                throw CSVReadError.encoding(offset: rawOffset - carry, detail: "tệp UTF-16 kết thúc giữa một ký tự")
            }
            carryFrom = from
        }
    }

    /// Transcodes whole UTF-16 code units to UTF-8; returns (bytes consumed, bytes produced).
    private func transcodeUTF16(_ input: UnsafeBufferPointer<UInt8>, fileOffset: Int, bigEndian: Bool) throws -> (Int, Int) {
        var o = 0
        let dst = out.baseAddress!
        var i = 0
        @inline(__always) func put(_ scalar: UInt32) {
            if scalar < 0x80 {
                dst[o] = UInt8(scalar); o += 1
            } else if scalar < 0x800 {
                dst[o] = UInt8(0xC0 | (scalar >> 6)); dst[o + 1] = UInt8(0x80 | (scalar & 0x3F)); o += 2
            } else if scalar < 0x10000 {
                dst[o] = UInt8(0xE0 | (scalar >> 12)); dst[o + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                dst[o + 2] = UInt8(0x80 | (scalar & 0x3F)); o += 3
            } else {
                dst[o] = UInt8(0xF0 | (scalar >> 18)); dst[o + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
                dst[o + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F)); dst[o + 3] = UInt8(0x80 | (scalar & 0x3F)); o += 4
            }
        }
        while i + 1 < input.count {
            let unit: UInt16 = bigEndian
                ? UInt16(input[i]) << 8 | UInt16(input[i + 1])
                : UInt16(input[i + 1]) << 8 | UInt16(input[i])
            let offset = fileOffset + i
            i += 2
            if let high = pendingHighSurrogate {
                pendingHighSurrogate = nil
                guard unit >= 0xDC00 && unit <= 0xDFFF else {
                    throw CSVReadError.encoding(offset: high.offset, detail: "UTF-16: nửa cặp thay thế (surrogate) đứng một mình")
                }
                put(0x10000 + ((UInt32(high.unit) - 0xD800) << 10) + (UInt32(unit) - 0xDC00))
                continue
            }
            switch unit {
            case 0:
                throw CSVReadError.encoding(offset: offset, detail: "ký tự NUL")
            case 0xD800...0xDBFF:
                pendingHighSurrogate = (unit, offset)
            case 0xDC00...0xDFFF:
                throw CSVReadError.encoding(offset: offset, detail: "UTF-16: nửa cặp thay thế (surrogate) đứng một mình")
            default:
                put(UInt32(unit))
            }
        }
        if atEOF && i == input.count, let high = pendingHighSurrogate {
            throw CSVReadError.encoding(offset: high.offset, detail: "UTF-16: nửa cặp thay thế (surrogate) đứng một mình")
        }
        return (i, o)
    }
}

/// Byte-level UTF-8 validation (Unicode Table 3-7) that also rejects NUL.
enum UTF8Validation {
    /// Validates `input`; returns how many bytes form complete, valid sequences.
    /// An incomplete sequence at the end is left for the next chunk unless `final`.
    static func validate(_ input: UnsafeBufferPointer<UInt8>, fileOffset: Int, final: Bool) throws -> Int {
        let n = input.count
        guard let p = input.baseAddress else { return 0 }
        var i = 0
        while i < n {
            // Fast path: 8 ASCII bytes with no NUL at a time; a word that holds another byte skips the ASCII
            // bytes before it at once (Vietnamese text has a few between its accented letters).
            while i + 8 <= n {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let hasHigh = w & 0x8080_8080_8080_8080
                let hasZero = (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
                let stop = hasHigh | hasZero
                if stop != 0 {
                    // Little-endian: the lowest flagged byte is the first non-ASCII or NUL byte. (The zero test
                    // can flag a byte after a real zero, never before the first one: what it skips is ASCII.)
                    i += stop.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            if i >= n { break }
            let b = p[i]
            if b < 0x80 {
                if b == 0 { throw CSVReadError.encoding(offset: fileOffset + i, detail: "ký tự NUL (tệp UTF-16 không có BOM?)") }
                i += 1
                continue
            }
            let length: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; hi = 0x9F
            case 0xF0: length = 4; lo = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; hi = 0x8F
            default:
                throw CSVReadError.encoding(offset: fileOffset + i, detail: "byte không hợp lệ trong UTF-8")
            }
            if i + length > n {
                // Check what is there, then wait for the rest.
                var j = 1
                while i + j < n {
                    let c = p[i + j]
                    let ok = j == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF)
                    if !ok { throw CSVReadError.encoding(offset: fileOffset + i, detail: "chuỗi UTF-8 không hợp lệ") }
                    j += 1
                }
                if final { throw CSVReadError.encoding(offset: fileOffset + i, detail: "chuỗi UTF-8 bị cắt ở cuối tệp") }
                return i
            }
            let c1 = p[i + 1]
            var valid = c1 >= lo && c1 <= hi
            if valid && length > 2 { valid = p[i + 2] & 0xC0 == 0x80 }
            if valid && length > 3 { valid = p[i + 3] & 0xC0 == 0x80 }
            if !valid { throw CSVReadError.encoding(offset: fileOffset + i, detail: "chuỗi UTF-8 không hợp lệ") }
            i += length
        }
        return n
    }
}

/// Where a byte offset of a file is, as people count: its line (LF, CRLF or lone CR end one) and column
/// (characters from the line's start, 1-based). Used only after an encoding error, so it re-reads the prefix.
enum EncodingPosition {
    static func locate(path: String, offset: Int, encoding: SourceEncoding) -> (line: Int?, column: Int?) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return (nil, nil) }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: offset), data.count == offset else { return (nil, nil) }
        var line = 1, column = 1
        var previousCR = false
        func unit(_ u: UInt32, startsCharacter: Bool) {
            if u == 0x0A {
                if !previousCR { line += 1 }
                column = 1
                previousCR = false
            } else if u == 0x0D {
                line += 1
                column = 1
                previousCR = true
            } else {
                if startsCharacter { column += 1 }
                previousCR = false
            }
        }
        let bytes = [UInt8](data)
        switch encoding {
        case .utf16LE, .utf16BE:
            var i = 2  // after the BOM
            while i + 1 < bytes.count {
                let u = encoding == .utf16LE ? UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 : UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
                unit(u, startsCharacter: !(0xDC00...0xDFFF).contains(u))
                i += 2
            }
        default:
            for (i, b) in bytes.enumerated() where !(encoding == .utf8BOM && i < 3) {
                unit(UInt32(b), startsCharacter: b & 0xC0 != 0x80)
            }
        }
        return (line, column)
    }
}
