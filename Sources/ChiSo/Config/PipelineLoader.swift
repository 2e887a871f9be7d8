import Foundation
import Yams

/// Reads and checks a pipeline file.
public enum PipelineLoader {
    static let topKeys = ["pipeline", "title", "period", "compare_to", "tiers", "sources", "indices", "awards"]
    static let sourceKeys = ["units", "dossiers", "late", "postal", "digitized", "targets", "external", "lineage",
                             "delimiter", "max_bad_row_ratio", "aliases"]

    /// Loads `path`; throws ``ConfigError`` naming line and column for every mistake.
    public static func load(path: String) throws -> (PipelineConfig, PipelineSections) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(file: path, "tệp cấu hình không tồn tại (đã tìm ở \(absolutePath(path)))")
        }
        guard !isDirectory.boolValue else { throw ConfigError(file: path, "đây là thư mục, không phải tệp cấu hình YAML") }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw ConfigError(file: path, "tệp cấu hình không phải tệp thường (\(absolutePath(path)))")
        }
        guard Int(st.st_size) <= maxFileBytes else {
            throw ConfigError(file: path, "tệp cấu hình lớn \(st.st_size) byte, quá giới hạn \(maxFileBytes / 1024) KiB của một pipeline")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= maxFileBytes else {
            throw ConfigError(file: path, "không đọc được tệp cấu hình (\(absolutePath(path))): kiểm tra quyền đọc")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, "tệp cấu hình không phải UTF-8")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ConfigError(file: path, "tệp cấu hình rỗng") }
            root = node
        } catch let error as YamlError {
            throw yamlError(error, file: path)
        }
        try checkExpansion(root, file: path)
        let r = YAMLReader(file: path)
        let top = try r.mapping(root, "pipeline", allowed: topKeys)

        let key = try top.string("pipeline")
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }),
              !key.hasPrefix(".") else {
            throw r.error(top.optional("pipeline"), "pipeline: chỉ dùng chữ, số, '-', '_' (là tên thư mục đầu ra)")
        }
        let title = try top.optionalString("title") ?? key

        let periodNode = try top.required("period")
        let pf = try r.mapping(periodNode, "period", allowed: ["key", "from", "to"])
        let periodKey = try pf.string("key")
        guard !periodKey.isEmpty, !periodKey.contains("/"), !periodKey.hasPrefix(".") else {
            throw r.error(pf.optional("key"), "period.key: không được rỗng hay chứa '/'")
        }
        func date(_ k: String) throws -> Day {
            let node = try pf.required(k)
            let text = try r.string(node, "period.\(k)")
            guard let d = PortalDate.parseISO(text) else { throw r.error(node, "period.\(k): \(PortalDate.isoProblem(text))") }
            return d
        }
        let from = try date("from"), to = try date("to")
        guard from <= to else { throw r.error(pf.optional("to"), "period: 'to' phải không trước 'from'") }

        let compareTo = try top.optionalString("compare_to")

        let tierNodes = try r.sequence(try top.required("tiers"), "tiers")
        guard !tierNodes.isEmpty else { throw r.error(top.optional("tiers"), "tiers: cần ít nhất một cấp") }
        var tiers: [Tier] = []
        for node in tierNodes {
            let tf = try r.mapping(node, "tiers[]", allowed: ["key", "label"])
            let tier = Tier(key: try tf.string("key"), label: try tf.optionalString("label") ?? tf.string("key"))
            if tiers.contains(where: { $0.key == tier.key }) { throw r.error(node, "tiers: khóa '\(tier.key)' lặp lại") }
            tiers.append(tier)
        }

        let sources = try loadSources(try top.required("sources"), r)
        let scoring = ScoringLoader(r: r, tiers: tiers)
        let indices = try top.optional("indices").map { try scoring.indices($0) } ?? []
        let awards = try top.optional("awards").map { try scoring.awards($0, indices: indices) } ?? []
        try checkReferencesConfigured(indices: indices, awards: awards, sources: sources, top: top, r: r)
        // The pipeline file's folder as the system names it (absolute, links resolved): the paths its sources
        // resolve to, and the names reports show them by, are then the same however the file was named on
        // the command line (`p.yaml`, `./p.yaml`, `/srv/chiso/p.yaml`), and so are the stages' fingerprints.
        let folder = (path as NSString).deletingLastPathComponent
        let directory = RunLock.realPath(folder.isEmpty ? "." : folder)
        let config = PipelineConfig(
            path: path, directory: directory, pipeline: key, title: title,
            period: Period(key: periodKey, from: from, to: to), compareTo: compareTo,
            tiers: tiers, sources: sources, indices: indices, awards: awards, sha256: Hashing.sha256(data))
        return (config, PipelineSections(root: root))
    }

    /// `target.KEY` / `external.KEY` need their reference file configured (their keys are checked
    /// against its header when the run starts, before any stage).
    static func checkReferencesConfigured(indices: [IndexConfig], awards: [AwardConfig], sources: SourcesConfig,
                                          top: MappingFields, r: YAMLReader) throws {
        var names: [String] = []
        for index in indices {
            for c in index.components { names += c.numerator.names + c.denominator.names }
            if let rec = index.reconciliation { names += (rec.total.map { [$0] } ?? []) + rec.groups.map(\.key) }
        }
        for award in awards {
            for condition in award.eligible {
                switch condition {
                case let .all(p): names += p.lhs.names + p.rhs.names
                case let .any(ps): for p in ps { names += p.lhs.names + p.rhs.names }
                }
            }
            names += award.tieBreak.map(\.name)
        }
        if sources.targets == nil, let name = names.first(where: { $0.hasPrefix("target.") }) {
            throw r.error(top.optional("sources"), "'\(name)' được dùng nhưng sources.targets chưa khai báo")
        }
        if sources.external == nil, let name = names.first(where: { $0.hasPrefix("external.") }) {
            throw r.error(top.optional("sources"), "'\(name)' được dùng nhưng sources.external chưa khai báo")
        }
    }

    static func loadSources(_ node: Node, _ r: YAMLReader) throws -> SourcesConfig {
        let sf = try r.mapping(node, "sources", allowed: sourceKeys)
        var exports: [SourceKind: String] = [:]
        for kind in [SourceKind.dossiers, .late, .postal, .digitized] {
            if let v = try sf.optionalString(kind.rawValue) { exports[kind] = v }
        }
        guard exports[.dossiers] != nil else { throw r.error(node, "sources: thiếu khóa bắt buộc 'dossiers'") }
        var delimiter: Delimiter?
        if let d = sf.optional("delimiter") {
            let text = try r.string(d, "sources.delimiter")
            if text != "auto" {
                guard let parsed = Delimiter(text: text) else {
                    throw r.error(d, "sources.delimiter: dùng auto, \",\", \";\" hoặc \"\\t\"")
                }
                delimiter = parsed
            }
        }
        var ratio = 0.01
        if let n = sf.optional("max_bad_row_ratio") {
            ratio = try r.double(n, "sources.max_bad_row_ratio")
            guard ratio >= 0 && ratio <= 1 else { throw r.error(n, "sources.max_bad_row_ratio: cần từ 0 đến 1") }
        }
        var aliases: [SourceKind: [String: [String]]] = [:]
        if let an = sf.optional("aliases") {
            let kinds: [SourceKind] = [.units, .dossiers, .late, .postal, .digitized]
            let af = try r.mapping(an, "sources.aliases", allowed: kinds.map(\.rawValue))
            for kind in kinds {
                guard let kn = af.optional(kind.rawValue) else { continue }
                let keys = ColumnCatalog.columns(for: kind).map(\.key)
                let kf = try r.mapping(kn, "sources.aliases.\(kind.rawValue)", allowed: keys)
                var perKey: [String: [String]] = [:]
                for k in keys {
                    guard let names = kf.optional(k) else { continue }
                    perKey[k] = try r.list(names, "sources.aliases.\(kind.rawValue).\(k)").map {
                        try r.string($0, "sources.aliases.\(kind.rawValue).\(k)")
                    }
                }
                aliases[kind] = perKey
            }
        }
        var marks: [SourceKind: SourceMark] = [:]
        for kind in [SourceKind.units, .dossiers, .late, .postal, .digitized, .targets, .external, .lineage] {
            if let mark = sf.optional(kind.rawValue)?.mark { marks[kind] = SourceMark(line: mark.line, column: mark.column) }
        }
        return SourcesConfig(
            units: try sf.string("units"), exports: exports,
            targets: try sf.optionalString("targets"), external: try sf.optionalString("external"),
            lineage: try sf.optionalString("lineage"), delimiter: delimiter, maxBadRowRatio: ratio, aliases: aliases,
            marks: marks)
    }

    /// A YAML syntax error at its `line:column`, said in Vietnamese, with the YAML library's own words kept
    /// as detail (`chi tiết: …`) for whoever searches for them.
    /// The largest pipeline file read (a real one is a few KiB).
    public static let maxFileBytes = 256 * 1024
    /// The largest a pipeline file may grow to once its aliases (`*name`) are expanded.
    public static let maxExpandedBytes = 1 << 20

    /// Walks the composed document counting scalar bytes as if every alias were copied, and stops at the
    /// first alias past the budget: a small file of nested aliases ("billion laughs") fails fast.
    static func checkExpansion(_ root: Node, file: String) throws {
        var budget = maxExpandedBytes
        var nodes = 0
        func walk(_ node: Node) throws {
            nodes += 1
            switch node {
            case let .scalar(s): budget -= s.string.utf8.count + 8
            case let .mapping(m): for (k, v) in m { try walk(k); try walk(v) }
            case let .sequence(q): for v in q { try walk(v) }
            default: budget -= 8
            }
            if budget < 0 || nodes > 100_000 {
                throw ConfigError(file: file, line: node.mark?.line, column: node.mark?.column,
                                  "tệp cấu hình, khi mở rộng các bí danh (*tên), lớn hơn \(maxExpandedBytes / 1024) KiB hoặc \(100_000) nút; bỏ bớt bí danh lồng nhau")
            }
        }
        try walk(root)
    }

    static func yamlError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column,
                               "cú pháp YAML sai: \(yamlProblem(problem)) (chi tiết: \(problem))")
        default:
            return ConfigError(file: file, "cú pháp YAML sai (chi tiết: \(error))")
        }
    }

    /// The usual libyaml problems, in Vietnamese.
    static func yamlProblem(_ problem: String) -> String {
        let known: [(String, String)] = [
            ("mapping values are not allowed", "dấu ':' ở chỗ không được phép (thiếu dấu cách sau ':' hay sai thụt lề?)"),
            ("found character that cannot start any token", "có ký tự không được đứng đầu một giá trị (ví dụ tab hay '@'; đặt giá trị trong ngoặc kép)"),
            ("did not find expected key", "thụt lề không khớp: khóa này lệch so với các khóa cùng cấp"),
            ("did not find expected ',' or ']'", "danh sách [...] chưa đóng hoặc thiếu dấu phẩy"),
            ("did not find expected ',' or '}'", "ánh xạ {...} chưa đóng hoặc thiếu dấu phẩy"),
            ("found unexpected end of stream", "tệp kết thúc giữa chừng (ngoặc hay ngoặc kép chưa đóng?)"),
            ("found undefined alias", "bí danh (*alias) chưa được khai báo"),
            ("block sequence entries are not allowed", "mục '- ' ở chỗ không được phép (sai thụt lề?)"),
            ("found unknown escape character", "ký tự thoát '\\' không hợp lệ trong chuỗi ngoặc kép"),
            ("found a tab character", "có ký tự tab dùng để thụt lề (YAML chỉ cho dấu cách)"),
            ("could not find expected ':'", "thiếu dấu ':' sau khóa"),
            ("did not find expected node content", "thiếu giá trị"),
            ("did not find expected '-' indicator", "thụt lề của danh sách không khớp"),
        ]
        return known.first { problem.contains($0.0) }?.1 ?? "không đọc được cấu trúc YAML"
    }

    /// `path` made absolute against the working directory.
    static func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
