
/// A tier of units (cấp), e.g. `tinh` "Sở, ban, ngành cấp tỉnh".
public struct Tier: Sendable, Equatable {
    /// Short identifier, as the registry or the pipeline writes it (`tinh`).
    public let key: String
    /// Name shown to people (“Sở, ban, ngành”).
    public let label: String

    /// Every stored property, as the shell's loaders build it.
    package init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}

/// The reporting period `[from, to]` (kỳ đánh giá) and its key.
public struct Period: Sendable, Equatable {
    /// The period's key in file names and the warehouse (`2025`, `2025-06`).
    public let key: String
    /// First day, inclusive.
    public let from: Day
    /// Last day, inclusive; also the default `as_of`.
    public let to: Day

    /// A period from its key and days.
    public init(key: String, from: Day, to: Day) {
        self.key = key
        self.from = from
        self.to = to
    }
}

/// Where the exports are and how to read them (SPEC 6a `sources`).
public struct SourcesConfig: Sendable {
    /// The units registry file (danh mục đơn vị).
    public var units: String
    /// Globs, relative to the pipeline file, per source (dossiers, late, postal, digitized).
    public var exports: [SourceKind: String]
    /// The targets file (chỉ tiêu giao), if any.
    public var targets: String?
    /// The external indices file, if any.
    public var external: String?
    /// The reorganization crosswalk (danh mục sắp xếp đơn vị, SPEC 10.2), if any.
    public var lineage: String?
    /// nil = detect per file.
    public var delimiter: Delimiter?
    /// The share of bad rows above which a file fails (SPEC 2.1).
    public var maxBadRowRatio: Double
    /// Pipeline-added header aliases per source and key.
    public var aliases: [SourceKind: [String: [String]]]
    /// Where each path was written in the pipeline file (line, column), for errors about the files it names.
    public var marks: [SourceKind: SourceMark] = [:]

    /// Every stored property, as the shell's loaders build it.
    package init(units: String, exports: [SourceKind: String], targets: String? = nil, external: String? = nil, lineage: String? = nil, delimiter: Delimiter? = nil, maxBadRowRatio: Double, aliases: [SourceKind: [String: [String]]], marks: [SourceKind: SourceMark] = [:]) {
        self.units = units
        self.exports = exports
        self.targets = targets
        self.external = external
        self.lineage = lineage
        self.delimiter = delimiter
        self.maxBadRowRatio = maxBadRowRatio
        self.aliases = aliases
        self.marks = marks
    }
}

/// A place in the pipeline file (1-based line and column).
public struct SourceMark: Sendable, Equatable {
    /// 1-based line in the pipeline file.
    public let line: Int
    /// 1-based column on that line.
    public let column: Int

    /// Every stored property, as the shell's loaders build it.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A pipeline file (SPEC 6a): one movement and period.
public struct PipelineConfig: Sendable {
    /// The pipeline file as given on the command line.
    public let path: String
    /// Its folder: paths inside the file are relative to it.
    public let directory: String
    /// The pipeline's key: output folder, warehouse rows, run lock.
    public let pipeline: String
    /// The title of the report and the workbook.
    public let title: String
    /// The period evaluated.
    public let period: Period
    /// Another period of the same pipeline whose ranks give `prev_rank`.
    public let compareTo: String?
    /// Tiers in listing order.
    public let tiers: [Tier]
    /// Where the inputs are.
    public let sources: SourcesConfig
    /// The indices, in the file's order.
    public let indices: [IndexConfig]
    /// The awards, in the file's order.
    public let awards: [AwardConfig]
    /// SHA-256 of the file's bytes.
    public let sha256: String

    /// The tier a registry value names, by key or label (case, spaces and NFC/NFD ignored).
    public func tier(matching text: String) -> Tier? {
        let wanted = ByteText.normalizedKey(text)
        return tiers.first { ByteText.normalizedKey($0.key) == wanted || ByteText.normalizedKey($0.label) == wanted }
    }

    /// Every `target.KEY` / `external.KEY` the pipeline uses, by source, with the place it is used.
    public func referenceKeys() -> [SourceKind: Set<String>] {
        var out: [SourceKind: Set<String>] = [:]
        func add(_ names: [String]) {
            for n in names {
                if n.hasPrefix("target.") { out[.targets, default: []].insert(String(n.dropFirst(7))) }
                if n.hasPrefix("external.") { out[.external, default: []].insert(String(n.dropFirst(9))) }
            }
        }
        for index in indices {
            for c in index.components { add(c.numerator.names + c.denominator.names) }
            if let rec = index.reconciliation { add((rec.total.map { [$0] } ?? []) + rec.groups.map(\.key)) }
        }
        for award in awards {
            for condition in award.eligible {
                switch condition {
                case let .all(p): add(p.lhs.names + p.rhs.names)
                case let .any(ps): for p in ps { add(p.lhs.names + p.rhs.names) }
                }
            }
            add(award.tieBreak.map(\.name))
        }
        return out
    }

    /// Position of a tier key in the pipeline's order.
    public func tierOrder(_ key: String) -> Int { tiers.firstIndex { $0.key == key } ?? tiers.count }

    /// An absolute-or-cwd-relative path for a path written in the pipeline file.
    public func resolve(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : (directory.isEmpty ? relative : directory + "/" + relative)
    }

    /// The path as reports show it: relative to the pipeline file, `/`-separated.
    public func display(_ resolved: String) -> String {
        let prefix = directory.isEmpty ? "" : directory + "/"
        return !prefix.isEmpty && resolved.hasPrefix(prefix) ? String(resolved.dropFirst(prefix.count)) : resolved
    }

    /// Every stored property, as the shell's loaders build it.
    package init(path: String, directory: String, pipeline: String, title: String, period: Period, compareTo: String?, tiers: [Tier], sources: SourcesConfig, indices: [IndexConfig], awards: [AwardConfig], sha256: String) {
        self.path = path
        self.directory = directory
        self.pipeline = pipeline
        self.title = title
        self.period = period
        self.compareTo = compareTo
        self.tiers = tiers
        self.sources = sources
        self.indices = indices
        self.awards = awards
        self.sha256 = sha256
    }
}
