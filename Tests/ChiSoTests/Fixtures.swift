import Foundation
@testable import ChiSo
@testable import ChiSoCore

/// A temporary folder that tests write small inline fixtures into.
final class TempDir {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "chiso-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + name
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
}

/// Reads a file with chiso's reader: every record as (line, fields).
func records(_ path: String, delimiter: Delimiter? = nil, maxField: Int = 1 << 20, chunk: Int = 1 << 20) throws
    -> [(line: Int, fields: [String])] {
    var out: [(Int, [String])] = []
    try CSVRecordReader(delimiter: delimiter, maxFieldBytes: maxField, chunkSize: chunk).read(path: path) { r in
        out.append((r.line, (0..<r.count).map { r.string($0) }))
    }
    return out
}

/// `yyyy-MM-dd` as a day number.
func day(_ iso: String) -> Day { PortalDate.parseISO(iso)! }
