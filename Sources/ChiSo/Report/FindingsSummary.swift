/// What a person at a terminal wants to know of a run's findings: counts by severity, the five most
/// frequent codes with their meaning, and the file with the most quarantined rows.
public struct FindingsSummary: Sendable {
    let findings: [Finding]
    let files: [FileReport]

    /// A summary of these findings and files.
    public init(findings: [Finding], files: [FileReport]) {
        self.findings = findings
        self.files = files
    }

    /// Findings per code, most frequent first (ties by code), with the code's severity.
    public var byCode: [(code: FindingCode, severity: Severity, count: Int)] {
        var counts: [FindingCode: (Severity, Int)] = [:]
        for f in findings { counts[f.code, default: (f.severity, 0)].1 += 1 }
        return counts.map { ($0.key, $0.value.0, $0.value.1) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.code.rawValue < $1.code.rawValue }
    }

    /// The lines, in Vietnamese.
    public var lines: [String] {
        if findings.isEmpty { return ["chiso: dữ liệu sạch, không có phát hiện nào"] }
        var counts: [Severity: Int] = [:]
        for f in findings { counts[f.severity, default: 0] += 1 }
        let severities = [Severity.error, .warning, .info].map { "\(counts[$0] ?? 0) \($0.label.lowercased())" }
        var out = ["chiso: \(findings.count) phát hiện về chất lượng dữ liệu (\(severities.joined(separator: ", ")))"]
        for entry in byCode.prefix(5) {
            out.append("  \(String(entry.count).leftPadded(7))  \(entry.code.rawValue) (\(entry.severity.label)): \(entry.code.meaning)")
        }
        if let worst = files.filter({ $0.quarantined > 0 }).max(by: { ($0.quarantined, $1.file) < ($1.quarantined, $0.file) }) {
            out.append("  tệp có nhiều dòng bị loại nhất: \(worst.file) (\(worst.quarantined)/\(worst.rows) dòng)")
        }
        return out
    }
}

extension String {
    /// Right-aligned in `width` characters (for terminal tables).
    public func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
