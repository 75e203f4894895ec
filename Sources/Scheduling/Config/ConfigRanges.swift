/// The range of every number in the configuration (docs/configuration.md lists them): the
/// validator refuses values outside, with the line, so that nothing downstream has to cope with,
/// say, a timeout of 292 billion years.
public enum ConfigRanges {
    /// `max_concurrent_tasks`: runs at once.
    public static let maxConcurrentTasks = 1...1024
    /// `timeout_seconds`: up to a week.
    public static let timeoutSeconds = 1...604_800
    /// `retries`: extra attempts.
    public static let retries = 0...100
    /// `retry_backoff_seconds`: the first delay; later ones double, up to an hour at most.
    public static let retryBackoffSeconds = 0...3600
    /// `kill_grace_seconds`: SIGTERM to SIGKILL, up to an hour.
    public static let killGraceSeconds = 0...3600
    /// `history_limit`: runs kept per task.
    public static let historyLimit = 1...1_000_000
    /// Years of the dates in `calendar.extra_closures` and `calendar.extra_early_closes`: those the
    /// calendar covers (and `plan` accepts).
    public static let calendarYears = 1900...2200
}
