/// Every error code of the control protocol: stable strings on the wire (`"code":"unknown_task"`).
/// docs/control-protocol.md says when each is used.
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
    // The request line itself (decided by `RequestDecoder`).
    /// The line is longer than 64 KiB; the daemon closes the connection after answering.
    case requestTooLarge = "request_too_large"
    /// The line is not JSON (or not valid UTF-8, or nested too deeply).
    case invalidJSON = "invalid_json"
    /// Valid JSON, but not a request object (an array, a string; duplicate keys).
    case invalidRequest = "invalid_request"
    /// `v` is missing or is not a version this daemon speaks.
    case unsupportedVersion = "unsupported_version"
    /// `cmd` names no command.
    case unknownCommand = "unknown_command"
    /// A field the command does not take.
    case unknownField = "unknown_field"
    /// A field of the wrong JSON type.
    case wrongType = "wrong_type"
    /// A required field is absent.
    case missingField = "missing_field"
    /// A field of the right type with an unusable value (an empty task name, `limit` 0, a malformed `until`).
    case invalidValue = "invalid_value"
    /// A request line was begun but not finished within `ProtocolLimits.lineDeadlineSeconds`; the daemon
    /// closes the connection after answering.
    case requestTimeout = "request_timeout"

    // What the daemon answers about a well-formed request.
    /// No task of that name in the loaded configuration.
    case unknownTask = "unknown_task"
    /// The peer may read but not change (see "Authorization").
    case permissionDenied = "permission_denied"
    /// `reload` found an invalid configuration; the old one stays in force.
    case reloadFailed = "reload_failed"
    /// The request cannot be served now (a run of the task is in progress and its overlap policy refuses
    /// another, a reload is in progress).
    case busy
    /// A bug or an unexpected failure in the daemon; the message says what.
    case `internal`
    /// A run id that is not in the history.
    case notFound = "not_found"
    /// `notify_test` names no channel of `scheduler.notify`.
    case unknownChannel = "unknown_channel"
    /// The run database is unavailable (not writable, corrupt); toggles and history cannot be served.
    case stateError = "state_error"
    /// A configuration edit was based on a revision that is no longer the running one, or the files
    /// changed on disk since the running configuration was loaded; nothing was written.
    case conflict
    /// A configuration edit would make the configuration invalid (the checker's messages follow), or
    /// a later file would override it; nothing was written.
    case invalidConfig = "invalid_config"
    /// The managed drop-in could not be written (disk full, read-only); nothing was changed.
    case writeFailed = "write_failed"

    // Client side only, never sent by the daemon.
    /// A line from the daemon that `ResponseDecoder` could not understand (a version mismatch or a bug).
    case invalidResponse = "invalid_response"
}
