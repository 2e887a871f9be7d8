// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "chiso",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "chiso", targets: ["chiso"]),
        .library(name: "ChiSo", targets: ["ChiSo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        /// libcsv (Debian `libcsv-dev`): the CSV tokenizer under chiso's reader.
        .systemLibrary(name: "CLibCSV", pkgConfig: nil, providers: [.apt(["libcsv-dev"])]),
        /// libxlsxwriter (Debian `libxlsxwriter-dev`): the Office workbook `bao-cao.xlsx` (SPEC 11.1).
        .systemLibrary(name: "CXlsxWriter", pkgConfig: nil, providers: [.apt(["libxlsxwriter-dev"])]),
        /// libpq (Debian `libpq-dev`): the shared PostgreSQL warehouse (SPEC 12), `COPY` for bulk rows.
        .systemLibrary(name: "CLibPQ", pkgConfig: nil, providers: [.apt(["libpq-dev"])]),
        /// libdeflate (Debian `libdeflate-dev`): CRC-32, the check each stored-state chunk is read back with
        /// (16.6 GB/s here against 2 for SHA-256, which stays the key that tells a changed chunk at save).
        .systemLibrary(name: "CLibDeflate", pkgConfig: nil, providers: [.apt(["libdeflate-dev"])]),
        /// The CPU's prefetch hint (`__builtin_prefetch`), which Swift does not spell: the byte table asks for
        /// a batch of lookups' cache lines at once. Header only; it reads and writes nothing.
        .systemLibrary(name: "CPrefetch"),
        /// Linux calls Glibc's Swift module lacks (renameat2, to swap the output folder in one step).
        .systemLibrary(name: "CSystemCalls"),
        /// The SPEC's rules and value types, with no I/O: classification, indicators, the reorganization,
        /// index arithmetic, ranks, bands, awards and the configuration model. Imports nothing but the
        /// standard library (and Foundation for Unicode normalization in `ByteText`, `CPrefetch` for the
        /// byte table's batched lookups, no I/O).
        .target(name: "ChiSoCore", dependencies: ["CPrefetch"]),
        /// The shell: reading files, the warehouses, the outputs, the run.
        .target(
            name: "ChiSo",
            dependencies: [
                "ChiSoCore",
                "CLibCSV",
                "CXlsxWriter",
                "CSystemCalls",
                "CLibPQ",
                "CLibDeflate",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "chiso",
            dependencies: ["ChiSo", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        /// Deterministic generator of the fictional province's exports (samples/ and benchmarks).
        .executableTarget(name: "chiso-samples", dependencies: ["ChiSo"]),
        /// The CSV reader, value parsers and stored-state decoder under libFuzzer (`make fuzz`); plainly built,
        /// a corpus replayer.
        .executableTarget(name: "chiso-fuzz", dependencies: ["ChiSo"]),
        .testTarget(name: "ChiSoTests", dependencies: ["ChiSo", "ChiSoCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ChiSo", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
