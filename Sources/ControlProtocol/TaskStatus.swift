/// One task in brief (`status`, `tasks`).
public struct TaskStatus: Codable, Sendable, Equatable {
    public var name: String
    /// Enabled after YAML, environment and the run-time toggle.
    public var enabled: Bool
    /// Where `enabled` comes from: `yaml`, `env SCHEDULER_X_ENABLED`, `default` or `runtime`.
    public var enabledSource: String
    /// When a run-time toggle with `until` expires (ET instant).
    public var toggleUntil: String?
    /// The schedule in words, e.g. `every 5 minutes from 09:30 to 16:00`.
    public var schedule: String
    /// The `days:` rule in words, e.g. `trading days`.
    public var days: String
    /// Whether a run of it is in progress.
    public var running: Bool
    public var lastRun: RunInfo?
    /// The next scheduled run (ET instant); absent when none is ahead (disabled, or no slot within a year).
    public var nextRun: String?
    /// The tasks it runs after (`after:`); absent when none.
    public var after: [String]?
    /// The tasks that run after it; absent when none.
    public var dependents: [String]?
    /// The upstreams a run of it is waiting for now; absent when it waits for none.
    public var waitingFor: [String]?
    /// When that run is skipped if they have not succeeded (ET instant); absent for a task with
    /// `after:` alone, which waits for its upstreams' whole day.
    public var waitingUntil: String?
    /// Why a run of it is waiting to start, e.g. `queued behind run 812`, `retry 2 at
    /// 2026-11-27T10:15:00-05:00`, `for a free slot (max_concurrent_tasks 16)`; absent when none is.
    public var waiting: String?

    public init(name: String, enabled: Bool, enabledSource: String, toggleUntil: String? = nil, schedule: String,
                days: String, running: Bool = false, lastRun: RunInfo? = nil, nextRun: String? = nil,
                after: [String]? = nil, dependents: [String]? = nil, waitingFor: [String]? = nil, waitingUntil: String? = nil,
                waiting: String? = nil) {
        self.name = name
        self.enabled = enabled
        self.enabledSource = enabledSource
        self.toggleUntil = toggleUntil
        self.schedule = schedule
        self.days = days
        self.running = running
        self.lastRun = lastRun
        self.nextRun = nextRun
        self.after = after
        self.dependents = dependents
        self.waitingFor = waitingFor
        self.waitingUntil = waitingUntil
        self.waiting = waiting
    }

    enum CodingKeys: String, CodingKey {
        case name, enabled, enabledSource = "enabled_source", toggleUntil = "toggle_until", schedule, days
        case running, lastRun = "last_run", nextRun = "next_run", waiting
        case after, dependents, waitingFor = "waiting_for", waitingUntil = "waiting_until"
    }
}
