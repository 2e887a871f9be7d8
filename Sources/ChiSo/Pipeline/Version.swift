/// chiso's version, recorded in manifests and stage fingerprints.
public enum ChiSoVersion {
    public static let current = "0.2.0"
}
