/// Everything the ingest produced: valid dossiers with their links, per-file reports and findings.
public struct IngestResult: Sendable {
    /// An empty result, filled by the ingest.
    public init() {}

    /// Valid dossiers with their linked rows.
    public var store = DossierStore()
    /// Every export file read, in reading order.
    public var files: [FileReport] = []
    /// Each file's id (`RowRef.file`, `source_files.file_id`), parallel to `files`: see ``FileIDs``.
    public var fileIDs: [Int] = []
    /// Findings of every file read.
    public var findings: [Finding] = []
    /// The sources that were configured (late_unlisted is checked only when `late` is).
    public var configured: Set<SourceKind> = []

    /// The file with id `id` (what a `RowRef` points at), if it is in this result.
    public func file(_ id: Int) -> FileReport? {
        fileIDs.firstIndex(of: id).map { files[$0] }
    }

    /// Records a file read, under the id its source and place give it.
    package mutating func append(_ report: FileReport, id: Int) {
        files.append(report)
        fileIDs.append(id)
    }

    /// The id the next file of `source` gets.
    package func nextFileID(_ source: SourceKind) -> Int {
        FileIDs.id(source, files.reduce(0) { $0 + ($1.source == source ? 1 : 0) })
    }

    /// True when any file failed (the run then exits 1 and writes nothing but the findings).
    public var failed: Bool { files.contains { $0.failed } }
}
