/// How a daemon sits in its process.
enum DaemonHosting: Sendable {
    /// `v6-scheduler run`: the daemon owns its process. It installs swift-log's handlers, handles
    /// SIGTERM, SIGINT and SIGHUP, becomes the child subreaper (and reaps orphans), and talks to
    /// systemd (READY=1, STATUS=, the watchdog, a socket passed in LISTEN_FDS).
    case process
    /// One of several daemons inside a test process: none of the process-wide set-up above (it
    /// would take the test runner's signals, reap its children, answer its NOTIFY_SOCKET and read
    /// LISTEN_FDS, which other tests set); the log goes to `outputs`. The test stops it with
    /// `shutdown()`.
    case embedded(LogOutputs)

    var ownsProcess: Bool {
        if case .process = self { true } else { false }
    }
}
