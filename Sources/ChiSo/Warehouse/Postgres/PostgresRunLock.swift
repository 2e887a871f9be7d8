import Crypto
import Foundation

/// One run at a time per pipeline on a shared PostgreSQL warehouse (SPEC 12): a session-level advisory
/// lock keyed by the pipeline's name, held on a connection of its own for the whole run. Runs of other
/// pipelines take other keys and go ahead at once; the server frees the lock when the connection ends,
/// however the run ends (a SIGKILL included).
public final class PostgresRunLock {
    private let connection: PostgresConnection
    /// The advisory lock key: the first 8 bytes of SHA-256("chiso run " + pipeline).
    public let key: Int64

    /// Takes the lock or throws ``RunLock/Held`` at once (no waiting: cron retries later).
    /// - Throws: ``RunLock/Held``; ``EnvironmentError`` when the server cannot be reached.
    public init(_ address: PostgresAddress, pipeline: String) throws {
        key = PostgresRunLock.key(pipeline)
        do {
            connection = try PostgresConnection(address)
            let taken = try connection.execute("SELECT pg_try_advisory_lock(?)", [.integer(key)]).int(0, 0) != 0
            guard taken else {
                let holder = try? connection.execute("""
                    SELECT a.pid, a.client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted AND (l.classid::bigint << 32 | l.objid::bigint) = ?
                    """, [.integer(key)])
                let who = holder.flatMap { h in h.rowCount > 0 ? "tiến trình máy chủ PostgreSQL \(h.int(0, 0))" : nil } ?? ""
                throw RunLock.Held(path: "\(address.redacted) (pipeline \(pipeline))", holder: who)
            }
        } catch let error as PostgresError {
            throw error.environment(address.redacted)
        }
    }

    /// The lock key of a pipeline, the same on every machine.
    public static func key(_ pipeline: String) -> Int64 {
        let digest = Array(SHA256.hash(data: Data("chiso run \(pipeline)".utf8)))
        return digest.prefix(8).reduce(0) { $0 << 8 | Int64($1) }
    }
}
