/// The chunks of a stored state that a run has not decoded: a night that appends a file to five million
/// dossiers needs the dossiers and links of only the chunks it changes or counts, and the ids of only the
/// chunks that hold a key the new rows' ids could be. On SQLite such a chunk is not read at all when the
/// state is read, beyond its head (its ids keep their place in the id table: ``ByteTable/unread``); on
/// PostgreSQL, which returns each chunk whole, its ids are decoded and only its records left. Either way it
/// is read again from the warehouse, and checked against the CRC-32 it was stored with, if something asks
/// for a position of its own or for a key with the hash tag of one of its ids. Reading and decoding the 76
/// chunks that such a night leaves cost it 0.23 s of its 0.6.
///
/// A store with pending chunks holds placeholders at their positions: every path that reads a stored
/// position's dossier or links first fills its chunk (``DossierStore/fillPending(position:)``), every
/// lookup of an id first fills the chunks its tag meets (``DossierStore/upsert(id:_:)``,
/// ``DossierStore/merge(_:parts:run:)``), and a path that reads every position fills them all
/// (``DossierStore/fillAllPending()``).
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
    /// Before `key` is looked up or inserted, with `adding` keys to come: fills the pending chunks whose
    /// ids were not read (``ByteTable/unread``) that hold a key with its hash tag, or every pending chunk
    /// when the insertions will rebuild the id table's slots (which hashes every key).
    mutating func fillUnreadCandidates(of key: FieldBytes, adding: Int) {
        for k in ids.unreadCandidates(key) { fillPending(chunk: k) }
        if ids.unread != nil && ids.rebuildsSlots(adding: adding) { fillAllPending() }
    }

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
