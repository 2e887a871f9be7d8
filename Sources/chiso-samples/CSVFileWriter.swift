import Foundation

/// How a generated file is written: the mix real portal exports come in.
struct FileStyle {
    enum Encoding { case utf8, utf8BOM, utf16LE }
    var encoding: Encoding
    var delimiter: String
    var lineEnd: String
}

/// Streams CSV lines to a file in one of the portal's styles.
final class CSVFileWriter {
    private let handle: FileHandle
    private let style: FileStyle
    private var buffer: [UInt8] = []

    init(path: String, style: FileStyle) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { fail("không tạo được \(path)") }
        handle = h
        self.style = style
        switch style.encoding {
        case .utf8: break
        case .utf8BOM: buffer += [0xEF, 0xBB, 0xBF]
        case .utf16LE: buffer += [0xFF, 0xFE]
        }
    }

    /// Quotes a field when it holds the delimiter, a quote or a line end.
    func field(_ s: String) -> String {
        if s.contains(style.delimiter) || s.contains("\"") || s.contains("\n") || s.contains("\r") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    func row(_ fields: [String]) { raw(fields.map(field).joined(separator: style.delimiter)) }

    /// Writes a line exactly as given (for deliberately broken rows).
    func raw(_ line: String) {
        let text = line + style.lineEnd
        switch style.encoding {
        case .utf8, .utf8BOM: buffer.append(contentsOf: text.utf8)
        case .utf16LE:
            for unit in text.utf16 { buffer.append(UInt8(unit & 0xFF)); buffer.append(UInt8(unit >> 8)) }
        }
        if buffer.count > 1 << 20 { flush() }
    }

    func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        try? handle.close()
    }
}
