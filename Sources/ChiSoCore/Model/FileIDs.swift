/// How an export file's id (`RowRef.file`, `source_files.file_id`) is made: its place among the files of
/// its own source, offset by a range per source. So adding, removing or reordering the files of one
/// source never renumbers another source's rows (a new dossier file does not rewrite every linked row),
/// and a cold run and an incremental one give every row the same id.
public enum FileIDs {
    /// Files per source: the ids of the four export sources share a 16-bit space.
    public static let perSource = 16_384

    /// The id of the `index`-th file (0-based, in reading order) of `source`.
    public static func id(_ source: SourceKind, _ index: Int) -> Int {
        let base: Int
        switch source {
        case .late: base = 1
        case .postal: base = 2
        case .digitized: base = 3
        default: base = 0
        }
        return base * perSource + index
    }
}
