/// Why `chiso inspect` stopped.
public enum InspectionError: Error, CustomStringConvertible {
    case read(CSVReadError)
    case fieldCount(line: Int, found: Int, expected: Int)

    /// The error as `chiso inspect` prints it.
    public var description: String {
        switch self {
        case let .read(error):
            return error.message
        case let .fieldCount(line, found, expected):
            return "dòng \(line): \(found) trường, dòng tiêu đề có \(expected) (bad_field_count)"
        }
    }
}

/// SPEC 8 `inspect`: every record with its line, the header included, read by SPEC 2.1's rules.
public enum Inspection {
    /// Reads `path` record by record for `chiso inspect`, handing each record's line and decoded fields to `body`.
    public static func read(path: String, delimiter: Delimiter? = nil,
                            _ body: (Int, [String]) -> Void) throws {
        var headerCount: Int?
        do {
            try CSVRecordReader(delimiter: delimiter).read(path: path) { record in
                var count = record.count
                if let expected = headerCount {
                    if count < expected {
                        throw InspectionError.fieldCount(line: record.line, found: count, expected: expected)
                    }
                    if count > expected {
                        if (expected..<count).contains(where: { record[$0].count > 0 }) {
                            throw InspectionError.fieldCount(line: record.line, found: count, expected: expected)
                        }
                        count = expected  // Excel's empty trailing fields are ignored
                    }
                } else {
                    headerCount = count
                }
                body(record.line, (0..<count).map { record.string($0) })
            }
        } catch let error as CSVReadError {
            throw InspectionError.read(error)
        }
    }
}

/// Prints `{"line": N, "fields": [...]}` lines, buffered.
public final class JSONLinePrinter {
    private var buffer: [UInt8] = []

    /// A printer with nothing buffered yet.
    public init() {}

    /// Buffers one record as a numbered, tab-separated line.
    public func print(line: Int, fields: [String]) {
        buffer.append(contentsOf: Array("{\"line\": \(line), \"fields\": [".utf8))
        for (i, f) in fields.enumerated() {
            if i > 0 { buffer.append(contentsOf: [0x2C, 0x20]) }
            JSONLinePrinter.appendQuoted(f, to: &buffer)
        }
        buffer.append(contentsOf: Array("]}\n".utf8))
        if buffer.count > 1 << 16 { flush() }
    }

    /// Writes what is buffered to stdout.
    public func flush() {
        var done = 0
        while done < buffer.count {
            let rest = Array(buffer[done...])
            let n = write(1, rest, rest.count)
            if n <= 0 { break }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A JSON string literal (RFC 8259 escapes; non-ASCII kept as UTF-8).
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}

#if canImport(Glibc)
import Glibc
#endif
