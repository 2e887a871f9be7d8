import Foundation

/// Help text, as is; for `make man` (`CHISO_MAN_ESCAPES=1`) every non-ASCII character becomes an ASCII
/// token `@uXXXX@` that the Makefile turns into groff's `\[uXXXX]`. swift-argument-parser's manual
/// generator drops non-ASCII characters, which would strip Vietnamese of its diacritics.
func vi(_ text: String) -> String {
    guard manualEscapes else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if scalar.isASCII { out.unicodeScalars.append(scalar) } else { out += "@u" + String(format: "%04X", scalar.value) + "@" }
    }
    return out
}

/// Whether `make man` asked for escapes: read once. The help texts are built at every start (a few hundred
/// of them), and each read of the environment copies it into a dictionary: 5 ms of every command.
private let manualEscapes = ProcessInfo.processInfo.environment["CHISO_MAN_ESCAPES"] == "1"
