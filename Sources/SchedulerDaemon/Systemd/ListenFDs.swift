// Socket activation (sd_listen_fds(3)): with a v6-scheduler.socket unit, systemd owns the
// control socket, so `v6ctl` connects (and queues) even while the daemon restarts, and the
// socket's owner, group and mode come from the unit (SocketGroup=, SocketMode=) instead of
// our chmod/chown after bind.
import CSystemd
import Glibc

/// Descriptors systemd passed to the daemon at start.
public enum ListenFDs {
    /// The listening Unix stream socket systemd passed, or nil when the daemon was started
    /// without one (then it binds its own).
    ///
    /// Call it once, at start-up: it clears `LISTEN_FDS`/`LISTEN_PID` so that task processes
    /// do not inherit them, and marks the descriptors close-on-exec.
    ///
    /// - Throws: `SystemdError` when the variables are malformed, or when descriptors were
    ///   passed but none is a listening `SOCK_STREAM` Unix socket (a misconfigured .socket
    ///   unit: silently binding our own socket instead would hide it).
    public static func unixSocket() throws -> Int32? {
        let count = sd_listen_fds(1)
        if count < 0 { throw SystemdError.listenFDs(errno: -count) }
        if count == 0 { return nil }
        let first = Int32(SD_LISTEN_FDS_START)
        for fd in first..<(first + count) where sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, nil, 0) > 0 {
            return fd
        }
        throw SystemdError.noUnixListener(count: count)
    }
}
