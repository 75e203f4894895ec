import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain AF_UNIX stream connection, for tests that speak to the control socket byte by
/// byte (malformed requests, oversized lines, idle connections) where `v6ctl` would refuse.
public final class UnixStreamClient: @unchecked Sendable {
    /// What a read produced.
    public enum ReadResult: Equatable, Sendable {
        /// One line, without its newline.
        case line(String)
        /// The peer closed the connection (EOF, or ECONNRESET after it closed with our bytes unread).
        case closed
        /// Nothing complete arrived within the timeout.
        case timeout
    }

    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `path`; throws `HarnessError` with errno's text when it cannot.
    public init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(AF_UNIX): \(String(cString: strerror(errno)))") }
        // A stuck peer must not hang the test: sends give up after 10 s.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close()  // and -1, so deinit does not close the number again (another thread's by then)
            throw HarnessError("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes + [0]) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let error = errno
            close()
            throw HarnessError("connect(\(path)): \(String(cString: strerror(error)))")
        }
    }

    /// Sends all of `bytes`; returns false when the peer has gone (EPIPE, ECONNRESET) before
    /// all were sent. MSG_NOSIGNAL: a closed peer must not SIGPIPE the test process.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Sends as much of `bytes` as the socket takes within `timeout` seconds, without blocking
    /// longer; returns how many bytes were sent (fewer than all when the peer stopped reading and
    /// the socket buffers are full, or when the peer has gone).
    public func send(_ bytes: [UInt8], within timeout: Double) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            guard n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) else { break }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { break }
            var pending = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&pending, 1, Int32((remaining * 1000).rounded(.up)))
        }
        return offset
    }

    /// Ends our side of the stream (shutdown SHUT_WR), as `echo ... | socat` does at the end of its
    /// input: the peer reads EOF, and we can still read its answers.
    public func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Sends `text` followed by a newline.
    @discardableResult
    public func sendLine(_ text: String) -> Bool { send(Array(text.utf8) + [10]) }

    /// The next line, or `.closed` / `.timeout`.
    public func readLine(timeout: Double = 10) -> ReadResult {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return .line(String(decoding: line, as: UTF8.self))
            }
            // timeout 0 still looks once: a non-blocking check.
            let remaining = max(0, deadline.timeIntervalSinceNow)
            var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pending, 1, Int32((remaining * 1000).rounded(.up)))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return .timeout }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n == 0 { return .closed }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .closed  // ECONNRESET and friends: the peer is gone
            }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Reads lines until the peer closes or `timeout` passes; true if it closed.
    public func waitForClose(timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            switch readLine(timeout: deadline.timeIntervalSinceNow) {
            case .closed: return true
            case .timeout: return false
            case .line: continue
            }
        }
        return false
    }

    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    deinit { close() }
}
