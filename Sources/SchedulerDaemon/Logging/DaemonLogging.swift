// Wires the outputs together once per process: swift-log accepts a single
// `LoggingSystem.bootstrap`, so everything that must be shared (the journal sink, the file
// and its `reopen()`, the task-output path) lives in one `LogOutputs` that `bootstrap`
// returns to the daemon. Tests build `LogOutputs` or the handlers directly and never bootstrap.
import Logging
import Synchronization

/// The daemon's log outputs: the primary sink (journal or stderr), the optional file, and
/// the handlers and task-output log that write to them.
public final class LogOutputs: Sendable {
    /// `.journal` or `.stderr` (never `.auto`).
    public let target: LogTarget
    /// Where entries go first: `JournalSink` or `TextSink.standardError`.
    public let primary: any LogSink
    /// The plain file, when `enable_logging` gave a `log_directory`.
    public let file: LogFile?
    /// The hot path for task output lines, to the primary sink and the file.
    public let taskOutput: TaskOutputLog

    /// Resolves `target` (`.auto` looks at JOURNAL_STREAM) and opens the file in `fileDirectory`.
    /// The journal is used only if journald answers; else stderr, with a warning saying why.
    public convenience init(target: LogTarget, fileDirectory: String?, fileEnabled: Bool = true) {
        var resolved = target.resolved()
        var unreachable: SystemdError?
        if resolved == .journal {
            do { try JournalSink.probe() } catch {
                unreachable = error
                resolved = .stderr
            }
        }
        let primary: any LogSink = resolved == .journal ? JournalSink() : TextSink.standardError
        self.init(target: resolved, primary: primary, fileDirectory: fileDirectory, fileEnabled: fileEnabled)
        if let unreachable {
            primary.write(LogRecord(level: .warning, message: "\(unreachable); logging to stderr"))
        }
    }

    /// Outputs over a given primary sink (tests pass a pipe's `TextSink` or a `JournalSink`).
    /// A file that cannot be written is reported once, at error level, on `primary`.
    /// `fileEnabled` is `enable_logging`: the file exists (closed) even when false, so that a
    /// reload can turn it on.
    public init(target: LogTarget, primary: any LogSink, fileDirectory: String?, fileEnabled: Bool = true) {
        self.target = target
        self.primary = primary
        self.file = fileDirectory.map { directory in
            LogFile(directory: directory, enabled: fileEnabled) { message in
                primary.write(LogRecord(level: .error, message: message, metadata: [(key: "log_file", value: directory)]))
            }
        }
        self.taskOutput = TaskOutputLog(sinks: file.map { [primary, $0] } ?? [primary])
    }

    /// The handler for one logger: the primary output, plus the file when there is one.
    public func makeHandler(label: String, level: Logger.Level = .info) -> any LogHandler {
        let main: any LogHandler
        if let journal = primary as? JournalSink {
            main = JournalLogHandler(label: label, sink: journal, level: level)
        } else if let text = primary as? TextSink {
            main = StderrLogHandler(label: label, level: level, sink: text)
        } else {
            main = GenericSinkLogHandler(label: label, sink: primary, level: level)
        }
        guard let file else { return main }
        return MultiplexLogHandler([main, FileLogHandler(label: label, file: file, level: level)])
    }

    /// Reopens the log file, for SIGHUP and reload after logrotate (no-op without a file).
    @discardableResult
    public func reopen() -> Bool { file?.reopen() ?? true }
}

/// Process-wide logging set-up.
public enum DaemonLogging {
    /// SYSLOG_IDENTIFIER of the daemon's own entries.
    public static let defaultIdentifier = "v6-scheduler"

    private static let installed = Mutex<LogOutputs?>(nil)

    /// Builds the outputs and installs them as swift-log's handler factory.
    ///
    /// swift-log allows one bootstrap per process, so only the first call installs anything;
    /// later calls return the first call's outputs, whatever their arguments.
    /// - Parameters:
    ///   - target: `--log-target`.
    ///   - fileDirectory: `log_directory`.
    ///   - fileEnabled: `enable_logging` (it can change on reload; `log_directory` cannot).
    ///   - level: the daemon's log level.
    @discardableResult
    public static func bootstrap(target: LogTarget, fileDirectory: String?, fileEnabled: Bool = true,
                                 level: Logger.Level = .info) -> LogOutputs {
        installed.withLock { installed in
            if let installed { return installed }
            let outputs = LogOutputs(target: target, fileDirectory: fileDirectory, fileEnabled: fileEnabled)
            LoggingSystem.bootstrap { label in outputs.makeHandler(label: label, level: level) }
            installed = outputs
            return outputs
        }
    }
}

/// A handler over any other sink (for outputs built with a custom primary sink).
struct GenericSinkLogHandler: SinkLogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let label: String
    let sink: any LogSink

    init(label: String, sink: any LogSink, level: Logger.Level) {
        self.label = label
        self.sink = sink
        self.logLevel = level
    }
}
