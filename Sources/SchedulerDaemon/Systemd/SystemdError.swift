// Failures of the libsystemd calls the daemon makes (sd_notify, sd_journal_sendv,
// sd_listen_fds). None of them is fatal to the scheduler: a lost notification or journal
// entry must not stop trading jobs, so callers get these as values to log, and only
// socket activation (a misconfigured .socket unit) is thrown at start-up.
import Glibc

/// A libsystemd call failed; `description` names the call, the reason and the fix.
public struct SystemdError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Code: Equatable, Sendable {
        case notify(socket: String)
        case journal
        case listenFDs
        case noUnixListener(count: Int32)
    }

    private let code: Code
    /// The errno the call reported (positive), 0 when not applicable.
    public let errno: Int32

    private init(_ code: Code, errno: Int32) {
        self.code = code
        self.errno = errno
    }

    /// `sd_notify` could not reach `socket` (the value of `$NOTIFY_SOCKET`).
    public static func notify(errno: Int32, socket: String) -> SystemdError { SystemdError(.notify(socket: socket), errno: errno) }
    /// `sd_journal_sendv` (or a probe of its socket) could not reach systemd-journald.
    public static func journal(errno: Int32) -> SystemdError { SystemdError(.journal, errno: errno) }
    /// `sd_listen_fds` rejected `$LISTEN_FDS`/`$LISTEN_PID`.
    public static func listenFDs(errno: Int32) -> SystemdError { SystemdError(.listenFDs, errno: errno) }
    /// systemd passed descriptors, but none is a listening Unix stream socket.
    public static func noUnixListener(count: Int32) -> SystemdError { SystemdError(.noUnixListener(count: count), errno: 0) }

    public var description: String {
        switch code {
        case .notify(let socket):
            return "sd_notify to NOTIFY_SOCKET=\(socket) failed: \(SystemdError.text(errno)); "
                + "is the service manager still listening? Check Type=notify in the unit"
        case .journal:
            return "cannot write to the journal: \(SystemdError.text(errno)); is systemd-journald running? "
                + "It listens on \(JournalSink.socketPath) (or run with --log-target stderr)"
        case .listenFDs:
            return "sd_listen_fds failed: \(SystemdError.text(errno)); LISTEN_FDS/LISTEN_PID in the environment are invalid"
        case .noUnixListener(let count):
            return "systemd passed \(count) socket(s) but none is a listening Unix stream socket; "
                + "the .socket unit needs ListenStream=/path/to/control.sock"
        }
    }

    private static func text(_ errno: Int32) -> String { String(cString: strerror(errno)) + " (errno \(errno))" }
}
