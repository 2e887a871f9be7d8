/// Builds a CSV for Excel as SPEC 7.1 says: UTF-8 with BOM, comma-delimited, every record ending in
/// CRLF, a field quoted only if it holds `,`, `"`, CR or LF, inner quotes doubled.
public struct OfficeCSV {
    var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    init() {}

    init(header: [String]) {
        append(header)
    }

    mutating func append(_ fields: [String]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            let utf8 = field.utf8
            if utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) {
                bytes.append(0x22)
                for b in utf8 {
                    if b == 0x22 { bytes.append(0x22) }
                    bytes.append(b)
                }
                bytes.append(0x22)
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
        bytes.append(0x0D)
        bytes.append(0x0A)
    }
}

/// Header style of the Office CSVs: Vietnamese labels (default) or keys (for scripts).
public enum HeaderStyle: String, Sendable, CaseIterable {
    case vi, keys
}
