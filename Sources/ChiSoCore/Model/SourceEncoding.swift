/// The text encodings SPEC 2.1 accepts, as detected from the first bytes.
public enum SourceEncoding: String, Sendable, Codable {
    case utf8
    case utf8BOM = "utf8-bom"
    case utf16LE = "utf16le"
    case utf16BE = "utf16be"
}
