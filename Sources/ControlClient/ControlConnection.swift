import Foundation

/// A blocking connection to the daemon's control socket: JSON lines over a Unix stream socket.
///
/// Plain POSIX sockets keep `v6ctl` small and quick to start (no event loop for one request);
/// the dashboard runs each call on a thread of its own (`ControlSession.call` off the event loop).
public final class ControlConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    public let path: String

    /// Connects, or fails with `unreachable` (daemon not running, socket missing), `accessDenied`
    /// or `badArgument`. `timeoutSeconds` bounds each send and each wait for a line.
    public init(path: String, timeoutSeconds: Int = 10) throws(ControlClientError) {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlClientError(.failed, "socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw ControlClientError(.badArgument, "--socket: path too long for a Unix socket: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if result != 0 {
            let err = errno
            close(fd)
            switch err {
            case ENOENT, ECONNREFUSED, ENOTDIR:
                throw ControlClientError(.unreachable, "cannot connect to \(path): \(String(cString: strerror(err))); is v6-scheduler running? try: systemctl status v6-scheduler")
            case EACCES, EPERM:
                throw ControlClientError(.accessDenied, "cannot connect to \(path): permission denied; ask to be added to the scheduler's control group (see docs/operations.md)")
            default:
                throw ControlClientError(.unreachable, "cannot connect to \(path): \(String(cString: strerror(err)))")
            }
        }
    }

    deinit { close(fd) }

    /// Sends one request line (a newline is appended).
    public func send(_ line: [UInt8]) throws(ControlClientError) {
        var data = line
        data.append(10)
        var offset = 0
        while offset < data.count {
            // MSG_NOSIGNAL: a daemon that turned us away has closed its end; that is an answer to
            // read (busy), not a reason to die of SIGPIPE.
            let n = data[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ControlClientError(.unreachable, "lost the connection to \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// The next line from the daemon (without its newline), or nil at end of stream.
    /// `wait: true` blocks without the read timeout (for `run_now` with `wait`).
    public func readLine(wait: Bool = false) throws(ControlClientError) -> [UInt8]? {
        if wait {
            var none = timeval(tv_sec: 0, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, socklen_t(MemoryLayout<timeval>.size))
        }
        while true {
            if let newline = buffer[bufferStart...].firstIndex(of: 10) {
                let line = Array(buffer[bufferStart..<newline])
                bufferStart = newline + 1
                if bufferStart == buffer.count { buffer.removeAll(keepingCapacity: true); bufferStart = 0 }
                return line
            }
            if bufferStart > 0 { buffer.removeSubrange(..<bufferStart); bufferStart = 0 }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return buffer.isEmpty ? nil : { defer { buffer = [] }; return buffer }() }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    throw ControlClientError(.unreachable, "no answer from v6-scheduler on \(path) within the timeout; try: systemctl status v6-scheduler")
                }
                throw ControlClientError(.unreachable, "lost the connection to \(path): \(String(cString: strerror(errno)))")
            }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Ends the connection from another thread: a blocked `readLine` returns (end of stream).
    /// Used to stop following a run when its viewer goes away.
    public func shutdown() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
}

/// One thread reads and writes; another may only call `shutdown()` (a syscall on the descriptor).
extension ControlConnection: @unchecked Sendable {}
