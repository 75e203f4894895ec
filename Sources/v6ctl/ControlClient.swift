import Foundation

/// A blocking client for the daemon's control socket: one connection, JSON lines.
///
/// Plain POSIX sockets keep `v6ctl` small and quick to start (no event loop for one request).
final class ControlClient {
    static let defaultSocket = "/run/v6-scheduler/control.sock"
    private let fd: Int32
    private var buffer: [UInt8] = []
    let path: String

    /// Connects, or fails with exit code 3 (daemon not running / socket missing) or 1.
    init(path: String, timeoutSeconds: Int = 10) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw CLIError(message: "socket: \(String(cString: strerror(errno)))", code: CLIError.failed) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw CLIError.usage("--socket: path too long for a Unix socket: \(path)")
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
                throw CLIError(message: "cannot connect to \(path): \(String(cString: strerror(err))); is v6-scheduler running? try: systemctl status v6-scheduler",
                               code: CLIError.daemonDown)
            case EACCES, EPERM:
                throw CLIError(message: "cannot connect to \(path): permission denied; ask to be added to the scheduler's control group (see docs/operations.md)",
                               code: CLIError.failed)
            default:
                throw CLIError(message: "cannot connect to \(path): \(String(cString: strerror(err)))", code: CLIError.daemonDown)
            }
        }
    }

    deinit { close(fd) }

    /// Sends one request line (a newline is appended).
    func send(_ line: [UInt8]) throws {
        var data = line
        data.append(10)
        var offset = 0
        while offset < data.count {
            // MSG_NOSIGNAL: a daemon that turned us away has closed its end; that is an answer to
            // read (busy), not a reason to die of SIGPIPE.
            let n = data[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError(message: "lost the connection to \(path): \(String(cString: strerror(errno)))", code: CLIError.daemonDown)
            }
            offset += n
        }
    }

    /// The next line from the daemon (without its newline), or nil at end of stream.
    /// `wait: true` blocks without the read timeout (for `run-now --wait`).
    func readLine(wait: Bool = false) throws -> [UInt8]? {
        if wait {
            var none = timeval(tv_sec: 0, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, socklen_t(MemoryLayout<timeval>.size))
        }
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return buffer.isEmpty ? nil : { defer { buffer = [] }; return buffer }() }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    throw CLIError(message: "no answer from v6-scheduler on \(path) within the timeout; try: systemctl status v6-scheduler", code: CLIError.daemonDown)
                }
                throw CLIError(message: "lost the connection to \(path): \(String(cString: strerror(errno)))", code: CLIError.daemonDown)
            }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
