#if canImport(Glibc)
import Glibc
#endif

/// Output helpers: errors to stderr, `isatty` for progress.
enum Terminal {
    static func error(_ text: String) {
        let line = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
