import Foundation

/// A failure of the state database (`state.db`): it names the file, what the store was doing,
/// and the operating system's reason, and says what the operator can do about it.
///
/// Storage failures (full disk, read-only or missing directory, I/O errors) are expected in
/// production: the daemon keeps scheduling, reports them in status, and retries later
/// (see ``RunStore/healthCheck()``). ``isStorageUnavailable`` tells those apart from defects.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable error codes, for matching and for the control protocol.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case cannotCreateDirectory = "cannot_create_directory"
            case cannotOpen = "cannot_open"
            case readOnly = "read_only"
            case diskFull = "disk_full"
            case ioError = "io_error"
            case busy = "busy"
            case corrupt = "corrupt"
            case invalidRecord = "invalid_record"
            case database = "database"
            case sharedStore = "shared_store"
        }

        fileprivate let base: Base

        /// The state directory is missing and could not be created.
        public static let cannotCreateDirectory = Code(base: .cannotCreateDirectory)
        /// SQLite could not open or create `state.db` (SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH).
        public static let cannotOpen = Code(base: .cannotOpen)
        /// The file or its file system refuses writes (SQLITE_READONLY).
        public static let readOnly = Code(base: .readOnly)
        /// No space left (SQLITE_FULL).
        public static let diskFull = Code(base: .diskFull)
        /// A read, write or sync failed (SQLITE_IOERR and its extended codes).
        public static let ioError = Code(base: .ioError)
        /// Another process holds the database locked past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED).
        public static let busy = Code(base: .busy)
        /// The file is not a usable SQLite database (SQLITE_CORRUPT, SQLITE_NOTADB).
        public static let corrupt = Code(base: .corrupt)
        /// The caller passed a record the store cannot hold (a defect in the caller).
        public static let invalidRecord = Code(base: .invalidRecord)
        /// Any other SQLite error (a defect: a constraint, a bad statement).
        public static let database = Code(base: .database)

        /// The shared store (`scheduler.store: postgres`) did not answer or refused: no claim.
        public static let sharedStore = Code(base: .sharedStore)

        /// The stable text form, e.g. `disk_full`.
        public var description: String { base.rawValue }
    }

    public let code: Code
    /// The file the failure concerns (`.../state.db`, or the state directory).
    public let path: String
    /// What the store was doing, e.g. `record run 7f3a...`.
    public let operation: String
    /// The reason: the OS error text when known, plus SQLite's own message and code.
    public let reason: String

    public init(code: Code, path: String, operation: String, reason: String) {
        self.code = code
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    /// True for conditions of the storage (disk full, read-only, I/O, busy, cannot open) that may
    /// clear on their own or by an operator's hand: keep scheduling and retry later.
    public var isStorageUnavailable: Bool {
        switch code.base {
        case .cannotCreateDirectory, .cannotOpen, .readOnly, .diskFull, .ioError, .busy, .sharedStore: true
        case .corrupt, .invalidRecord, .database: false
        }
    }

    /// `state database /var/lib/v6-scheduler/state.db: cannot record run 42 of collect: No space left
    /// on device (errno 28); SQLite: database or disk is full (SQLITE_FULL). Free space on ...`
    public var description: String {
        let subject = code == .cannotCreateDirectory ? "state directory" : code == .sharedStore ? "shared store" : "state database"
        return "\(subject) \(path): cannot \(operation): \(reason)" + (hint.map { ". \($0)." } ?? "")
    }

    /// What the operator can do.
    private var hint: String? {
        let directory = (path as NSString).deletingLastPathComponent
        switch code.base {
        case .cannotCreateDirectory:
            return "Create it, writable by the daemon's user, or point state_directory elsewhere"
        case .cannotOpen, .readOnly:
            return "Make \(directory) and its files writable by the daemon's user; the daemon retries"
        case .diskFull:
            return "Free space on the file system holding \(directory); the daemon retries"
        case .ioError:
            return "Check the disk and the kernel log; the daemon retries"
        case .busy:
            return "Another process holds the database locked; stop it"
        case .corrupt:
            return "Stop the daemon and move \(path)* aside; toggles and run history will start empty"
        case .sharedStore:
            return "Check that PostgreSQL runs and this host reaches it (scheduler.postgres_url); the daemon starts nothing that needs a claim until it answers"
        case .invalidRecord, .database:
            return nil
        }
    }
}

extension StoreError {
    static func cannotCreateDirectory(_ directory: String, errno code: Int32) -> StoreError {
        StoreError(code: .cannotCreateDirectory, path: directory, operation: "create it",
                   reason: osReason(code))
    }

    /// The shared store (`path`: its URL without the password) failed `operation`.
    static func sharedStore(_ path: String, operation: String, _ error: any Error) -> StoreError {
        StoreError(code: .sharedStore, path: path, operation: operation, reason: (error as? StoreError)?.reason ?? PostgresStore.describe(error))
    }

    static func invalidRecord(_ path: String, operation: String, _ reason: String) -> StoreError {
        StoreError(code: .invalidRecord, path: path, operation: operation, reason: reason)
    }

    /// `No space left on device (errno 28)`.
    static func osReason(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
