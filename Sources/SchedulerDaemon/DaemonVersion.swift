/// The version `v6-scheduler --version` and `v6ctl status` report.
public enum DaemonVersion {
    public static let string = "0.1.0"
}
