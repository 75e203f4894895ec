import MarketCalendar

/// Why a run started.
public enum Trigger: String, Sendable, Codable, CaseIterable {
    case schedule, manual, retry
    case catchUp = "catch_up"
    /// A task with `after:` alone: its upstreams succeeded for its run date.
    case upstream
}

/// How a run ended (or where it stands), as stored and shown.
public enum Outcome: String, Sendable, Codable, CaseIterable {
    case success, failed, fatal, timeout, skipped, abandoned, retrying, running, queued
}

/// Why the daemon stops a running task.
public enum StopReason: String, Sendable {
    case timeout, replaced, shutdown
}

/// A run the state machine wants started now.
public struct RunStart: Sendable, Equatable {
    public let runID: String
    public let task: String
    public let trigger: Trigger
    /// The slot this run serves (nil for a manual run; the start of its run date, ET midnight,
    /// for an `upstream` run).
    public let scheduledAt: Instant?
    public let attempt: Int
    /// Seconds spent waiting for a free slot under `max_concurrent_tasks`.
    public let waitedSeconds: Int64
    /// Seconds until the run is stopped as timed out.
    public let timeoutSeconds: Int
}

/// What happened to a started run, reported back by the daemon.
public enum RunResult: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)
    /// posix_spawn or a pre-spawn check failed (missing executable, bad cwd...): fatal.
    case spawnFailed(String)
    /// The slot was already claimed in the database (it ran before a restart or a clock step).
    case slotTaken
    /// Not started: the shared store (`scheduler.store: postgres`) could not take its claim,
    /// and a run without a claim might run twice (the text says what failed).
    case unclaimed(String)
    /// Stopped (shutdown, timeout, replace) before the daemon got to spawn it: it never ran.
    case notStarted
}

/// A finished run (or attempt) as the state machine judged it.
public struct RunCompletion: Sendable, Equatable {
    public let runID: String
    public let task: String
    public let trigger: Trigger
    public let scheduledAt: Instant?
    public let attempt: Int
    public let outcome: Outcome
    public let exitCode: Int32?
    public let signal: Int32?
    public let reason: String?
    /// When the next attempt starts (outcome `retrying`).
    public let retryAt: Instant?
    /// The last attempt failed: run the task's `on_failure` hook.
    public let isFinalFailure: Bool
}

/// Why an occurrence did not run, for alerts (`missed`, `skipped`) and metrics; `reason` says it in words.
public enum SkipCause: Sendable, Equatable {
    /// The previous run still runs, or one already waits for it (`overlap`).
    case overlap
    /// `count` occurrences were stepped over (clock step, suspend); the latest runs.
    case missed(count: Int)
    /// An upstream task did not succeed (dependencies).
    case dependency
    /// The daemon stopped before a waiting start could run.
    case stopping
}

/// An occurrence that did not run, recorded with its reason.
public struct SkippedRun: Sendable, Equatable {
    public let runID: String
    public let task: String
    public let trigger: Trigger
    public let scheduledAt: Instant?
    public let reason: String
    public var cause: SkipCause = .overlap
}

/// What the state machine asks the daemon to do.
public enum SchedulerAction: Sendable, Equatable {
    case start(RunStart)
    /// SIGTERM the run's process group, SIGKILL after the task's grace.
    case stop(runID: String, reason: StopReason)
    case skipped(SkippedRun)
    case completed(RunCompletion)
    /// A run waits (for the task's running one, or for a concurrency slot).
    case queued(runID: String, task: String, reason: String)
}

/// A runtime enable/disable from `v6ctl` (outranks the environment and the YAML).
public struct RuntimeToggle: Sendable, Equatable {
    public let enabled: Bool
    /// A disable (or enable) that lapses on its own.
    public let until: Instant?

    public init(enabled: Bool, until: Instant?) {
        self.enabled = enabled
        self.until = until
    }
}
