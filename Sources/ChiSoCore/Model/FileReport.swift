/// What reading one input file produced, for the manifest and the warehouse.
public struct FileReport: Sendable, Codable {
    /// The source it was read as.
    public var source: SourceKind
    /// Relative to the pipeline file.
    public var file: String
    /// Bytes.
    public var size: Int
    /// SHA-256 of its bytes (what the fingerprints are made of).
    public var sha256: String
    /// The encoding detected from its first bytes.
    public var encoding: SourceEncoding
    /// The delimiter used (detected or configured), as written.
    public var delimiter: String
    /// Data records read (the header and blank lines excluded).
    public var rows: Int
    /// Rows set aside with a finding (SPEC 2.1 quarantine).
    public var quarantined: Int
    /// True when the file failed (SPEC 2.1): encoding, syntax, header, missing column or too many bad rows.
    public var failed: Bool

    /// Every stored property, as the shell's loaders build it.
    package init(source: SourceKind, file: String, size: Int, sha256: String, encoding: SourceEncoding, delimiter: String, rows: Int, quarantined: Int, failed: Bool) {
        self.source = source
        self.file = file
        self.size = size
        self.sha256 = sha256
        self.encoding = encoding
        self.delimiter = delimiter
        self.rows = rows
        self.quarantined = quarantined
        self.failed = failed
    }
}
