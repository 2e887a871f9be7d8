import Foundation
import Testing
@testable import ChiSo

/// The inputs' hashes: computed once, reused while a file's size, mtime and inode stay, and the work
/// planned beside them (a big file's line count) done only when that file is hashed.
@Suite struct FileHashesTests {
    /// Set by a closure that may run on another thread.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var set = false
        func raise() { lock.withLock { set = true } }
        var value: Bool { lock.withLock { set } }
    }

    /// The stored state's chunk check is the standard CRC-32 (zip's, gzip's, zlib's): its check value, and
    /// the empty input.
    @Test func theChunkCheckIsTheStandardCRC32() {
        #expect(Hashing.crc32(bytes: Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Hashing.crc32(bytes: []) == 0)
        #expect(Hashing.crc32(bytes: [UInt8](repeating: 0xAB, count: 1 << 20)) != Hashing.crc32(bytes: [UInt8](repeating: 0xAB, count: (1 << 20) - 1) + [0xAC]))
    }

    /// A first run's exports are hashed in the background (``DeferredHashes``): each file's SHA-256 as
    /// hashing it up front gives, whichever thread hashed which of its 1 MiB chunks (the files are up to
    /// 7 MB, and the wait takes over where the background thread stopped); a file that cannot be read
    /// fails the wait.
    @Test func hashesLeftForLaterAreTheFilesHashes() throws {
        let dir = TempDir()
        let paths = (0..<6).map { dir.write("\($0).csv", String(repeating: "dòng \($0)\n", count: 1 + $0 * 150_000)) }
        let sizes = Dictionary(uniqueKeysWithValues: try paths.map { ($0, try Warehouse.fileStamp($0)[0]).self }.map { ($0.0, Int($0.1)) })
        let later = DeferredHashes(paths, sizes: sizes)
        #expect(later.paths.first == paths.last && Set(later.paths) == Set(paths))  // the biggest first
        let hashes = try later.wait()
        #expect(hashes.count == 6)
        for path in paths { #expect(hashes[path] == (try Hashing.sha256(file: path))) }
        let missing = DeferredHashes(paths + [dir.path + "/missing.csv"], sizes: sizes)
        #expect(throws: EnvironmentError.self) { try missing.wait() }
        let stopped = DeferredHashes(paths, sizes: sizes)
        stopped.cancel()
        #expect(throws: (any Error).self) { try stopped.wait() }  // a run that stopped asks for nothing
    }

    @Test func workBesideTheHashingRunsOnlyWhenItsFileIsHashed() throws {
        let dir = TempDir()
        let big = dir.write("a.csv", String(repeating: "x", count: 50_000)), small = dir.write("b.csv", "y\n")
        let warehouse = try Warehouse(path: dir.path + "/w.sqlite")
        let first = Flag()
        let hashed = try warehouse.fileHashes([small, big], alongside: (big, { first.raise() }))
        #expect(first.value)
        for path in [small, big] {
            #expect(hashed[path]?.sha256 == (try Hashing.sha256(file: path)))
            #expect(hashed[path]?.size == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        }
        // Unchanged files: their stored hashes, nothing hashed, nothing done beside.
        let second = Flag()
        let again = try warehouse.fileHashes([small, big], alongside: (big, { second.raise() }))
        #expect(!second.value)
        #expect(again[big]?.sha256 == hashed[big]?.sha256 && again[small]?.sha256 == hashed[small]?.sha256)
        // Another file changed, the one the work is about not: not done either (that file may not even
        // be read this run).
        dir.write("b.csv", "y2\n")
        let third = Flag()
        _ = try warehouse.fileHashes([small, big], alongside: (big, { third.raise() }))
        #expect(!third.value)
    }
}
