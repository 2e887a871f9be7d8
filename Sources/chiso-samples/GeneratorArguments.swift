import Foundation

/// Command-line options of the generator (kept dependency-free on purpose).
struct GeneratorArguments {
    var out = "samples/hoa-phong"
    var dossiers = 20_000
    var seed: UInt64 = 2023
    var layout = "province"
    /// `sample`: the realistic mix of encodings, delimiters and bad rows; `bench`: the same
    /// exports at scale, with the same mix; `plain`: every file UTF-8 without BOM, commas and LF;
    /// `single`: `plain` with every dossier in one file.
    var flavour = "sample"
    /// The period the exports cover: dossiers are received from 75 days before `from` to `to`.
    var from = "2022-11-15"
    var to = "2023-11-30"

    static func parse(_ argv: [String]) -> GeneratorArguments {
        var a = GeneratorArguments()
        var i = 1
        func value() -> String {
            i += 1
            guard i < argv.count else { fail("thiếu giá trị cho \(argv[i - 1])") }
            return argv[i]
        }
        while i < argv.count {
            switch argv[i] {
            case "--out": a.out = value()
            case "--dossiers": a.dossiers = Int(value()) ?? a.dossiers
            case "--seed": a.seed = UInt64(value()) ?? a.seed
            case "--layout": a.layout = value()
            case "--flavour": a.flavour = value()
            case "--from": a.from = value()
            case "--to": a.to = value()
            default: fail("tùy chọn không rõ: \(argv[i])")
            }
            i += 1
        }
        return a
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("chiso-samples: \(message)\n".utf8))
    exit(2)
}
