import Foundation

/// Byte-level helpers for UTF-8 field text: trimming, digits, NFC.
public enum ByteText {
    /// Spaces, tabs, CR, LF and NBSP (U+00A0, as Excel sometimes exports) around a value.
    package static func trimmed(_ field: FieldBytes) -> FieldBytes {
        var lo = 0
        var hi = field.count
        while lo < hi {
            let b = field[lo]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { lo += 1; continue }
            if b == 0xC2 && lo + 1 < hi && field[lo + 1] == 0xA0 { lo += 2; continue }
            break
        }
        while hi > lo {
            let b = field[hi - 1]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { hi -= 1; continue }
            if b == 0xA0 && hi - 2 >= lo && field[hi - 2] == 0xC2 { hi -= 2; continue }
            break
        }
        return field.slice(lo..<hi)
    }

    /// True when every byte is ASCII (and so the text is already NFC).
    @inline(__always)
    package static func isASCII(_ field: FieldBytes) -> Bool {
        for b in field where b >= 0x80 { return false }
        return true
    }

    /// The field as a Swift string in Unicode NFC (SPEC 2.1: all text is NFC after decoding).
    package static func string(_ field: FieldBytes) -> String {
        let s = String(decoding: field, as: UTF8.self)
        return isASCII(field) ? s : s.precomposedStringWithCanonicalMapping
    }

    /// A value of ASCII digits only, read as an integer (`09` = 9); nil otherwise or on overflow.
    package static func digitsValue(_ field: FieldBytes) -> Int? {
        guard !field.isEmpty, field.count <= 18 else {
            if field.count > 18, field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                let stripped = field.drop(while: { $0 == 0x30 })
                if stripped.count <= 18 { return stripped.reduce(0) { $0 * 10 + Int($1 - 0x30) } }
            }
            return nil
        }
        var v = 0
        for b in field {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        return v
    }

    /// SPEC 2.1's comparison form for headers and enumerated values:
    /// NFC, trimmed, inner whitespace collapsed to one space, lower-cased.
    public static func normalizedKey(_ text: String) -> String {
        let nfc = text.precomposedStringWithCanonicalMapping
        var out = ""
        var pendingSpace = false
        for scalar in nfc.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.unicodeScalars.append(scalar)
        }
        return out.lowercased().precomposedStringWithCanonicalMapping
    }

    /// `normalizedKey` of raw field bytes.
    package static func normalizedKey(_ field: FieldBytes) -> String {
        normalizedKey(String(decoding: field, as: UTF8.self))
    }

    /// Trimmed and upper-cased, as unit codes are compared (SPEC 1).
    public static func unitCode(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping.uppercased()
    }
}
