import Foundation

/// Help text, as is; for `make man` (`CHISO_MAN_ESCAPES=1`) every non-ASCII character becomes an ASCII
/// token `@uXXXX@` that the Makefile turns into groff's `\[uXXXX]`. swift-argument-parser's manual
/// generator drops non-ASCII characters, which would strip Vietnamese of its diacritics.
func vi(_ text: String) -> String {
    guard ProcessInfo.processInfo.environment["CHISO_MAN_ESCAPES"] == "1" else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if scalar.isASCII { out.unicodeScalars.append(scalar) } else { out += "@u" + String(format: "%04X", scalar.value) + "@" }
    }
    return out
}
