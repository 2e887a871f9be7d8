/// chiso's version, recorded in manifests and stage fingerprints.
public enum ChiSoVersion {
    /// The version written into manifests, the warehouse's `runs` and `--version`.
    public static let current = "0.2.0"
}
