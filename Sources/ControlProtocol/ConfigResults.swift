/// The answer to `config_show`: the effective configuration, one entry per value.
public struct ConfigResult: Codable, Sendable, Equatable {
    /// The running configuration's revision: what an edit must be based on.
    public var revision: String
    /// The main file (as given to `--config`).
    public var mainFile: String
    /// The drop-in run-time edits are written to.
    public var managedFile: String
    /// Every file read, in the order they apply (main, drop-ins, environment file).
    public var files: [String]
    /// Every value set in a file, the environment or by a run-time toggle, in document order.
    public var values: [ConfigEntry]

    public init(revision: String, mainFile: String, managedFile: String, files: [String], values: [ConfigEntry]) {
        self.revision = revision
        self.mainFile = mainFile
        self.managedFile = managedFile
        self.files = files
        self.values = values
    }

    enum CodingKeys: String, CodingKey {
        case revision, mainFile = "main_file", managedFile = "managed_file", files, values
    }
}

/// One value: `scheduler.tasks.collect.timeout_seconds` = `300` from `FILE:LINE`.
public struct ConfigEntry: Codable, Sendable, Equatable {
    /// Dotted key path.
    public var key: String
    /// One line of YAML (flow style), what `task_set` takes back; secrets as `"********"`.
    public var value: String
    /// `FILE:LINE`, `env SCHEDULER_X`, or `runtime`; only with `sources`.
    public var source: String?

    public init(key: String, value: String, source: String? = nil) {
        self.key = key
        self.value = value
        self.source = source
    }
}

/// One value that changed.
public struct ConfigChange: Codable, Sendable, Equatable {
    public var key: String
    /// Absent when the key was not set before.
    public var before: String?
    /// Absent when the key is no longer set.
    public var after: String?

    public init(key: String, before: String? = nil, after: String? = nil) {
        self.key = key
        self.before = before
        self.after = after
    }
}

/// The answer to an edit: the new revision (to base the next edit on) and what changed.
public struct ConfigChangeResult: Codable, Sendable, Equatable {
    public var revision: String
    /// The revision the edit was based on.
    public var basedOn: String
    /// The file written.
    public var file: String
    /// Empty when the edit changed nothing (then nothing was written).
    public var changes: [ConfigChange]
    /// Non-fatal findings of the configuration check.
    public var warnings: [String]

    public init(revision: String, basedOn: String, file: String, changes: [ConfigChange], warnings: [String] = []) {
        self.revision = revision
        self.basedOn = basedOn
        self.file = file
        self.changes = changes
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case revision, basedOn = "based_on", file, changes, warnings
    }
}

/// The answer to `audit`: changes, newest first.
public struct AuditResult: Codable, Sendable, Equatable {
    public var entries: [AuditEntry]
    public init(entries: [AuditEntry]) { self.entries = entries }
}

/// One configuration change: when, who, what was asked, what changed.
public struct AuditEntry: Codable, Sendable, Equatable {
    /// Increases with every entry.
    public var seq: Int64
    /// ET instant.
    public var at: String
    /// The peer's uid (SO_PEERCRED); absent for the daemon's own entries (`start`).
    public var uid: Int?
    /// The peer's user name, when the uid has one.
    public var user: String?
    /// The person a client acted for (the dashboard's signed-in user), as the client said.
    public var onBehalfOf: String?
    /// `task set collect timeout_seconds=300`, `reload`, `SIGHUP`, `start` (secrets masked).
    public var command: String
    /// `applied`, `failed`, or `pending` (written, not yet reloaded).
    public var outcome: String
    /// The revision the change led to.
    public var revision: String
    /// The revision it was based on.
    public var basedOn: String?
    public var changes: [ConfigChange]
    /// Why it failed, or a note (`the files changed while the daemon was stopped`).
    public var reason: String?
    /// With the shared store (`scheduler.store: postgres`): the host the change was made on.
    /// Absent with SQLite.
    public var host: String?

    public init(seq: Int64, at: String, uid: Int? = nil, user: String? = nil, onBehalfOf: String? = nil, command: String,
                outcome: String, revision: String, basedOn: String? = nil, changes: [ConfigChange] = [], reason: String? = nil,
                host: String? = nil) {
        self.seq = seq
        self.at = at
        self.uid = uid
        self.user = user
        self.onBehalfOf = onBehalfOf
        self.command = command
        self.outcome = outcome
        self.revision = revision
        self.basedOn = basedOn
        self.changes = changes
        self.reason = reason
        self.host = host
    }

    enum CodingKeys: String, CodingKey {
        case seq, at, uid, user, onBehalfOf = "on_behalf_of", command, outcome, revision, basedOn = "based_on", changes, reason, host
    }
}
