import Foundation
import Testing

/// Runs the built `chiso` executable, as cron or an analyst would.
enum CLI {
    /// The package root (two folders above this file's folder).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `.build/debug/chiso` next to the test bundle (SwiftPM builds it with the tests).
    static var binary: String {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
            .deletingLastPathComponent().path
        for candidate in [bundleDir + "/chiso", root + "/.build/debug/chiso"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return root + "/.build/debug/chiso"
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs chiso; a `run` without `--db` gets a warehouse of its own, so that tests never share one.
    @discardableResult
    static func run(_ arguments: [String], cwd: String = CLI.root, environment: [String: String] = [:]) throws -> Result {
        var arguments = arguments
        var ownWarehouse: String?
        if arguments.first == "run" && !arguments.contains("--db") && environment["CHISO_DB"] == nil {
            let folder = NSTemporaryDirectory() + "chiso-e2e-db-" + UUID().uuidString
            ownWarehouse = folder
            arguments += ["--db", folder + "/chiso.sqlite"]
        }
        // Nobody reads that warehouse after the run: it goes, so that test runs leave nothing in /tmp.
        defer { if let ownWarehouse { try? FileManager.default.removeItem(atPath: ownWarehouse) } }
        let result = try capture(binary, arguments, cwd: cwd, environment: environment)
        // Cron mails any output: without a terminal, a successful run says nothing unless asked to.
        if arguments.first == "run" && result.status == 0 && !arguments.contains("--verbose") && !arguments.contains("--dry-run")
            && !arguments.contains("--help") {
            #expect(result.stderr.isEmpty, "a successful run printed on stderr: \(result.stderr)")
            #expect(result.stdout.isEmpty, "a successful run printed on stdout: \(result.stdout)")
        }
        return result
    }

    /// Runs `executable` to its end, capturing what it prints.
    static func capture(_ executable: String, _ arguments: [String], cwd: String = CLI.root,
                        environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Starts chiso in the background, its output discarded: a run to kill, or one that holds a lock.
    static func start(_ arguments: [String], cwd: String = CLI.root) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }
}

/// A scratch folder for one test.
final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "chiso-e2e-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let full = path + "/" + name
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
        return full
    }

    func read(_ name: String) -> [UInt8] { Array((try? Data(contentsOf: URL(fileURLWithPath: path + "/" + name))) ?? Data()) }

    func text(_ name: String) -> String { String(decoding: read(name).drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }, as: UTF8.self) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }
}
