import CLibCSV
import Foundation

/// One record, valid only inside the callback that receives it: its fields
/// point into the reader's buffer (no `String` is made per field).
public struct CSVRecord {
    /// Physical line (1-based) the record starts on.
    public let line: Int
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    /// Number of fields.
    public var count: Int { ends.count }

    /// The raw UTF-8 bytes of field `i`, bounds-checked, valid while the record is.
    public subscript(i: Int) -> FieldBytes {
        precondition(i >= 0 && i < ends.count, "CSVRecord: no field \(i)")
        let start = i == 0 ? 0 : ends[i - 1]
        return FieldBytes(unsafe: UnsafeBufferPointer(rebasing: bytes[start..<ends[i]]))
    }

    /// Field `i` as an NFC string (for headers, messages and slow paths only).
    public func string(_ i: Int) -> String { ByteText.string(self[i]) }

    /// True for a record SPEC 2.1 skips: one field, empty or only spaces and tabs.
    var isBlank: Bool {
        guard ends.count == 1 else { return false }
        return self[0].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}

/// Reading statistics of one file.
public struct CSVFileInfo: Sendable {
    var size = 0
    var sha256 = ""
    var encoding: SourceEncoding = .utf8
    var delimiter: Delimiter = .comma
    var records = 0
    /// For the head of a file read in two parts: the line the next record starts on, when the head ended
    /// between records (nil when its last bytes are inside a record, or for a whole file).
    @_spi(RawBytes) public internal(set) var nextLine: Int?
}

/// A part of one file, for reading a big file on two cores: the head from the file's start to a line end
/// (`cut`, the offset just after it), the tail from there to the end. The tail is read before anyone knows
/// whether `cut` falls between records; the head tells (``CSVFileInfo/nextLine``), and when it does not,
/// or when the line numbers disagree, the parts are thrown away and the file is read whole.
public enum FilePart: Sendable, Equatable {
    /// The file's start up to `cut`, the header included.
    case head(cut: Int)
    /// From `cut` to the end: records only, split by the head's delimiter, in the head's encoding, the
    /// first line numbered `firstLine`.
    case tail(cut: Int, delimiter: Delimiter, encoding: SourceEncoding, firstLine: Int)
}

/// Streams a CSV file through libcsv in strict mode, as SPEC 2.1 reads it.
///
/// libcsv's sharp edges and what this reader does about each:
/// - it chokes on a UTF-8 BOM and reads UTF-16 as NUL-filled bytes: the
///   ``DecodingReader`` underneath strips the BOM, transcodes UTF-16 and
///   rejects NUL and invalid UTF-8 with the byte offset;
/// - it trims spaces: the space function is replaced by one that sees none;
/// - it drops blank rows and reports no line numbers: the reader feeds libcsv
///   one physical line at a time, counting LF, CRLF and lone CR, and notes the
///   line on which each record begins;
/// - in lenient mode a stray quote swallows the file: strict mode
///   (`CSV_STRICT | CSV_STRICT_FINI`) turns it into a syntax error, and a
///   field or record over `maxFieldBytes` stops the read.
public final class CSVRecordReader {
    /// Fields and records larger than this stop the read (`tooLong`).
    public let maxFieldBytes: Int
    let chunkSize: Int
    /// `nil` means detect from the first non-blank line.
    let delimiter: Delimiter?

    /// SHA-256 of the file already computed by the caller (the stage fingerprint), so that it is not hashed twice.
    let knownSHA256: String?
    /// The delimiter and encoding in use, set before the first record is handed over (what the tail of a
    /// file read in two parts needs from its head).
    @_spi(RawBytes) public private(set) var delimiterInUse: Delimiter?
    @_spi(RawBytes) public private(set) var encodingInUse: SourceEncoding?

    /// A reader for one file: `delimiter` nil detects it per file; a field longer than `maxFieldBytes` is an error (hostile input); `knownSHA256` skips rehashing.
    public init(delimiter: Delimiter? = nil, maxFieldBytes: Int = 1 << 20, chunkSize: Int = 1 << 20, knownSHA256: String? = nil) {
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.chunkSize = chunkSize
        self.knownSHA256 = knownSHA256
    }

    /// Reads `path`, calling `body` for every non-blank record, the header included.
    /// - Throws: ``CSVReadError`` (an encoding error with its line and column), or what `body` throws.
    /// With `part`, reads only that part of the file (see ``FilePart``); neither part is hashed.
    @discardableResult
    public func read(path: String, part: FilePart? = nil, _ body: (CSVRecord) throws -> Void) throws -> CSVFileInfo {
        let source: DecodingReader
        switch part {
        case nil: source = try DecodingReader(path: path, chunkSize: chunkSize, hashing: knownSHA256 == nil)
        case let .head(cut)?: source = try DecodingReader(path: path, chunkSize: chunkSize, hashing: false, end: cut)
        case let .tail(cut, _, encoding, _)?:
            source = try DecodingReader(path: path, chunkSize: chunkSize, hashing: false, start: cut, encoding: encoding)
        }
        do {
            return try read(source, part: part, body)
        } catch let CSVReadError.encoding(offset, detail, nil, nil) {
            let (line, column) = EncodingPosition.locate(path: path, offset: offset, encoding: source.encoding)
            throw CSVReadError.encoding(offset: offset, detail: detail, line: line, column: column)
        }
    }

    /// The file's header (its first record), the delimiter it is read with and the file's encoding: what
    /// the tail of a file read in two parts needs, read from the file's start up to that record only.
    /// - Throws: ``CSVReadError`` as ``read(path:part:_:)`` does for the file's start.
    public func header(path: String) throws -> (names: [String], delimiter: Delimiter, encoding: SourceEncoding) {
        var names: [String]?
        do {
            try read(path: path) { record in
                names = (0..<record.count).map { record.string($0) }
                throw HeaderRead()
            }
        } catch is HeaderRead {}
        guard let names, let delimiter = delimiterInUse, let encoding = encodingInUse else { throw CSVReadError.noHeader }
        return (names, delimiter, encoding)
    }

    private struct HeaderRead: Error {}

    private func read(_ source: DecodingReader, part: FilePart?, _ body: (CSVRecord) throws -> Void) throws -> CSVFileInfo {
        let state = ParseState(maxRecordBytes: maxFieldBytes * 4)
        var info = CSVFileInfo()
        defer { state.free() }
        // Hold decoded bytes back until the first non-blank line is complete, to detect the delimiter; a
        // tail (mid-file: no BOM, no header) takes the head's, and goes on from the head's offsets and lines.
        var prefix: [UInt8] = []
        var detected = delimiter
        var decodedOffset = 0
        if case let .tail(cut, delimiter, encoding, firstLine)? = part {
            detected = delimiter
            decodedOffset = cut - (encoding == .utf8BOM ? 3 : 0)
            state.line = firstLine
            state.recordLine = firstLine
        }
        while detected == nil, let chunk = try source.next() {
            prefix.append(contentsOf: chunk)
            detected = DelimiterDetection.detect(prefix, final: false)
            if detected == nil && prefix.count > maxFieldBytes * 4 {
                throw CSVReadError.tooLong(line: 1, limit: maxFieldBytes)
            }
        }
        let chosen = detected ?? DelimiterDetection.detect(prefix, final: true) ?? .comma
        info.delimiter = chosen
        csv_set_delim(&state.parser, chosen.rawValue)
        delimiterInUse = chosen
        encodingInUse = source.encoding

        func feed(_ chunk: UnsafeBufferPointer<UInt8>) throws {
            try state.feed(chunk, decodedOffset: decodedOffset, encoding: source.encoding, body)
            decodedOffset += chunk.count
        }
        if !prefix.isEmpty { try prefix.withUnsafeBufferPointer { try feed($0) } }
        while let chunk = try source.next() { try feed(chunk) }
        if case .head? = part {
            // Whether the cut fell between records: libcsv waits for a row to begin and holds no field.
            if state.parser.pstate == 0 && state.buffer.fields == 0 && !state.buffer.recordDone { info.nextLine = state.line }
        } else {
            try state.finish(body)
        }

        info.size = source.rawOffset
        info.sha256 = knownSHA256 ?? (part == nil ? source.digest() : "")
        info.encoding = source.encoding
        info.records = state.records
        if case .tail? = part { return info }  // a tail has no header, and may have no record
        if state.records == 0 { throw CSVReadError.noHeader }
        return info
    }
}

/// The fields of the record being parsed: bytes and end offsets in growable raw buffers, filled from
/// libcsv's callbacks without retain/release or exclusivity checks (the hot path of the ingest).
final class FieldBuffer {
    @exclusivity(unchecked) var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) var capacity: Int
    @exclusivity(unchecked) var ends: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) var fields = 0
    @exclusivity(unchecked) var endsCapacity: Int
    /// The longest field handed over in the record being parsed (the field cap is checked against it).
    @exclusivity(unchecked) var longestField = 0
    @exclusivity(unchecked) var recordDone = false

    init() {
        capacity = 4096
        bytes = .allocate(capacity: capacity)
        endsCapacity = 64
        ends = .allocate(capacity: endsCapacity)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
    }

    @inline(__always)
    func append(_ ptr: UnsafeRawPointer?, _ len: Int) {
        if len > longestField { longestField = len }
        if len > 0, let ptr {
            if count + len > capacity { bytes = RawGrowth.grow(bytes, count: count, capacity: &capacity, needed: count + len) }
            (bytes + count).update(from: ptr.assumingMemoryBound(to: UInt8.self), count: len)
            count += len
        }
        if fields == endsCapacity { ends = RawGrowth.grow(ends, count: fields, capacity: &endsCapacity, needed: fields + 1) }
        ends[fields] = count
        fields += 1
    }

    func reset() {
        longestField = 0
        count = 0
        fields = 0
    }
}

/// libcsv's parser plus the line bookkeeping around it. Used by one thread, on every line of every file:
/// its fields go without Swift's dynamic exclusivity checks (they were a measurable part of a read).
private final class ParseState {
    @exclusivity(unchecked) var parser = csv_parser()
    let buffer = FieldBuffer()
    @exclusivity(unchecked) var line = 1
    @exclusivity(unchecked) var previousWasCR = false
    /// Line on which the record being parsed began.
    @exclusivity(unchecked) var recordLine = 1
    @exclusivity(unchecked) var records = 0
    let maxRecordBytes: Int

    init(maxRecordBytes: Int) {
        self.maxRecordBytes = maxRecordBytes
        csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        csv_set_space_func(&parser) { _ in 0 }
        csv_set_blk_size(&parser, 4096)
    }

    func free() { csv_free(&parser) }

    private static let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { ptr, len, ctx in
        Unmanaged<FieldBuffer>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.append(ptr, len) }
    }

    private static let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, ctx in
        Unmanaged<FieldBuffer>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.recordDone = true }
    }

    /// Feeds one decoded chunk to libcsv, a physical line at a time.
    func feed(_ chunk: UnsafeBufferPointer<UInt8>, decodedOffset: Int, encoding: SourceEncoding,
              _ body: (CSVRecord) throws -> Void) throws {
        guard let base = chunk.baseAddress else { return }
        let n = chunk.count
        var start = 0
        var i = 0
        while i < n {
            // Skip 8 bytes at a time while none of them is CR or LF.
            while i + 8 <= n && !LineCount.holdsLineEnd(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
            guard i < n else { break }
            let b = base[i]
            i += 1
            guard b == 0x0A || b == 0x0D else { continue }
            // An LF ends no line of its own only right after a CR (CRLF); bytes between them end the pair.
            if i - 1 > start { previousWasCR = false }
            try parse(base + start, i - start, offset: decodedOffset + start, encoding: encoding, body)
            if b == 0x0D { line += 1; previousWasCR = true } else {
                if !previousWasCR { line += 1 }
                previousWasCR = false
            }
            start = i
        }
        if start < n {
            try parse(base + start, n - start, offset: decodedOffset + start, encoding: encoding, body)
            previousWasCR = false
        }
    }

    private func parse(_ p: UnsafePointer<UInt8>, _ len: Int, offset: Int, encoding: SourceEncoding,
                       _ body: (CSVRecord) throws -> Void) throws {
        if parser.pstate == 0 { recordLine = line }  // ROW_NOT_BEGUN: a record may begin on this line
        let ctx = Unmanaged.passUnretained(buffer).toOpaque()
        let used = csv_parse(&parser, p, len, ParseState.onField, ParseState.onRecord, ctx)
        if used < len {
            let detail: String
            if csv_error(&parser) == CSV_EPARSE {
                let c = p[used]
                detail = c == 0x22 ? "dấu ngoặc kép (\") nằm trong trường không đặt trong ngoặc kép"
                    : "sau dấu ngoặc kép đóng chỉ được có dấu phân cách hoặc xuống dòng"
            } else {
                detail = String(cString: csv_strerror(csv_error(&parser)))
            }
            let fileOffset: Int? = encoding == .utf16LE || encoding == .utf16BE ? nil
                : offset + used + (encoding == .utf8BOM ? 3 : 0)
            throw CSVReadError.syntax(line: line, column: buffer.fields + 1, offset: fileOffset, detail: detail)
        }
        // A field over the cap, whether libcsv is still in it or has handed it over; exactly the cap passes.
        if parser.entry_pos > maxRecordBytes / 4 || buffer.longestField > maxRecordBytes / 4 || buffer.count > maxRecordBytes {
            throw CSVReadError.tooLong(line: recordLine, limit: maxRecordBytes / 4)
        }
        if buffer.recordDone { try deliver(body) }
    }

    func finish(_ body: (CSVRecord) throws -> Void) throws {
        let ctx = Unmanaged.passUnretained(buffer).toOpaque()
        if parser.pstate == 0 { recordLine = line }
        if csv_fini(&parser, ParseState.onField, ParseState.onRecord, ctx) != 0 {
            throw CSVReadError.syntax(line: recordLine, column: buffer.fields + 1, offset: nil,
                                      detail: "dấu ngoặc kép mở từ dòng \(recordLine) không được đóng trước khi hết tệp")
        }
        if buffer.recordDone { try deliver(body) }
    }

    private func deliver(_ body: (CSVRecord) throws -> Void) throws {
        buffer.recordDone = false
        defer { buffer.reset() }
        let record = CSVRecord(line: recordLine, bytes: UnsafeBufferPointer(start: buffer.bytes, count: buffer.count),
                               ends: UnsafeBufferPointer(start: buffer.ends, count: buffer.fields))
        if record.isBlank { return }
        records += 1
        try body(record)
    }
}

/// Numbers lines the way ``CSVRecordReader`` does (an LF, a CRLF or a lone CR ends one), without parsing:
/// what the tail of a file read in two parts needs to number its own lines before the head is done.
@_spi(RawBytes) public enum LineCount {
    /// The number of the line that starts at byte `offset` of `path` (one more than the line ends before
    /// it); nil when the file cannot be read that far.
    public static func line(at offset: Int, of path: String) -> Int? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { buffer.deallocate() }
        var line = 1
        var previousCR = false
        var done = 0
        while done < offset {
            let n = pread(fd, buffer, min(size, offset - done), off_t(done))
            guard n > 0 else { return nil }
            count(UnsafeBufferPointer(start: buffer, count: n), line: &line, previousCR: &previousCR)
            done += n
        }
        return line
    }

    /// Whether any of the eight bytes of `w` is a CR or an LF (the zero-byte test on `w` xor each).
    @inline(__always)
    static func holdsLineEnd(_ w: UInt64) -> Bool {
        let lf = w ^ 0x0A0A_0A0A_0A0A_0A0A, cr = w ^ 0x0D0D_0D0D_0D0D_0D0D
        let zero = ((lf &- 0x0101_0101_0101_0101) & ~lf) | ((cr &- 0x0101_0101_0101_0101) & ~cr)
        return zero & 0x8080_8080_8080_8080 != 0
    }

    /// Adds the line ends in `bytes` to `line`; `previousCR` carries a CR at the end of one chunk to the next.
    static func count(_ bytes: UnsafeBufferPointer<UInt8>, line: inout Int, previousCR: inout Bool) {
        guard let p = bytes.baseAddress else { return }
        let n = bytes.count
        var i = 0
        while i < n {
            // Eight bytes at a time while none is CR or LF (then the byte before the next one is no CR).
            while i + 8 <= n && !holdsLineEnd(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                previousCR = false
            }
            guard i < n else { break }
            let b = p[i]
            i += 1
            if b == 0x0A {
                if !previousCR { line += 1 }
                previousCR = false
            } else if b == 0x0D {
                line += 1
                previousCR = true
            } else {
                previousCR = false
            }
        }
    }
}
