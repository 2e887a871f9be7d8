#if canImport(Glibc)
import Glibc
#endif
import ChiSo

/// Output helpers: errors to stderr, `isatty` for progress.
enum Terminal {
    static func error(_ text: String) {
        let line = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
        _ = write(2, line, line.count)
    }

    /// For each failed file, its file-level errors as `file:line: code: message` (at most 5 per file).
    static func reportFailedFiles(_ files: [FileReport], findings: [Finding]) {
        let fileLevel: Set<FindingCode> = [.encoding, .syntax, .noHeader, .missingColumn, .tooManyBadRows]
        for file in files where file.failed {
            for f in findings.filter({ $0.file == file.file && fileLevel.contains($0.code) }).prefix(5) {
                Terminal.error("\(f.file)\(f.line.map { ":\($0)" } ?? ""): \(f.code.rawValue): \(f.message)")
            }
        }
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
