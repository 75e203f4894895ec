// swift-log asks every handler for the same boilerplate (level, metadata as a value, the
// metadata provider); the handlers of this folder differ only in their sink, so they share
// it here. Handlers are values (swift-log's rule): `logger[metadataKey:]` on one logger must
// not change another; the sinks behind them are shared.
import Logging

/// A `LogHandler` that turns each event into a `LogRecord` for its sink.
public protocol SinkLogHandler: LogHandler {
    var sink: any LogSink { get }
    var metadata: Logger.Metadata { get set }
}

extension SinkLogHandler {
    public func log(event: LogEvent) {
        sink.write(LogRecord(event: event, handlerMetadata: metadata, provider: metadataProvider))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}

/// Entries to systemd-journald as structured fields (see `JournalSink`).
public struct JournalLogHandler: SinkLogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    public let sink: any LogSink

    /// - Parameters:
    ///   - identifier: SYSLOG_IDENTIFIER of entries without a `syslog_identifier` metadata key.
    public init(label: String, identifier: String = DaemonLogging.defaultIdentifier, level: Logger.Level = .info,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, sink: JournalSink(identifier: identifier), level: level, metadataProvider: metadataProvider)
    }

    public init(label: String, sink: JournalSink, level: Logger.Level = .info,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }
}

/// Readable lines on stderr, for when the daemon is not under journald.
public struct StderrLogHandler: SinkLogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    public let sink: any LogSink

    /// - Parameter sink: where the lines go; standard error unless a test passes a pipe.
    public init(label: String, level: Logger.Level = .info, sink: TextSink = .standardError,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }
}

/// The same lines appended to `v6-scheduler.log` in `log_directory` (`enable_logging: true`).
public struct FileLogHandler: SinkLogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    public let sink: any LogSink
    /// The file, shared by all handlers of it; `file.reopen()` after rotation.
    public let file: LogFile

    public init(label: String, file: LogFile, level: Logger.Level = .info,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.file = file
        self.sink = file
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }
}
