// chiso-fuzz: one input through the CSV reader, the value parsers and the stored dossier state's
// decoder, which must never crash, hang or read out of bounds, whatever the bytes; and read in two parts,
// which must agree with reading it whole. Built two ways:
// - `make fuzz`: with `-sanitize=fuzzer -DFUZZING`, libFuzzer drives `LLVMFuzzerTestOneInput`;
// - plainly (as `swift build` does): a replayer that runs the same function over files named on the
//   command line, so that a crash libFuzzer found can be replayed in a debugger.
// The byte-level parsers are not public API: they take `FieldBytes` (bounds-checked views of a field)
// and are `package` in ChiSoCore or the `RawBytes` SPI in ChiSo, seen by this target and the value tests.
@_spi(RawBytes) import ChiSo
import Foundation

/// The input as a CSV file (through the real reader, header and column lookup included), then every
/// field through the date, number and code parsers.
func fuzzOne(_ bytes: UnsafeBufferPointer<UInt8>, scratch: String) {
    let fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return }
    if let base = bytes.baseAddress, bytes.count > 0 { _ = write(fd, base, bytes.count) }
    close(fd)
    for delimiter in [nil, Delimiter.semicolon] {
        let reader = CSVRecordReader(delimiter: delimiter, maxFieldBytes: 4096, chunkSize: 7)
        _ = try? reader.read(path: scratch) { record in
            for i in 0..<record.count {
                let field = ByteText.trimmed(record[i])
                _ = PortalDate.parse(field)
                _ = ReferenceTable.number(field)
                _ = ByteText.digitsValue(field)
                _ = TrackingCode.isValid(field)
            }
        }
    }
    readInTwoParts(bytes, scratch: scratch)
    let whole = FieldBytes(unsafe: bytes)
    _ = PortalDate.parse(whole)
    _ = ReferenceTable.number(whole)
    // The same bytes as a chunk of the warehouse's stored dossier state and as its id index (the count
    // taken from the chunk's own header, so that the decoder gets past it), then both together.
    let array = Array(bytes)
    var header = ByteReader(array)
    _ = header.u32(); _ = header.u8(); _ = header.u32()
    let count = min(Int(header.u32() ?? 0), StoreSnapshot.chunkSize)
    _ = StoreSnapshot.decodeIndex(array, count: count)
    _ = StoreSnapshot.decode(index: array, chunks: [array], count: count, units: 64)
    // With a well-formed index for that many ids, the chunk's own checks are what stands between the
    // bytes and the store (decoded in place): a store comes back whole or not at all.
    if count <= 4_096 {
        var ids = DossierStore()
        for i in 0..<count { ids.upsert(id: "\(i)", Dossier(unit: 0, received: 0, status: .accepted)) }
        if let whole = StoreSnapshot.decode(index: StoreSnapshot.encodeIndex(ids), chunks: [array], count: count, units: 64) {
            precondition(whole.dossiers.count == count && whole.links.count == count && whole.ids.count == count)
        }
        // The bytes as a pending chunk read again (``PendingChunks``): its records fill the store or the
        // store is marked failed, and nothing else.
        ids.pending = PendingChunks(chunks: [0], units: 64) { _ in array }
        let filled = ids.fillPending(chunk: 0)
        precondition(filled != ids.pendingFailed && (filled ? ids.pending == nil : ids.pending != nil))
    }
}

/// The file read in two parts (cut after the first LF from its middle, as chiso cuts a big dossier file)
/// must give the records of the file read whole whenever the head ends between records at the line the
/// tail was numbered from; a difference stops the fuzzer as a crash would.
func readInTwoParts(_ bytes: UnsafeBufferPointer<UInt8>, scratch: String) {
    guard let lf = bytes[(bytes.count / 2)...].firstIndex(of: 0x0A), lf + 1 < bytes.count else { return }
    let cut = lf + 1
    func read(_ part: FilePart?, chunk: Int) -> (rows: [String], info: CSVFileInfo, reader: CSVRecordReader)? {
        let reader = CSVRecordReader(maxFieldBytes: 4096, chunkSize: chunk)
        var rows: [String] = []
        guard let info = try? reader.read(path: scratch, part: part, { record in
            rows.append("\(record.line):" + (0..<record.count).map { record.string($0) }.joined(separator: "\u{1F}"))
        }) else { return nil }
        return (rows, info, reader)
    }
    guard let head = read(.head(cut: cut), chunk: 5), let firstLine = LineCount.line(at: cut, of: scratch),
          head.info.nextLine == firstLine, let delimiter = head.reader.delimiterInUse else { return }
    let whole = read(nil, chunk: 7)?.rows
    let tail = read(.tail(cut: cut, delimiter: delimiter, encoding: head.reader.encodingInUse ?? .utf8, firstLine: firstLine),
                    chunk: 3)?.rows
    if let tail {
        if whole != head.rows + tail { fatalError("the two parts differ from the whole file") }
    } else if whole != nil {
        fatalError("the tail failed where the whole file reads")
    }
}

#if FUZZING
nonisolated(unsafe) let scratchFile = "/dev/shm/chiso-fuzz-\(getpid()).csv"

/// libFuzzer's entry point: one input through the reader and the value parsers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOne(UnsafeBufferPointer(start: data, count: size), scratch: scratchFile)
    return 0
}

/// libFuzzer's entry when the program has its own `main` (SwiftPM names an executable's entry point
/// `chiso_fuzz_main`, so libFuzzer's own `main` is not used).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// libFuzzer's `main`, when built with `-sanitize=fuzzer`.
@_cdecl("chiso_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
#else
@main
enum Replay {
    static func main() {
        let scratch = NSTemporaryDirectory() + "chiso-fuzz-replay-\(getpid()).csv"
        defer { unlink(scratch) }
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            [UInt8](data).withUnsafeBufferPointer { fuzzOne($0, scratch: scratch) }
            print("ok \(path)")
        }
    }
}
#endif
