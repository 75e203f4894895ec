import MarketCalendar
@testable import Scheduling

/// Builders for schedule tests: tasks and configs without YAML.
enum Build {
    static let zone = ZoneRules.newYork

    static func task(_ name: String, _ schedule: ScheduleSpec, days: DayRule = .trading, daysExplicit: Bool = false,
                     retries: Int = 0, backoff: Int = 30, timeout: Int = 300, overlap: OverlapPolicy = .skip,
                     catchUp: Bool = false, force: Bool = false, enabled: Bool = true, after: [String] = [],
                     afterWait: Int64 = TaskConfig.defaultAfterWait) -> TaskConfig {
        TaskConfig(name: name, command: ["/bin/true"], enabled: enabled, schedule: schedule, days: days, daysExplicit: daysExplicit,
                   timeoutSeconds: timeout, retries: retries, retryBackoffSeconds: backoff, overlap: overlap,
                   catchUp: catchUp, ignoresHolidays: force, after: after, afterWaitSeconds: afterWait)
    }

    static func config(_ tasks: [TaskConfig], maxConcurrent: Int = 16) -> SchedulerConfig {
        SchedulerConfig(sourcePath: "/tmp/test.yaml", workingDirectory: "/tmp", stateDirectory: "/tmp/state",
                        controlSocket: "/tmp/control.sock", maxConcurrentTasks: maxConcurrent, tasks: tasks.sorted { $0.name < $1.name })
    }

    static func date(_ s: String) -> LocalDate { LocalDate(parsing: s)! }
    static func at(_ s: String) -> Instant { InstantParser.parse(s, zone: zone)! }
    static func iso(_ i: Instant) -> String { zone.iso8601(i) }
    static func wall(_ s: String) -> AtTime { .wall(TimeOfDay(parsing: s)!) }

    static func occurrences(_ task: TaskConfig, on day: String) -> [String] {
        TaskSchedule(task: task, calendar: NYSECalendar()).occurrences(on: date(day)).map(iso)
    }
}
