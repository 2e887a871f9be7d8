/// The chunks of a stored state whose dossiers and links a run has not decoded: a night that appends a
/// file to five million dossiers needs every id (to find the new file's duplicates) but the dossiers and
/// links of only the chunks it changes or counts: the others' records are skipped when the state is read
/// (their ids decoded, every chunk's CRC-32 checked) and read again from the warehouse if something asks
/// for a position of theirs. Decoding 76 chunks' records into 260 MB of fresh arrays cost that night a
/// quarter of its CPU.
///
/// A store with pending chunks holds placeholders at their positions: every path that reads a stored
/// position's dossier or links first fills its chunk (``DossierStore/fillPending(position:)``), or fills
/// them all (``DossierStore/fillAllPending()``) when it reads every position.
package struct PendingChunks: Sendable {
    /// The pending chunks.
    package var chunks: Set<Int>
    /// Rows of the registry the state was decoded over (each record's unit is checked against it).
    package let units: Int
    /// Chunk `k`'s bytes as the warehouse holds them, checked against what was checked when the state was
    /// read (nil when they cannot be read or are no longer those): the shell's, so that this stays free
    /// of I/O.
    package let load: @Sendable (Int) -> [UInt8]?
    /// True once a chunk's records did not decode: its positions hold garbage, and the run must not go on
    /// with the store.
    package var failed = false

    /// The chunks `chunks` of a state over a registry of `units` rows, read again by `load`.
    package init(chunks: Set<Int>, units: Int, load: @escaping @Sendable (Int) -> [UInt8]?) {
        self.chunks = chunks
        self.units = units
        self.load = load
    }
}

extension DossierStore {
    /// Whether the dossier and links at `position` are still in a pending chunk.
    package func isPending(position: Int) -> Bool {
        pending?.chunks.contains(position / StoreSnapshot.chunkSize) == true
    }

    /// Fills the chunk that holds `position` if it is pending; false only when its records did not decode.
    @discardableResult
    package mutating func fillPending(position: Int) -> Bool {
        guard isPending(position: position) else { return true }
        return fillPending(chunk: position / StoreSnapshot.chunkSize)
    }

    /// Fills every pending chunk: what a path that reads every position does first. False when one did not
    /// decode (``PendingChunks/failed``).
    @discardableResult
    package mutating func fillAllPending() -> Bool {
        guard let waiting = pending else { return true }
        for k in waiting.chunks.sorted() { fillPending(chunk: k) }
        return pending?.failed != true
    }

    /// True when a pending chunk's records did not decode: the store must not be used.
    package var pendingFailed: Bool { pending?.failed == true }
}
