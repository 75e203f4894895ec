import GRDB

/// The tables of `state.db`, as GRDB migrations. Append migrations; never edit a shipped one.
///
/// Instants are INTEGER seconds since the epoch (UTC). Runs are ordered by `seq`, the order the
/// daemon recorded them in, not by their clock fields: the wall clock can step back.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, slots, toggles") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2: config audit") { db in
            try db.execute(sql: v2)
        }
        // Before the resource usage columns: it copies `runs` with v1's columns.
        migrator.registerMigration("v3: trigger upstream") { db in
            try db.execute(sql: v3TriggerUpstream)
        }
        migrator.registerMigration("v4: run resource usage") { db in
            try db.execute(sql: v4ResourceUsage)
        }
        migrator.registerMigration("v5: slot reservations") { db in
            try db.execute(sql: v5Reservations)
        }
        return migrator
    }

    /// The `upstream` trigger (a task with `after:` alone, started by its upstreams). SQLite
    /// cannot change a CHECK constraint in place: the table is copied, `seq` values and all
    /// (`latest_runs` points at them), and its indexes made again.
    private static let v3TriggerUpstream = """
        CREATE TABLE runs_v2 (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL UNIQUE,
            task TEXT NOT NULL,
            "trigger" TEXT NOT NULL CHECK ("trigger" IN ('schedule', 'manual', 'retry', 'catch_up', 'upstream')),
            scheduled_at INTEGER,
            started_at INTEGER,
            finished_at INTEGER,
            exit_code INTEGER,
            signal INTEGER,
            outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failed', 'fatal', 'timeout', 'skipped',
                                                     'abandoned', 'retrying', 'running', 'queued')),
            attempt INTEGER NOT NULL CHECK (attempt >= 1),
            duration_ms INTEGER,
            waited_ms INTEGER,
            reason TEXT,
            output_tail BLOB CHECK (output_tail IS NULL OR length(output_tail) <= 65536)
        );
        INSERT INTO runs_v2 SELECT * FROM runs;
        -- Pruned runs may have held the largest seq: new ones still count on from it.
        UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'runs') WHERE name = 'runs_v2'
            AND (SELECT seq FROM sqlite_sequence WHERE name = 'runs') > seq;
        DROP TABLE runs;
        ALTER TABLE runs_v2 RENAME TO runs;
        CREATE INDEX runs_by_task ON runs(task, seq);
        CREATE INDEX runs_active ON runs(outcome) WHERE outcome IN ('running', 'queued', 'retrying');
        """

    /// What each run cost, from the kernel's rusage at the reap (NULL for runs that never ran,
    /// and for runs recorded before this migration).
    private static let v4ResourceUsage = """
        ALTER TABLE runs ADD COLUMN cpu_ms INTEGER CHECK (cpu_ms IS NULL OR cpu_ms >= 0);
        ALTER TABLE runs ADD COLUMN max_rss_bytes INTEGER CHECK (max_rss_bytes IS NULL OR max_rss_bytes >= 0);
        """

    /// Slots claimed ahead of their instant (`RunStore+Reservations.swift`): the claim itself is the
    /// `slots` row, committed with the reservation; this row says that the run has not been recorded
    /// yet. It goes in the transaction that records the run (or its skip). One left at start means
    /// the daemon stopped around the instant: the run may have started. `boot_id` and
    /// `clock_offset_ms` (CLOCK_REALTIME minus CLOCK_BOOTTIME) tell whether the wall clock can have
    /// reached the instant since (see `settleReservations`).
    private static let v5Reservations = """
        CREATE TABLE reservations (
            run_id TEXT PRIMARY KEY NOT NULL,
            task TEXT NOT NULL,
            scheduled_at INTEGER NOT NULL,
            reserved_at INTEGER NOT NULL,
            boot_id TEXT NOT NULL,
            clock_offset_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    private static let v1 = """
        CREATE TABLE runs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL UNIQUE,
            task TEXT NOT NULL,
            "trigger" TEXT NOT NULL CHECK ("trigger" IN ('schedule', 'manual', 'retry', 'catch_up')),
            scheduled_at INTEGER,
            started_at INTEGER,
            finished_at INTEGER,
            exit_code INTEGER,
            signal INTEGER,
            outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failed', 'fatal', 'timeout', 'skipped',
                                                     'abandoned', 'retrying', 'running', 'queued')),
            attempt INTEGER NOT NULL CHECK (attempt >= 1),
            duration_ms INTEGER,
            waited_ms INTEGER,
            reason TEXT,
            output_tail BLOB CHECK (output_tail IS NULL OR length(output_tail) <= 65536)
        );
        CREATE INDEX runs_by_task ON runs(task, seq);
        -- Only in-progress runs: what markAbandoned looks for at start, without a scan.
        CREATE INDEX runs_active ON runs(outcome) WHERE outcome IN ('running', 'queued', 'retrying');

        -- Each task's newest run, kept up to date on insert, so a status of 10,000 tasks reads
        -- 10,000 rows instead of grouping the whole history.
        CREATE TABLE latest_runs (
            task TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- One row per claimed schedule slot: the UNIQUE key that makes a slot run at most once.
        CREATE TABLE slots (
            task TEXT NOT NULL,
            scheduled_at INTEGER NOT NULL,
            run_id TEXT NOT NULL,
            PRIMARY KEY (task, scheduled_at)
        ) WITHOUT ROWID;

        CREATE TABLE toggles (
            task TEXT PRIMARY KEY NOT NULL,
            enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
            "until" INTEGER,
            set_at INTEGER NOT NULL,
            set_by TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Small facts about the store itself; healthCheck() writes here to prove the file is writable.
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value
        ) WITHOUT ROWID;
        """

    /// Configuration changes (run-time edits, reloads, starts on changed files): who, what,
    /// before and after. `revision` is the configuration revision the change led to; an edit
    /// is recorded `pending` before its file is renamed into place and `applied` once the
    /// daemon has reloaded it (or at the next start, if it was killed in between).
    private static let v2 = """
        CREATE TABLE config_audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'applied', 'failed')),
            revision TEXT NOT NULL,
            based_on TEXT,
            uid INTEGER,
            user TEXT,
            on_behalf_of TEXT,
            command TEXT NOT NULL,
            changes TEXT NOT NULL,
            reason TEXT
        );
        CREATE INDEX config_audit_by_revision ON config_audit(revision, seq);
        """
}
