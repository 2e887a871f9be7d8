import Foundation
import Testing

/// ChiSoCore is the functional core: the SPEC's rules as pure functions over value types. The package
/// manifest already keeps GRDB, Yams, libcsv, libpq and swift-crypto out of it (it has no dependencies);
/// this test keeps out what the compiler cannot: files, processes, the clock, threads and printing.
@Suite struct CorePurityTests {
    static let core = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/ChiSoCore").path

    /// Each core source file with its text.
    func sources() throws -> [(String, String)] {
        let files = FileManager.default.enumerator(atPath: Self.core)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        return try files.sorted().map { ($0, try String(contentsOfFile: Self.core + "/" + $0, encoding: .utf8)) }
    }

    @Test func theCoreDoesNoInputOrOutput() throws {
        let forbidden = ["FileManager", "FileHandle", "fopen", "URL(", "Data(contentsOf", "contentsOfFile", "ProcessInfo", "getenv",
                         "Date()", "DispatchQueue", "Thread", "print(", "stat(", "glob(", "open(", "unlink(", "rename("]
        let all = try sources()
        #expect(all.count > 20)
        for (file, text) in all {
            for word in forbidden {
                #expect(!text.contains(word), "ChiSoCore/\(file) uses \(word)")
            }
        }
    }

    @Test func theCoreImportsOnlyWhatItNeedsForText() throws {
        for (file, text) in try sources() {
            let imports = text.split(separator: "\n").filter { $0.hasPrefix("import ") }.map(String.init)
            let allowed: Set<String> = file == "Support/ByteText.swift" ? ["import Foundation"]  // NFC normalization
                : file == "Support/ByteTable.swift" || file == "Support/FieldBytes.swift"
                    ? ["import Glibc", "import Darwin", "import CPrefetch"]                // malloc, memcmp, prefetch
                : []
            #expect(Set(imports).isSubset(of: allowed), "ChiSoCore/\(file) imports \(imports)")
        }
    }
}

/// Pointer code lives where the buffers are owned: the CSV reader, the byte table and its `FieldBytes`
/// views, the two warehouses' bulk writers and row readers, `RawGrowth` (which grows the reader's and the
/// bulk insert's buffers), the stored state's assembly (the store's arrays, filled in place by several
/// cores), and the fuzzer's C entry points. Everything that parses a field reads it
/// through `FieldBytes`, bounds-checked.
@Suite struct UnsafeCodeTests {
    @Test func unsafePointersStayInTheFilesThatOwnTheBuffers() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources").path
        let allowed: Set<String> = ["ChiSo/Ingest/CSV/CSVRecordReader.swift", "ChiSo/Ingest/CSV/DecodingReader.swift",
                                    "ChiSoCore/Support/ByteTable.swift", "ChiSoCore/Support/FieldBytes.swift",
                                    "ChiSo/Warehouse/BulkSQL.swift", "ChiSo/Warehouse/Postgres/PostgresConnection.swift",
                                    "ChiSo/Support/RawGrowth.swift",  // the two raw buffers' growth
                                    "ChiSoCore/Snapshot/StoreAssembly.swift",  // the stored state decoded in place
                                    "ChiSoCore/Snapshot/ByteCoding.swift",  // whole words loaded after the bound check
                                    "ChiSo/Warehouse/Postgres/PostgresSession.swift", "chiso-fuzz/FuzzTarget.swift"]
        let files = FileManager.default.enumerator(atPath: sources)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 100)
        for file in files.sorted() {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            if text.contains("Unsafe") || text.contains("unsafeBitCast") {
                #expect(allowed.contains(file), "\(file) uses unsafe pointers")
            }
        }
    }
}
