import Foundation

/// `manifest.json`: what a run read, what it did and how long each stage took.
public struct Manifest: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public var source: String
        public var file: String
        public var size: Int
        public var sha256: String
        public var encoding: String
        public var delimiter: String
        public var rows: Int
        public var quarantined: Int
        public var failed: Bool
    }

    public struct Stage: Codable, Sendable {
        public var name: String
        public var status: String
        public var seconds: Double
        public var fingerprint: String
        public var rows: Int?
    }

    public var tool: String
    public var version: String
    public var pipeline: String
    public var pipelineFile: String
    public var pipelineSHA256: String
    public var period: [String: String]
    public var asOf: String
    public var startedAt: String
    public var status: String
    public var inputs: [Input]
    public var stages: [Stage]
    public var findings: [String: Int]
    /// With a crosswalk (SPEC 10): registry rows, reporting units, crosswalk rows, dossiers counted for a
    /// successor, and the reorganization findings by code; absent otherwise.
    public var reorganization: [String: Int]? = nil

    enum CodingKeys: String, CodingKey {
        case tool, version, pipeline, period, status, inputs, stages, findings, reorganization
        case pipelineFile = "pipeline_file", pipelineSHA256 = "pipeline_sha256", asOf = "as_of"
        case startedAt = "started_at"
    }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    static func input(_ f: FileReport) -> Input {
        Input(source: f.source.rawValue, file: f.file, size: f.size, sha256: f.sha256, encoding: f.encoding.rawValue,
              delimiter: f.delimiter == "\t" ? "\\t" : f.delimiter, rows: f.rows, quarantined: f.quarantined,
              failed: f.failed)
    }
}
