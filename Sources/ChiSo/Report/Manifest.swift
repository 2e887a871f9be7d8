import Foundation

/// `manifest.json`: what a run read, what it did and how long each stage took.
public struct Manifest: Codable, Sendable {
    struct Input: Codable, Sendable {
        var source: String
        var file: String
        var size: Int
        var sha256: String
        var encoding: String
        var delimiter: String
        var rows: Int
        var quarantined: Int
        var failed: Bool
    }

    struct Stage: Codable, Sendable {
        var name: String
        var status: String
        var seconds: Double
        var fingerprint: String
        var rows: Int?
    }

    var tool: String
    var version: String
    var pipeline: String
    var pipelineFile: String
    var pipelineSHA256: String
    var period: [String: String]
    var asOf: String
    var startedAt: String
    var status: String
    var inputs: [Input]
    var stages: [Stage]
    var findings: [String: Int]
    /// With a crosswalk (SPEC 10): registry rows, reporting units, crosswalk rows, dossiers counted for a
    /// successor, and the reorganization findings by code; absent otherwise.
    public var reorganization: [String: Int]? = nil

    enum CodingKeys: String, CodingKey {
        case tool, version, pipeline, period, status, inputs, stages, findings, reorganization
        case pipelineFile = "pipeline_file", pipelineSHA256 = "pipeline_sha256", asOf = "as_of"
        case startedAt = "started_at"
    }

    func encoded() throws -> [UInt8] {
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
