/// `--format` of `v6-scheduler export`.
public enum ExportFormat: String, Sendable, CaseIterable, Hashable {
    case k8s, systemd, crontab
}
