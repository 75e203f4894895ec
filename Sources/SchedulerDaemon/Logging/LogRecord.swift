// One shape for every log entry, whichever way it came (swift-log or the task-output hot
// path) and wherever it goes (journald, stderr, the plain file). Keeping metadata as plain
// key/value strings here is what lets the journal sink turn `task` into a V6_TASK field, so
// `journalctl -u v6-scheduler V6_TASK=health_check` finds a task's entries, while the text
// sinks print the same keys as `key=value`.
import Glibc
import Logging

/// Wall-clock time of an entry, to the nanosecond as the system clock gives it.
public struct LogTimestamp: Sendable, Equatable {
    public var seconds: Int64
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// CLOCK_REALTIME now.
    public static func now() -> LogTimestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return LogTimestamp(seconds: Int64(now.tv_sec), nanoseconds: Int32(now.tv_nsec))
    }
}

/// A log entry, ready for any sink.
public struct LogRecord: Sendable {
    public var timestamp: LogTimestamp
    public var level: Logger.Level
    public var message: String
    /// swift-log metadata flattened to strings; keys such as `task`, `run_id`, `outcome`,
    /// `exit_code`, `duration_ms`, and `syslog_identifier` (the journal's SYSLOG_IDENTIFIER).
    public var metadata: [(key: String, value: String)]
    /// Where the entry was logged (#fileID, #function, #line); nil for task output.
    public var source: (file: String, function: String, line: UInt)?

    public init(timestamp: LogTimestamp = .now(), level: Logger.Level, message: String,
                metadata: [(key: String, value: String)] = [],
                source: (file: String, function: String, line: UInt)? = nil) {
        self.timestamp = timestamp
        self.level = level
        self.message = message
        self.metadata = metadata
        self.source = source
    }

    /// The value of the first `key` in the metadata.
    public subscript(key: String) -> String? {
        metadata.first { $0.key == key }?.value
    }

    /// The record of a swift-log event: handler metadata, then the metadata provider's, then
    /// the call's own (later ones win), sorted by key so every output lists them alike.
    init(event: LogEvent, handlerMetadata: Logger.Metadata, provider: Logger.MetadataProvider?) {
        var merged = handlerMetadata
        if let provided = provider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let own = event.metadata, !own.isEmpty {
            merged.merge(own) { _, new in new }
        }
        var flat = merged.map { (key: $0.key, value: $0.value.description) }
        if let error = event.error {
            flat.append((key: "error", value: String(describing: error)))
        }
        flat.sort { $0.key < $1.key }
        self.init(level: event.level, message: event.message.description, metadata: flat,
                  source: (file: event.file, function: event.function, line: event.line))
    }
}

/// Somewhere log records go: the journal, stderr, the plain file.
public protocol LogSink: Sendable {
    /// Writes one record. Never throws and never blocks for long: logging must not stop the
    /// scheduler; a sink that cannot write reports it once by its own means.
    func write(_ record: LogRecord)
}

extension Logger.Level {
    /// The syslog priority journald stores as PRIORITY (what `journalctl -p` filters on).
    public var syslogPriority: Int {
        switch self {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
