/// The stages of a run, in order (SPEC 8). The graph is data: each stage names what it reads.
public enum Stage: String, CaseIterable, Sendable, Comparable {
    case ingestUnits = "ingest.units"
    case ingestTargets = "ingest.targets"
    case ingestExternal = "ingest.external"
    case ingestDossiers = "ingest.dossiers"
    case ingestLate = "ingest.late"
    case ingestPostal = "ingest.postal"
    case ingestDigitized = "ingest.digitized"
    case normalize, indices, awards, report

    /// Stages order as the run executes them.
    public static func < (a: Stage, b: Stage) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// One of the `ingest.*` stages, which run together in one pass.
    public var isIngest: Bool { rawValue.hasPrefix("ingest.") }

    /// An ingest of an export (whose rows the warehouse keeps by file and line).
    public var isExport: Bool { [.ingestDossiers, .ingestLate, .ingestPostal, .ingestDigitized].contains(self) }

    /// The export or reference source an ingest stage reads.
    public var source: SourceKind? {
        switch self {
        case .ingestUnits: return .units
        case .ingestTargets: return .targets
        case .ingestExternal: return .external
        case .ingestDossiers: return .dossiers
        case .ingestLate: return .late
        case .ingestPostal: return .postal
        case .ingestDigitized: return .digitized
        default: return nil
        }
    }

    /// Whether files of `kind` belong to this stage (the registry stage also reads the crosswalk).
    public func reads(_ kind: SourceKind) -> Bool { kind == source || (self == .ingestUnits && kind == .lineage) }

    /// What the stage reads (before filtering out unconfigured sources).
    var upstream: [Stage] {
        switch self {
        case .ingestUnits: return []
        case .ingestTargets, .ingestExternal, .ingestDossiers: return [.ingestUnits]
        case .ingestLate, .ingestPostal, .ingestDigitized: return [.ingestDossiers]
        case .normalize: return [.ingestUnits, .ingestDossiers, .ingestLate, .ingestPostal, .ingestDigitized]
        case .indices: return [.ingestUnits, .normalize, .ingestTargets, .ingestExternal]
        case .awards: return [.indices, .normalize, .ingestTargets, .ingestExternal]
        case .report: return [.ingestUnits, .ingestTargets, .ingestExternal, .ingestDossiers, .ingestLate, .ingestPostal,
                              .ingestDigitized, .normalize, .indices, .awards]
        }
    }
}

/// The stages a pipeline has (only configured sources) and how they depend on each other.
public struct StageGraph: Sendable {
    let stages: [Stage]

    init(config: PipelineConfig) {
        stages = Stage.allCases.filter { stage in
            switch stage {
            case .ingestTargets: return config.sources.targets != nil
            case .ingestExternal: return config.sources.external != nil
            case .ingestLate, .ingestPostal, .ingestDigitized: return config.sources.exports[stage.source!] != nil
            default: return true
            }
        }
    }

    func upstream(of stage: Stage) -> [Stage] { stage.upstream.filter(stages.contains) }

    /// `stage` and every stage that reads it, directly or not.
    public func downstream(from stage: Stage) -> [Stage] {
        var set: Set<Stage> = [stage]
        for s in stages where s > stage && upstream(of: s).contains(where: set.contains) { set.insert(s) }
        return stages.filter(set.contains)
    }

    /// Resolves names from the command line: a stage, or `ingest` for every ingest stage.
    public func resolve(_ names: [String]) throws -> [Stage] {
        var out: [Stage] = []
        for raw in names {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if name == "ingest" { out += stages.filter(\.isIngest); continue }
            guard let s = Stage(rawValue: name) else {
                throw ConfigError(file: "--stage", "không có giai đoạn '\(name)' (có: ingest, \(stages.map(\.rawValue).joined(separator: ", ")))")
            }
            guard stages.contains(s) else {
                throw ConfigError(file: "--stage", "giai đoạn '\(name)' không có trong pipeline này (nguồn chưa khai báo)")
            }
            out.append(s)
        }
        return stages.filter(out.contains)
    }
}

/// A stage's fingerprint: the SHA-256 of its named inputs.
public struct Fingerprint: Sendable, Equatable {
    let inputs: [String: String]
    /// Hashed once: a run asks for it at every stage it plans, records and writes.
    let value: String

    init(inputs: [String: String]) {
        self.inputs = inputs
        value = Hashing.sha256(inputs.keys.sorted().map { "\($0)\t\(inputs[$0]!)" }.joined(separator: "\n"))
    }

    /// Names of inputs that differ from `previous` (added, removed or changed).
    public func changes(since previous: [String: String]) -> [String] {
        Set(inputs.keys).union(previous.keys).filter { inputs[$0] != previous[$0] }.sorted()
    }
}

extension Warehouse {
    /// Marks a stage as done with its fingerprint (value and named inputs), inside the stage's transaction.
    static func saveStageState(_ db: any SQLSession, _ key: PeriodKey, stage: String, fingerprint: Fingerprint, run: Int64,
                               rows: Int?) throws {
        try saveStageState(db, key, stage: stage, fingerprint: fingerprint.value, inputs: fingerprint.inputs, run: run, rows: rows)
    }
}
