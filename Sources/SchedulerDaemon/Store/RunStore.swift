import Foundation
import GRDB
import GRDBSQLite

/// The daemon's persistent state: runtime toggles, run history and claimed schedule slots, in
/// `state.db` (SQLite, WAL) in the state directory.
///
/// Every write is one immediate transaction committed with `synchronous = FULL`: once a method
/// returns, its change survives kill -9 and power loss. Every failure is a ``StoreError`` that
/// names the file and the OS reason; a full disk or a read-only directory never crashes the
/// daemon, and ``healthCheck()`` tells when the store is writable again.
///
/// Thread-safe: a GRDB `DatabasePool`, one writer connection (writes serialized) and reader
/// connections that read a committed snapshot concurrently (WAL): a long history read on another
/// thread never makes the daemon's writes wait.
public final class RunStore: Sendable {
    /// The state directory.
    public let directory: String
    /// `directory/state.db`.
    public let path: String
    private let queue: DatabasePool

    /// The database file's name in the state directory.
    public static let fileName = "state.db"

    /// Opens (or creates) `directory/state.db` and brings its schema up to date.
    ///
    /// Creates `directory` with mode 0750 if it is missing (its parents too), and the database
    /// file with mode 0640 (run output may hold things only the desk should read).
    /// - Parameter busyTimeout: how long to wait for another process's lock before failing.
    public init(directory: String, busyTimeout: TimeInterval = 5) throws(StoreError) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        self.directory = directory
        self.path = path
        try StateDirectory.create(directory)
        try StateDirectory.createDatabaseFile(path)

        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "RunStore"
        configuration.prepareDatabase { db in
            // Set here rather than with `journalMode = .wal`, because GRDB's WAL set-up lowers
            // synchronous to NORMAL, which may lose the last commits on power loss (the pool's
            // writer is set back to FULL below).
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode?.lowercased() == "wal" else {
                throw DatabaseError(resultCode: .SQLITE_CANTOPEN,
                                    message: "could not switch to WAL journal mode (got \(mode ?? "nothing"))")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // After a burst of large output tails, give the WAL's disk space back at checkpoints.
            try db.execute(sql: "PRAGMA journal_size_limit = 16777216")
        }
        do {
            queue = try DatabasePool(path: path, configuration: configuration)
            // The pool's WAL set-up lowers its writer to NORMAL after `prepareDatabase`: back to FULL
            // (the writer connection lives as long as the pool).
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let migrator = StoreSchema.migrator
            let superseded = try queue.read { db in try Self.capturingErrno(db) { try migrator.hasBeenSuperseded(db) } }
            if superseded {
                throw StoreError(code: .database, path: path, operation: "open",
                                 reason: "it was written by a newer v6-scheduler (unknown schema migrations)")
            }
            try migrator.migrate(queue)
        } catch {
            throw StoreError.from(error, path: path, operation: "open", fallbackErrno: StateDirectory.writeFailure(in: directory))
        }
    }

    /// Closes the connection (checkpointing the WAL into the database file). Later calls fail.
    public func close() throws(StoreError) {
        do { try queue.close() } catch { throw mapped(error, "close") }
    }

    /// Nil when the store can write; otherwise why not (directory not writable, disk full...).
    ///
    /// Writes a 4 KiB probe file in the directory and commits a tiny transaction: cheap, but a
    /// write and an fsync each time, so call it on status requests and after a failure, to
    /// notice recovery, not in a tight loop.
    public func healthCheck() -> StoreError? {
        if let code = StateDirectory.writeFailure(in: directory) {
            return StoreError(code: StateDirectory.storeCode(for: code), path: path,
                              operation: "write a probe file next to it", reason: StoreError.osReason(code))
        }
        do {
            try write("write a health probe") { db in
                try db.execute(sql: """
                    INSERT INTO meta (key, value) VALUES ('health_probes', 1)
                    ON CONFLICT (key) DO UPDATE SET value = value + 1
                    """)
            }
        } catch {
            return error
        }
        return nil
    }

    /// SQLite's `PRAGMA quick_check`: empty when the file is sound, else the problems found.
    /// Reads the whole file: for diagnostics and tests, not for every start.
    public func integrityProblems() throws(StoreError) -> [String] {
        try read("check the database") { db in
            try String.fetchAll(db, sql: "PRAGMA quick_check").filter { $0 != "ok" }
        }
    }

    /// The value of a pragma on the store's writer connection (`synchronous` is per connection).
    func pragma(_ name: String) throws(StoreError) -> String? {
        do {
            return try queue.writeWithoutTransaction { db in
                switch try DatabaseValue.fetchOne(db, sql: "PRAGMA \(name)")?.storage {
                case .int64(let value): "\(value)"
                case .string(let value): value
                case .double(let value): "\(value)"
                case .blob, .null, nil: nil
                }
            }
        } catch {
            throw mapped(error, "read PRAGMA \(name)")
        }
    }

    // MARK: - Access

    /// Runs `body` in one immediate write transaction; maps any failure to a `StoreError`.
    func write<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                try Self.capturingErrno(db) {
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        return .commit
                    }
                    return result!
                }
            }
        } catch {
            throw mapped(error, operation())
        }
    }

    /// Runs `body` in a read transaction; maps any failure to a `StoreError`.
    func read<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read { db in try Self.capturingErrno(db) { try body(db) } }
        } catch {
            throw mapped(error, operation())
        }
    }

    private func mapped(_ error: any Error, _ operation: String) -> StoreError {
        StoreError.from(error, path: path, operation: operation, fallbackErrno: StateDirectory.writeFailure(in: directory))
    }

    /// Attaches the OS error of the failed call, read on the connection before anything else runs.
    private static func capturingErrno<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw CapturedDatabaseError(error: error, systemErrno: sqlite3_system_errno(db.sqliteConnection))
        }
    }
}
