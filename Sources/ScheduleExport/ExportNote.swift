import Scheduling

/// Something a target cannot express: written as a comment into the output and listed on stderr.
public struct ExportNote: Sendable, Equatable, CustomStringConvertible {
    /// The task it concerns; nil for the whole configuration.
    public let task: String?
    public let message: String
    /// The targets it applies to.
    public let formats: Set<ExportFormat>

    public init(task: String?, message: String, formats: Set<ExportFormat>) {
        self.task = task
        self.message = message
        self.formats = formats
    }

    static func all(_ task: String?, _ message: String) -> ExportNote { ExportNote(task: task, message: message, formats: Set(ExportFormat.allCases)) }
    /// The targets whose schedules are cron lines: crontab and Kubernetes.
    static func cronLike(_ task: String?, _ message: String) -> ExportNote { ExportNote(task: task, message: message, formats: [.crontab, .k8s]) }
    static func only(_ format: ExportFormat, _ task: String?, _ message: String) -> ExportNote { ExportNote(task: task, message: message, formats: [format]) }

    /// `task: message`, or the message alone.
    public var description: String { task.map { "\($0): \(message)" } ?? message }
}

/// What the daemon does that a target has no setting for, feature by feature. Each entry looks
/// at one task and says, per target, what is lost; a new daemon feature (dependencies with
/// `after:`, say) adds one entry here and every export lists it.
enum DaemonOnlyFeatures {
    typealias Check = @Sendable (TaskConfig, SchedulerConfig) -> [ExportNote]

    static let checks: [Check] = [overlap, retries, catchUp, onFailure, dependencies]

    static func notes(for task: TaskConfig, in config: SchedulerConfig) -> [ExportNote] {
        checks.flatMap { $0(task, config) }
    }

    /// Notes about the configuration as a whole.
    static func configurationNotes(_ config: SchedulerConfig) -> [ExportNote] {
        [.all(nil, "max_concurrent_tasks: \(config.maxConcurrentTasks): the exported jobs are not limited in number across tasks"),
         .all(nil, "runtime toggles (v6ctl enable/disable/run-now) and the run history are the daemon's; they do not apply to the exported jobs")]
    }

    static let overlap: Check = { task, _ in
        switch task.overlap {
        case .skip: return []
        case .queue:
            return [.all(task.name, "overlap: queue: an occurrence that comes while the previous run still runs is skipped, not queued")]
        case .replace:
            return [.only(.systemd, task.name, "overlap: replace: a timer does not stop a running service; the new occurrence is skipped"),
                    .only(.crontab, task.name, "overlap: replace: cron does not stop the running copy; the new occurrence is skipped")]
        }
    }

    static let retries: Check = { task, _ in
        guard task.retries > 0 else { return [] }
        return [
            .only(.crontab, task.name, "retries: \(task.retries): cron does not retry"),
            .only(.systemd, task.name, "retries: \(task.retries): systemd restarts after a fixed \(task.retryBackoffSeconds)s (the daemon doubles it), "
                  + "on any failure but exit 2 (the daemon retries only exit 1 and timeouts), and counts them within StartLimitIntervalSec, not per occurrence"),
            .only(.k8s, task.name, "retries: \(task.retries): Kubernetes waits 10s, 20s, 40s, ... between pods (not retry_backoff_seconds: \(task.retryBackoffSeconds)), "
                  + "and may retry into the next occurrence"),
        ]
    }

    static let dependencies: Check = { task, _ in
        guard !task.after.isEmpty else { return [] }
        return [.all(task.name, "after: \(task.after.joined(separator: ", ")): the exported job does not wait for its upstreams; "
                     + "it runs at its own times whatever they did")]
    }

    static let catchUp: Check = { task, _ in
        task.catchUp ? [.only(.crontab, task.name, "catch_up: cron does not run what it missed while the host was down")] : []
    }

    static let onFailure: Check = { task, _ in
        guard let hook = task.onFailure else { return [] }
        return [.all(task.name, "on_failure: \(hook.joined(separator: " ")) is not run after a final failure")]
    }
}
