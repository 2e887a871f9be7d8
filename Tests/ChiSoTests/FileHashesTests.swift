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
