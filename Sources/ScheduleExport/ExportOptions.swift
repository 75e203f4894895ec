import MarketCalendar

/// The choices an export leaves to the operator.
public struct ExportOptions: Sendable {
    /// The day from which closes and clock changes are looked at (today, for the CLI).
    public var asOf: LocalDate
    /// How the units and crontab call `v6ctl` (systemd and cron do not search /usr/local/bin).
    public var v6ctl: String
    /// Kubernetes: the container image (it must hold v6ctl and the task's programs).
    public var image: String
    public var namespace: String?
    /// Kubernetes: labels added to every CronJob, Job and Pod.
    public var labels: [(key: String, value: String)]
    /// systemd and Kubernetes: unit and CronJob names start with this.
    public var prefix: String
    /// systemd: User= of the services (none: root, or the user manager's user).
    public var user: String?
    /// crontab: where `flock -n` keeps each task's lock (overlap: skip).
    public var lockDirectory: String

    public init(asOf: LocalDate, v6ctl: String = "/usr/local/bin/v6ctl", image: String = "registry.example/trading-bot:latest",
                namespace: String? = nil, labels: [(key: String, value: String)] = [], prefix: String = "v6-", user: String? = nil,
                lockDirectory: String = "/run/lock") {
        self.asOf = asOf
        self.v6ctl = v6ctl
        self.image = image
        self.namespace = namespace
        self.labels = labels
        self.prefix = prefix
        self.user = user
        self.lockDirectory = lockDirectory
    }
}
