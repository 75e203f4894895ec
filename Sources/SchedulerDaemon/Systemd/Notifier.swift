// The daemon's side of systemd's notify protocol (sd_notify(3)). With Type=notify-reload in the
// unit, `systemctl start` waits for READY=1 (sent only once the config, database and control
// socket are up), `systemctl reload` waits for RELOADING=1 ... READY=1, STATUS= shows in
// `systemctl status`, and WATCHDOG=1 pings keep WatchdogSec= from killing a healthy daemon.
// Outside systemd (NOTIFY_SOCKET unset) every call is a no-op, so `make run` needs no flags.
import CSystemd
import Glibc

/// What happened to one notification.
public enum NotifyResult: Equatable, Sendable {
    /// The service manager received it.
    case sent
    /// `NOTIFY_SOCKET` is unset: not running under systemd (or not Type=notify); nothing was sent.
    case notSupervised
    /// `NOTIFY_SOCKET` is set but the message could not be delivered.
    case failed(SystemdError)
}

/// Sends state changes to systemd. Stateless, so any thread may call it at any time.
///
/// `sd_notify` reads `NOTIFY_SOCKET` on every call and opens its own socket, which makes this
/// thread-safe and lets tests point it at a socket of their own with `setenv`.
public struct Notifier: Sendable {
    /// False for a daemon embedded in a test process, whose NOTIFY_SOCKET is not its to answer.
    private let enabled: Bool

    public init() { enabled = true }

    /// `enabled: false`: every call is a no-op, whatever the environment says.
    init(enabled: Bool) { self.enabled = enabled }

    /// True when `NOTIFY_SOCKET` is set, that is when notifications go somewhere.
    public var isSupervised: Bool { enabled && getenv("NOTIFY_SOCKET") != nil }

    /// `READY=1` (plus `STATUS=` when given): start-up or a reload is complete.
    @discardableResult
    public func ready(status: String? = nil) -> NotifyResult {
        send(status.map { "READY=1\nSTATUS=" + Notifier.oneLine($0) } ?? "READY=1")
    }

    /// `STATUS=<text>`: the one-line status `systemctl status` shows. Newlines become spaces.
    @discardableResult
    public func status(_ text: String) -> NotifyResult {
        send("STATUS=" + Notifier.oneLine(text))
    }

    /// `WATCHDOG=1`: the daemon's event loop is alive. Send it every `watchdogInterval / 2`.
    @discardableResult
    public func watchdog() -> NotifyResult {
        send("WATCHDOG=1")
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=<CLOCK_MONOTONIC now>` in the same datagram, as
    /// Type=notify-reload requires (systemd ignores a RELOADING=1 without the timestamp).
    /// Follow it with `ready()` when the new configuration is in force.
    @discardableResult
    public func reloading() -> NotifyResult {
        send("RELOADING=1\nMONOTONIC_USEC=\(Notifier.monotonicMicroseconds())")
    }

    /// `STOPPING=1`: shutdown has begun (running tasks are being stopped).
    @discardableResult
    public func stopping() -> NotifyResult {
        send("STOPPING=1")
    }

    /// Sends newline-separated assignments as one datagram (for the rarer ones, e.g.
    /// `EXTEND_TIMEOUT_USEC=`).
    @discardableResult
    public func send(_ assignments: String) -> NotifyResult {
        guard enabled else { return .notSupervised }
        // unset_environment 0: the daemon notifies for its whole life, not just once.
        let result = sd_notify(0, assignments)
        if result > 0 { return .sent }
        if result == 0 { return .notSupervised }
        return .failed(.notify(errno: -result, socket: getenv("NOTIFY_SOCKET").map { String(cString: $0) } ?? "(unset)"))
    }

    /// The watchdog timeout systemd set (`WatchdogSec=`, passed as WATCHDOG_USEC for this
    /// pid), in seconds; nil when the watchdog is off. Ping at half of it.
    public var watchdogInterval: Double? {
        var usec: UInt64 = 0
        guard enabled, sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return Double(usec) / 1_000_000
    }

    /// CLOCK_MONOTONIC now, in microseconds: the clock systemd compares MONOTONIC_USEC with.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// The protocol is line-based: a newline inside STATUS= would start a bogus assignment.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}
