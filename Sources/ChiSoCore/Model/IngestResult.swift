/// Everything the ingest produced: valid dossiers with their links, per-file reports and findings.
public struct IngestResult: Sendable {
    /// An empty result, filled by the ingest.
    public init() {}

    /// Valid dossiers with their linked rows.
    public var store = DossierStore()
    /// Every export file read, in reading order; `RowRef.file` indexes this list.
    public var files: [FileReport] = []
    /// Findings of every file read.
    public var findings: [Finding] = []
    /// The sources that were configured (late_unlisted is checked only when `late` is).
    public var configured: Set<SourceKind> = []

    /// True when any file failed (the run then exits 1 and writes nothing but the findings).
    public var failed: Bool { files.contains { $0.failed } }
}
