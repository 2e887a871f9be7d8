import Foundation
import GRDB
import Testing

/// The examples in README.md and docs/ work on the samples: every `sqlite3 var/chiso.sqlite "…"` query
/// returns rows after the sample pipelines have run, and no document links outside the repository.
@Suite(.serialized) struct DocumentationTests {
    static let documents = ["README.md", "docs/README.md", "docs/inputs.md", "docs/rules.md", "docs/outputs.md",
                            "docs/warehouse.md", "docs/command-line.md"]

    /// The SQL of every `sqlite3 var/chiso.sqlite "..."` in a document.
    static func queries(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "sqlite3 var/chiso.sqlite \"") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            out.append(String(rest[..<end]))
            rest = rest[rest.index(after: end)...]
        }
        return out
    }

    @Test func everyDocumentedQueryReturnsRowsOnTheSamples() throws {
        let s = Scratch()
        let db = s.path + "/chiso.sqlite"
        for pipeline in ["sample", "hoa-phong-2024", "hoa-phong-2025-hai-cap"] {
            let r = try CLI.run(["run", "pipelines/\(pipeline).yaml", "--db", db, "--out", s.path])
            #expect(r.status == 0, "\(pipeline): \(r.stderr)")
        }
        let warehouse = try DatabaseQueue(path: db)
        var count = 0
        for document in Self.documents {
            let text = try String(contentsOfFile: CLI.root + "/" + document, encoding: .utf8)
            for sql in Self.queries(in: text) {
                count += 1
                let rows = try warehouse.read { try Row.fetchAll($0, sql: sql) }
                #expect(!rows.isEmpty, "\(document): no row for \(sql)")
            }
        }
        #expect(count >= 12)
    }

    @Test func noDocumentLinksOutsideTheRepository() throws {
        for document in Self.documents {
            let text = try String(contentsOfFile: CLI.root + "/" + document, encoding: .utf8)
            #expect(!text.contains("../shared"), "\(document)")
            // Every relative link points at a file of the repository.
            let folder = (document as NSString).deletingLastPathComponent
            var rest = Substring(text)
            while let open = rest.range(of: "](") {
                rest = rest[open.upperBound...]
                guard let close = rest.firstIndex(of: ")") else { break }
                let target = String(rest[..<close]).components(separatedBy: "#")[0]
                rest = rest[close...]
                guard !target.isEmpty, !target.hasPrefix("http") else { continue }
                let path = CLI.root + "/" + (folder.isEmpty ? "" : folder + "/") + target
                #expect(FileManager.default.fileExists(atPath: path), "\(document) links \(target)")
            }
        }
    }
}
