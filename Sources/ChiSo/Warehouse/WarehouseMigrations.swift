/// The warehouse schema as numbered migrations (SPEC 7.2), written once in SQLite's SQL: GRDB's migrator
/// applies them to the SQLite file, ``PostgresSchema`` translates and applies the same list, under the
/// same identifiers, to PostgreSQL. Never edit a shipped migration: add one.
enum WarehouseMigrations {
    /// One step of the schema.
    struct Migration: Sendable {
        let identifier: String
        /// SQLite statements (PostgreSQL gets them through `PostgresSchema.translate`).
        let sql: String
    }

    /// SPEC 4's indicator columns, one integer each.
    static var indicatorColumns: String { Indicator.allCases.map { "\($0.rawValue) INTEGER NOT NULL" }.joined(separator: ", ") }

    static let all: [Migration] = [v1, v2, v3, v4, v5, v6, v7, v8]

    static let v1 = Migration(identifier: "v1", sql: """
        -- Every invocation of `chiso run`, successful or not.
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          pipeline TEXT NOT NULL, period TEXT NOT NULL,
          started_at TEXT NOT NULL, finished_at TEXT,
          status TEXT NOT NULL,            -- running, ok, failed, killed
          exit_code INTEGER, message TEXT,
          as_of TEXT, tool_version TEXT NOT NULL, pipeline_sha256 TEXT NOT NULL,
          pid INTEGER NOT NULL, command TEXT NOT NULL);
        -- What each run did with each stage.
        CREATE TABLE stage_runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id INTEGER NOT NULL REFERENCES runs(id),
          stage TEXT NOT NULL,
          status TEXT NOT NULL,            -- ran, skipped, failed
          reason TEXT, started_at TEXT, seconds REAL, fingerprint TEXT, rows INTEGER);
        -- The last successful run of each stage per pipeline and period: what `run` compares against.
        CREATE TABLE stage_state (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, stage TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          inputs TEXT NOT NULL,            -- JSON: the named inputs the fingerprint was made of
          run_id INTEGER NOT NULL, finished_at TEXT NOT NULL, rows INTEGER,
          PRIMARY KEY (pipeline, period, stage));
        -- Input files as last ingested (the stat columns let an unchanged file skip rehashing).
        CREATE TABLE source_files (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, stage TEXT NOT NULL, source TEXT NOT NULL,
          file TEXT NOT NULL, position INTEGER NOT NULL,
          file_id INTEGER,                 -- for exports: the file_id that dossiers and *_rows refer to
          size INTEGER NOT NULL, sha256 TEXT NOT NULL, encoding TEXT, delimiter TEXT,
          rows INTEGER NOT NULL, quarantined INTEGER NOT NULL,
          PRIMARY KEY (pipeline, period, file));
        CREATE TABLE file_hashes (
          path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
          sha256 TEXT NOT NULL);
        -- The units registry as ingested.
        CREATE TABLE units (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, position INTEGER NOT NULL,
          unit_code TEXT NOT NULL, unit_name TEXT NOT NULL, tier TEXT NOT NULL, parent_code TEXT,
          PRIMARY KEY (pipeline, period, unit_code));
        -- targets (chỉ tiêu giao) and external indices, one value per unit and key.
        CREATE TABLE reference_values (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, source TEXT NOT NULL,
          unit_code TEXT NOT NULL, key TEXT NOT NULL, value REAL,
          PRIMARY KEY (pipeline, period, source, unit_code, key));
        CREATE TABLE reference_keys (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL,
          position INTEGER NOT NULL, PRIMARY KEY (pipeline, period, source, key));
        -- The four big tables (one row per dossier) are keyed by period_id and stored in reading
        -- order, so that a night's million rows append; the v_* views show them with pipeline,
        -- period, dossier id and file path.
        CREATE TABLE periods (
          id INTEGER PRIMARY KEY, pipeline TEXT NOT NULL, period TEXT NOT NULL, UNIQUE (pipeline, period));
        -- Valid dossiers after duplicates (last wins). Dates are day numbers (days since 1970-01-01;
        -- v_dossiers shows them as yyyy-MM-dd); file_id is source_files.file_id.
        CREATE TABLE dossiers (
          period_id INTEGER NOT NULL, position INTEGER NOT NULL, dossier_id TEXT NOT NULL, unit_code TEXT NOT NULL,
          received_day INTEGER NOT NULL, due_day INTEGER, finished_day INTEGER,
          status INTEGER NOT NULL, channel INTEGER NOT NULL,
          full_online INTEGER NOT NULL, fee_required INTEGER NOT NULL, paid_online INTEGER NOT NULL,
          file_id INTEGER NOT NULL, line INTEGER NOT NULL,
          PRIMARY KEY (period_id, position)) WITHOUT ROWID;
        -- Rows of late, postal and digitized linked to a valid dossier (its position), after duplicates.
        CREATE TABLE late_rows (
          period_id INTEGER NOT NULL, position INTEGER NOT NULL,
          apology INTEGER NOT NULL, file_id INTEGER NOT NULL, line INTEGER NOT NULL,
          PRIMARY KEY (period_id, position)) WITHOUT ROWID;
        CREATE TABLE postal_rows (
          period_id INTEGER NOT NULL, position INTEGER NOT NULL,
          direction TEXT NOT NULL,         -- intake, return
          delivered INTEGER NOT NULL, file_id INTEGER NOT NULL, line INTEGER NOT NULL,
          PRIMARY KEY (period_id, position, direction)) WITHOUT ROWID;
        CREATE TABLE digitized_rows (
          period_id INTEGER NOT NULL, position INTEGER NOT NULL,
          digitized_inputs INTEGER NOT NULL, reused INTEGER NOT NULL,
          e_result INTEGER NOT NULL, e_signed INTEGER NOT NULL,
          file_id INTEGER NOT NULL, line INTEGER NOT NULL,
          PRIMARY KEY (period_id, position)) WITHOUT ROWID;
        CREATE VIEW v_dossiers AS
          SELECT p.pipeline, p.period, d.dossier_id, d.unit_code, date(d.received_day * 86400, 'unixepoch') AS received_at,
                 date(d.due_day * 86400, 'unixepoch') AS due_at, date(d.finished_day * 86400, 'unixepoch') AS finished_at, d.status,
                 d.channel, d.full_online, d.fee_required, d.paid_online, f.file, d.line
          FROM dossiers d JOIN periods p ON p.id = d.period_id
          LEFT JOIN source_files f ON f.pipeline = p.pipeline AND f.period = p.period AND f.file_id = d.file_id;
        CREATE VIEW v_late_rows AS
          SELECT p.pipeline, p.period, d.dossier_id, l.apology, f.file, l.line
          FROM late_rows l JOIN periods p ON p.id = l.period_id
          JOIN dossiers d ON d.period_id = l.period_id AND d.position = l.position
          LEFT JOIN source_files f ON f.pipeline = p.pipeline AND f.period = p.period AND f.file_id = l.file_id;
        CREATE VIEW v_postal_rows AS
          SELECT p.pipeline, p.period, d.dossier_id, r.direction, r.delivered, f.file, r.line
          FROM postal_rows r JOIN periods p ON p.id = r.period_id
          JOIN dossiers d ON d.period_id = r.period_id AND d.position = r.position
          LEFT JOIN source_files f ON f.pipeline = p.pipeline AND f.period = p.period AND f.file_id = r.file_id;
        CREATE VIEW v_digitized_rows AS
          SELECT p.pipeline, p.period, d.dossier_id, r.digitized_inputs, r.reused, r.e_result, r.e_signed, f.file, r.line
          FROM digitized_rows r JOIN periods p ON p.id = r.period_id
          JOIN dossiers d ON d.period_id = r.period_id AND d.position = r.position
          LEFT JOIN source_files f ON f.pipeline = p.pipeline AND f.period = p.period AND f.file_id = r.file_id;
        -- Quarantine and every other finding, by the stage that made it.
        CREATE TABLE findings (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, stage TEXT NOT NULL,
          severity TEXT NOT NULL, code TEXT NOT NULL, source TEXT NOT NULL,
          file TEXT NOT NULL, line INTEGER, "column" TEXT NOT NULL, value TEXT NOT NULL,
          dossier_id TEXT NOT NULL, unit_code TEXT NOT NULL, message TEXT NOT NULL);
        CREATE INDEX findings_by_period ON findings (pipeline, period, stage);
        -- SPEC 4 indicators per unit.
        CREATE TABLE indicators (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, unit_code TEXT NOT NULL,
          \(indicatorColumns),
          PRIMARY KEY (pipeline, period, unit_code));
        -- SPEC 5 results: one row per unit and index, one per unit and component.
        CREATE TABLE index_scores (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, index_key TEXT NOT NULL, unit_code TEXT NOT NULL,
          score REAL, shown_score REAL, band TEXT, rank INTEGER, prev_rank INTEGER, rank_change INTEGER,
          PRIMARY KEY (pipeline, period, index_key, unit_code));
        CREATE TABLE component_scores (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, index_key TEXT NOT NULL, unit_code TEXT NOT NULL,
          component TEXT NOT NULL, position INTEGER NOT NULL,
          numerator REAL, denominator REAL, rate REAL, points REAL,
          PRIMARY KEY (pipeline, period, index_key, unit_code, component));
        -- SPEC 6 decisions, in the order of khen-thuong-AWARD.csv.
        CREATE TABLE award_decisions (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, award_key TEXT NOT NULL, unit_code TEXT NOT NULL,
          row_order INTEGER NOT NULL, grp INTEGER NOT NULL,
          eligible INTEGER NOT NULL, selected INTEGER NOT NULL, position INTEGER, individuals INTEGER,
          reasons TEXT NOT NULL,
          PRIMARY KEY (pipeline, period, award_key, unit_code));
        """)

    static let v2 = Migration(identifier: "v2", sql: """
        -- SPEC 10: a registry row per holder of a code (validity dates, yyyy-MM-dd), so that a reused
        -- code keeps both holders; `dated` = the registry file had validity columns; `reporting` = the
        -- row is active on the period's last day.
        CREATE TABLE units_v2 (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, position INTEGER NOT NULL,
          unit_code TEXT NOT NULL, unit_name TEXT NOT NULL, tier TEXT NOT NULL, parent_code TEXT,
          valid_from TEXT, valid_to TEXT, line INTEGER,
          dated INTEGER NOT NULL DEFAULT 0, reporting INTEGER NOT NULL DEFAULT 1,
          PRIMARY KEY (pipeline, period, position));
        INSERT INTO units_v2 (pipeline, period, position, unit_code, unit_name, tier, parent_code)
          SELECT pipeline, period, position, unit_code, unit_name, tier, parent_code FROM units;
        DROP TABLE units;
        ALTER TABLE units_v2 RENAME TO units;
        CREATE INDEX units_by_code ON units (pipeline, period, unit_code);
        -- The crosswalk (danh mục sắp xếp đơn vị) as ingested, each row resolved to the registry rows
        -- (units.position) of its predecessor and successor.
        CREATE TABLE lineage (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, position INTEGER NOT NULL, line INTEGER NOT NULL,
          old_code TEXT NOT NULL, new_code TEXT NOT NULL, effective TEXT NOT NULL, is_primary INTEGER NOT NULL,
          predecessor_position INTEGER NOT NULL, successor_position INTEGER NOT NULL,
          PRIMARY KEY (pipeline, period, position));
        -- Per reporting unit: the registry rows whose dossiers of the period count for it (itself
        -- included), with how many (SPEC 10.3). Written by normalize.
        CREATE TABLE unit_attribution (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, unit_code TEXT NOT NULL,
          source_position INTEGER NOT NULL, source_code TEXT NOT NULL, dossiers INTEGER NOT NULL,
          PRIMARY KEY (pipeline, period, unit_code, source_position));
        -- Per reporting unit: its ancestors in the compare_to period (SPEC 10.4). Written by indices.
        CREATE TABLE unit_ancestors (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, unit_code TEXT NOT NULL,
          ancestor_position INTEGER NOT NULL, ancestor_code TEXT NOT NULL,
          PRIMARY KEY (pipeline, period, unit_code, ancestor_position));
        -- The tier a unit was ranked in, so that a later period can tell a change of tier.
        ALTER TABLE index_scores ADD COLUMN tier TEXT;
        -- Which old units make up each unit: the crosswalk with names and dates, one row per edge.
        CREATE VIEW v_lineage AS
          SELECT l.pipeline, l.period, l.effective, l.old_code, o.unit_name AS old_name, o.tier AS old_tier,
                 l.new_code, n.unit_name AS new_name, n.tier AS new_tier, l.is_primary, l.line
          FROM lineage l
          JOIN units o ON o.pipeline = l.pipeline AND o.period = l.period AND o.position = l.predecessor_position
          JOIN units n ON n.pipeline = l.pipeline AND n.period = l.period AND n.position = l.successor_position;
        """)

    static let v3 = Migration(identifier: "v3", sql: """
        -- The options a run wrote its outputs with, so that status and explain can default to them.
        ALTER TABLE runs ADD COLUMN out_dir TEXT;
        ALTER TABLE runs ADD COLUMN header_style TEXT;
        -- Every successful run keeps what it showed, per (pipeline, period, as_of): nightly runs with
        -- --as-of no longer overwrite each other. The latest run of a period is also in the tables above.
        CREATE TABLE snapshots (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          pipeline TEXT NOT NULL, period TEXT NOT NULL, as_of TEXT NOT NULL,
          run_id INTEGER NOT NULL, taken_at TEXT NOT NULL,
          UNIQUE (pipeline, period, as_of));
        CREATE TABLE snapshot_indicators (
          snapshot_id INTEGER NOT NULL, unit_code TEXT NOT NULL, \(indicatorColumns),
          PRIMARY KEY (snapshot_id, unit_code));
        CREATE TABLE snapshot_scores (
          snapshot_id INTEGER NOT NULL, index_key TEXT NOT NULL, unit_code TEXT NOT NULL, tier TEXT,
          score REAL, shown_score REAL, band TEXT, rank INTEGER, prev_rank INTEGER, rank_change INTEGER,
          PRIMARY KEY (snapshot_id, index_key, unit_code));
        CREATE TABLE snapshot_decisions (
          snapshot_id INTEGER NOT NULL, award_key TEXT NOT NULL, unit_code TEXT NOT NULL,
          eligible INTEGER NOT NULL, selected INTEGER NOT NULL, position INTEGER, individuals INTEGER,
          reasons TEXT NOT NULL,
          PRIMARY KEY (snapshot_id, award_key, unit_code));
        -- One row per snapshot, index and unit: what `chiso history` prints.
        CREATE VIEW v_history AS
          SELECT s.pipeline, s.period, s.as_of, s.taken_at, x.index_key, x.unit_code, x.tier, x.shown_score AS score,
                 x.rank, x.band, x.prev_rank, x.rank_change
          FROM snapshots s JOIN snapshot_scores x ON x.snapshot_id = s.id;
        """)

    static let v4 = Migration(identifier: "v4", sql: """
        -- The files the last report wrote and their SHA-256: a later run redoes the report when one is
        -- missing or has changed (a run killed between writing and recording, a hand edit).
        CREATE TABLE report_outputs (
          pipeline TEXT NOT NULL, period TEXT NOT NULL, file TEXT NOT NULL, sha256 TEXT NOT NULL,
          PRIMARY KEY (pipeline, period, file));
        """)

    static let v5 = Migration(identifier: "v5", sql: """
        -- The merged dossier state of a period (ids, dossiers, links) as the per-dossier tables hold it,
        -- in binary chunks of 65,536 positions (chunk -1: the id hash index): a night that changes one
        -- export starts from it instead of
        -- reading a million rows back, and rewrites only the chunks and table rows that changed.
        -- `stamp` names the export stages' fingerprints it was written with; any other stamp, or no row,
        -- and the next run reads the tables instead (then writes a fresh snapshot).
        CREATE TABLE dossier_snapshot (
          period_id INTEGER PRIMARY KEY, stamp TEXT NOT NULL, dossiers INTEGER NOT NULL, chunks INTEGER NOT NULL);
        CREATE TABLE dossier_snapshot_chunks (
          period_id INTEGER NOT NULL, chunk INTEGER NOT NULL, data BLOB NOT NULL, sha256 TEXT NOT NULL,
          PRIMARY KEY (period_id, chunk));
        """)

    static let v6 = Migration(identifier: "v6", sql: """
        -- Each stored-state chunk's CRC-32, checked when it is read back (SHA-256, several times slower,
        -- stays the key a save compares to tell a changed chunk). NULL in rows written before: those are
        -- checked against their SHA-256 as before.
        ALTER TABLE dossier_snapshot_chunks ADD COLUMN crc32 INTEGER;
        """)

    static let v7 = Migration(identifier: "v7", sql: """
        -- Normalize's table of each stored-state chunk's dossiers (counts, in-period counts, cross-check
        -- warnings), so that a night which changed a few chunks counts only those. `key` names what the
        -- part was counted from: the chunk's SHA-256 and a hash of the dates, attribution and units; a part
        -- whose key is not the one the run would count with is counted again. Checked by its CRC-32.
        CREATE TABLE indicator_parts (
          period_id INTEGER NOT NULL, chunk INTEGER NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL,
          crc32 INTEGER NOT NULL,
          PRIMARY KEY (period_id, chunk));
        """)

    static let v8 = Migration(identifier: "v8", sql: """
        -- The stored-state chunks again, with their data last: SQLite keeps a row's columns in order and a
        -- chunk's megabytes on overflow pages, so reading the SHA-256 and CRC-32 written after the data
        -- walked every page of it (a night that reads only the chunks' heads read all 316 MB of a 5M state
        -- to learn their checksums). The rows are copied as they are.
        CREATE TABLE dossier_snapshot_chunks_v8 (
          period_id INTEGER NOT NULL, chunk INTEGER NOT NULL, sha256 TEXT NOT NULL, crc32 INTEGER, data BLOB NOT NULL,
          PRIMARY KEY (period_id, chunk));
        INSERT INTO dossier_snapshot_chunks_v8 (period_id, chunk, sha256, crc32, data)
          SELECT period_id, chunk, sha256, crc32, data FROM dossier_snapshot_chunks;
        DROP TABLE dossier_snapshot_chunks;
        ALTER TABLE dossier_snapshot_chunks_v8 RENAME TO dossier_snapshot_chunks;
        """)
}
