// Every line a task prints becomes one log entry, under the task's own name: in the journal
// SYSLOG_IDENTIFIER=<task> (so `journalctl -t health_check` shows a task's output like any
// syslog program's), with V6_TASK, V6_RUN_ID and V6_STREAM to select one run, and stderr at
// warning priority so `journalctl -p warning` surfaces what tasks complain about. This is the
// daemon's hottest logging path (a chatty task can print thousands of lines), so it skips
// swift-log (no handler copies, metadata dictionaries or level checks) and goes to the sinks.
import Logging

/// Logs task output lines to the daemon's sinks.
public struct TaskOutputLog: Sendable {
    /// Which of the task's pipes a line came from.
    public enum Stream: String, Sendable {
        case stdout, stderr

        /// stdout is information; stderr is what tasks use to complain.
        public var level: Logger.Level { self == .stdout ? .info : .warning }
    }

    private let sinks: [any LogSink]

    /// - Parameter sinks: the primary sink (journal or stderr) and the file, if any.
    public init(sinks: [any LogSink]) {
        self.sinks = sinks
    }

    /// Logs one line (without its newline) that `task`'s run `runID` wrote on `stream`.
    public func line(_ text: String, stream: Stream, task: String, runID: String) {
        let record = LogRecord(level: stream.level, message: text, metadata: [
            (key: "syslog_identifier", value: task),
            (key: "task", value: task),
            (key: "run_id", value: runID),
            (key: "stream", value: stream.rawValue),
        ])
        for sink in sinks { sink.write(record) }
    }
}
