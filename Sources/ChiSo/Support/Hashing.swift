import CLibDeflate
import Crypto
import Foundation

/// SHA-256 helpers (hex, lower case).
public enum Hashing {
    /// Lower-case hex SHA-256 of bytes (file hashes, fingerprints, output hashes).
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Lower-case hex SHA-256 of a byte array, without copying it into a `Data` first.
    static func sha256(bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The CRC-32 of a byte array (zlib's and gzip's, as in zip and PNG): the check that a stored chunk
    /// read back is the one written, at eight times SHA-256's speed on one core here (libdeflate's, with
    /// the CPU's carry-less multiply: 16.6 GB/s; zlib's own: 7; SHA-256: 2).
    static func crc32(bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        libdeflate_crc32(crc, bytes, bytes.count)
    }

    /// The CRC-32 of a BLOB read in parts (``BlobParts``): of its bytes as stored, words little-endian.
    static func crc32(head: [UInt8], words: [UInt64], tail: [UInt8]) -> UInt32 {
        #if _endian(little)
        let crc = libdeflate_crc32(crc32(bytes: head), words, 8 * words.count)  // the words as read
        #else
        let crc = libdeflate_crc32(crc32(bytes: head), words.map(\.littleEndian), 8 * words.count)
        #endif
        return crc32(bytes: tail, continuing: crc)
    }

    /// Lower-case hex SHA-256 of a string's UTF-8 bytes.
    public static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }
}

extension Hashing {
    /// SHA-256 of a file's bytes, read in 1 MiB chunks.
    /// - Throws: ``EnvironmentError`` when the file cannot be opened or read (exit 74).
    public static func sha256(file path: String) throws -> String {
        var hasher = FileHasher(path)
        while try !hasher.step() {}
        return hasher.digest
    }

    /// A file's SHA-256 computed a chunk at a time, so that the work can stop between chunks and another
    /// thread carry it on (``DeferredHashes``).
    struct FileHasher {
        let path: String
        private var fd: Int32 = -1
        private var hasher = SHA256()
        private var buffer: [UInt8] = []
        /// The lower-case hex digest, once ``step()`` returned true.
        private(set) var digest = ""

        init(_ path: String) { self.path = path }

        /// Hashes the next 1 MiB; true once the file is done (its descriptor closed, ``digest`` set).
        /// - Throws: ``EnvironmentError`` when the file cannot be opened or read (the descriptor closed).
        mutating func step() throws -> Bool {
            if !digest.isEmpty { return true }
            if fd < 0 {
                fd = open(path, O_RDONLY)
                guard fd >= 0 else { throw EnvironmentError(path: path, reason: "không đọc được tệp: \(String(cString: strerror(errno)))") }
                buffer = [UInt8](repeating: 0, count: 1 << 20)
            }
            let n = read(fd, &buffer, buffer.count)
            if n < 0 {
                let reason = String(cString: strerror(errno))
                close(fd)
                fd = -1
                throw EnvironmentError(path: path, reason: "không đọc được tệp: \(reason)")
            }
            if n > 0 {
                hasher.update(data: buffer[0..<n])
                return false
            }
            close(fd)
            fd = -1
            buffer = []
            digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return true
        }

        /// Closes the file of a hash given up half way.
        mutating func abandon() {
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }
}
