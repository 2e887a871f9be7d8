/// `chiso compare`: one table across the pipelines (provinces) that share a warehouse — per pipeline, the
/// distribution of its units' scores on an index and its top units. Pure: rows in, table out.
public struct Comparison: Sendable {
    /// One pipeline's scored units on the compared index.
    public struct Entry: Sendable {
        /// The pipeline (province and movement) the row is about.
        public let pipeline: String
        let index: String
        /// (code, name, shown score) of every unit with a score.
        public let units: [(code: String, name: String, score: Double)]

        /// An entry of scored units.
        public init(pipeline: String, index: String, units: [(code: String, name: String, score: Double)]) {
            self.pipeline = pipeline
            self.index = index
            self.units = units
        }
    }

    let entries: [Entry]
    /// How many top units each row names.
    public let top: Int

    /// A comparison of these entries, naming `top` units each.
    public init(entries: [Entry], top: Int = 3) {
        self.entries = entries
        self.top = top
    }

    /// The median of shown scores (the mean of the two middle ones for an even count), rounded like scores.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : Rounding.round2((sorted[mid - 1] + sorted[mid]) / 2)
    }

    /// The units with the highest scores (ties by code).
    func leaders(_ entry: Entry) -> [(code: String, name: String, score: Double)] {
        Array(entry.units.sorted { $0.score != $1.score ? $0.score > $1.score : $0.code.utf8.lexicographicallyPrecedes($1.code.utf8) }.prefix(top))
    }

    /// The comparison as a table: pipeline, index, units scored, min, median, max, then the top units.
    public var table: ReportTable {
        var columns: [(String, String, ReportTable.Kind)] = [
            ("pipeline", "Pipeline", .text), ("index", "Chỉ số", .text), ("units", "Số đơn vị có điểm", .integer),
            ("min", "Thấp nhất", .fixed2), ("median", "Trung vị", .fixed2), ("max", "Cao nhất", .fixed2)]
        for i in 1...top {
            columns += [("top\(i)_code", "Hạng \(i): mã", .text), ("top\(i)_name", "Hạng \(i): tên", .text),
                        ("top\(i)_score", "Hạng \(i): điểm", .fixed2)]
        }
        var t = Reports.table(columns, style: .vi)
        for e in entries {
            let scores = e.units.map(\.score)
            var row = [e.pipeline, e.index, String(scores.count), scores.min().map(Format.fixed2) ?? "",
                       Self.median(scores).map(Format.fixed2) ?? "", scores.max().map(Format.fixed2) ?? ""]
            let leaders = leaders(e)
            for i in 0..<top {
                row += i < leaders.count ? [leaders[i].code, leaders[i].name, Format.fixed2(leaders[i].score)] : ["", "", ""]
            }
            t.append(row)
        }
        return t
    }
}
