import Logging
import PostgresNIO

/// The shared store's schema: versioned migrations, applied in order, each in its own transaction
/// under an advisory lock, so that daemons starting together migrate once. Append only: a
/// migration once released is never changed (a new one follows it).
enum PostgresSchema {
    /// The advisory lock key of migrations ("v6sched" in ASCII).
    static let migrationLock: Int64 = 0x7636_7363_6865_64

    static let migrations: [(version: Int, name: String, sql: [String])] = [
        (1, "hosts, runs, slots, toggles", [
            """
            CREATE TABLE v6_hosts (
                host_id TEXT PRIMARY KEY,
                started_at TIMESTAMPTZ NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL,
                lease_seconds INTEGER NOT NULL,
                config_revision TEXT NOT NULL,
                running INTEGER NOT NULL DEFAULT 0,
                lapse_handled_at TIMESTAMPTZ
            )
            """,
            // Run ids count per daemon: unique with their host.
            """
            CREATE TABLE v6_runs (
                seq BIGSERIAL UNIQUE,
                host_id TEXT NOT NULL,
                run_id TEXT NOT NULL,
                task TEXT NOT NULL,
                trigger TEXT NOT NULL,
                scheduled_at BIGINT,
                started_at BIGINT,
                finished_at BIGINT,
                exit_code INTEGER,
                signal INTEGER,
                outcome TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                duration_ms BIGINT,
                waited_ms BIGINT,
                reason TEXT,
                output_tail BYTEA,
                cpu_ms BIGINT,
                max_rss_bytes BIGINT,
                PRIMARY KEY (host_id, run_id)
            )
            """,
            "CREATE INDEX v6_runs_by_task ON v6_runs (task, seq DESC)",
            "CREATE INDEX v6_runs_open ON v6_runs (host_id) WHERE outcome IN ('running', 'queued')",
            // The arbiter: one row per (task, scheduled instant), whoever claims it first.
            """
            CREATE TABLE v6_slots (
                task TEXT NOT NULL,
                scheduled_at BIGINT NOT NULL,
                host_id TEXT NOT NULL,
                run_id TEXT NOT NULL,
                claimed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (task, scheduled_at)
            )
            """,
            """
            CREATE TABLE v6_toggles (
                task TEXT PRIMARY KEY,
                enabled BOOLEAN NOT NULL,
                until_at BIGINT,
                set_by TEXT NOT NULL,
                host_id TEXT NOT NULL,
                set_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
        ]),
        // Retries claim their attempt: (task, scheduled_at, attempt) is the arbiter's key, so that
        // no path (a retry taken over from a lapsed host included) runs an attempt twice.
        // Toggles and configuration changes leave an audit row, whoever made them.
        (2, "attempts in slot claims, audit", [
            "ALTER TABLE v6_slots ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE v6_slots DROP CONSTRAINT v6_slots_pkey",
            "ALTER TABLE v6_slots ADD PRIMARY KEY (task, scheduled_at, attempt)",
            """
            CREATE TABLE v6_audit (
                seq BIGSERIAL PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL DEFAULT now(),
                host_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                task TEXT,
                detail TEXT NOT NULL,
                actor TEXT NOT NULL
            )
            """,
        ]),
        // Which daemon holds a host id: two live daemons with one host_id would mix their runs.
        (3, "host instances", [
            "ALTER TABLE v6_hosts ADD COLUMN instance TEXT",
        ]),
        // `v6ctl audit` answers from the shared audit: each row keeps the entry as its host
        // recorded it (JSON). The run-time drop-in (`90-runtime.yaml`) is shared: each applied
        // edit stores the file's new text under the next revision; every host adopts the newest
        // and reports the revision it runs.
        (4, "audit entries, shared run-time configuration", [
            "ALTER TABLE v6_audit ADD COLUMN entry TEXT",
            """
            CREATE TABLE v6_runtime_config (
                revision BIGINT PRIMARY KEY,
                text TEXT NOT NULL,
                host_id TEXT NOT NULL,
                at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            "ALTER TABLE v6_hosts ADD COLUMN runtime_revision BIGINT",
        ]),
    ]

    static var latest: Int { migrations.last?.version ?? 0 }

    /// Brings the database to `latest`; returns the version it was at.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS v6_schema (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var current = 0
            for try await version in try await connection.query("SELECT coalesce(max(version), 0) FROM v6_schema", logger: logger)
                .decode(Int.self) { current = version }
            let before = current
            for migration in migrations where migration.version > current {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO v6_schema (version, name) VALUES (\(migration.version), \(migration.name))",
                                           logger: logger)
                current = migration.version
            }
            return before
        }
    }
}
