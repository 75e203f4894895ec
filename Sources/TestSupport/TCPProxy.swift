import Foundation
import Glibc
import Synchronization

/// A TCP forwarder on 127.0.0.1 between one client (a daemon) and a server (PostgreSQL), that a
/// test can cut like a network link: `cut()` drops every connection and from then on accepts
/// new ones but never answers them (packets into the void: the client waits, then times out,
/// as across a partition); `restore()` forwards again.
///
/// A thread per direction of each connection; everything is closed by `stop()` (and deinit).
public final class TCPProxy: @unchecked Sendable {
    public let port: Int
    public let target: Int
    private let listener: Int32
    private struct State {
        var cut = false
        var stopped = false
        var sockets: Set<Int32> = []
    }
    private let state = Mutex(State())

    /// Listens on 127.0.0.1 (a free port) and forwards to 127.0.0.1:`target`.
    public init(target: Int) throws {
        self.target = target
        let (fd, port) = try Self.listen()
        listener = fd
        self.port = port
        let thread = Thread { [weak self] in self?.acceptLoop() }
        thread.start()
    }

    /// A port that was free on 127.0.0.1 a moment ago.
    public static func freePort() throws -> Int {
        let (fd, port) = try listen()
        close(fd)
        return port
    }

    /// The link is down: every connection is dropped; new ones hang unanswered.
    public func cut() {
        let sockets = state.withLock { state -> Set<Int32> in
            state.cut = true
            defer { state.sockets = [] }
            return state.sockets
        }
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// The link is back: new connections are forwarded again.
    public func restore() {
        state.withLock { $0.cut = false }
    }

    /// Closes the listener and every connection.
    public func stop() {
        let sockets = state.withLock { state -> Set<Int32> in
            state.stopped = true
            defer { state.sockets = [] }
            return state.sockets
        }
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    deinit { stop() }

    private static func listen() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            close(fd)
            throw HarnessError("bind/listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func connectTarget() -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(target).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            let (stopped, cut) = state.withLock { ($0.stopped, $0.cut) }
            if stopped {
                close(client)
                close(listener)
                return
            }
            if cut {
                // Into the void: held open, never answered, closed when the link is restored or the proxy stops.
                state.withLock { _ = $0.sockets.insert(client) }
                Thread { [weak self] in self?.drain(client) }.start()
                continue
            }
            guard let server = connectTarget() else {
                close(client)
                continue
            }
            state.withLock { state in
                state.sockets.insert(client)
                state.sockets.insert(server)
            }
            Thread { [weak self] in self?.pump(from: client, to: server) }.start()
            Thread { [weak self] in self?.pump(from: server, to: client) }.start()
        }
    }

    /// Reads and discards until the socket is shut down (a cut link swallows what is sent).
    private func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(fd, &buffer, buffer.count) > 0 {}
        state.withLock { _ = $0.sockets.remove(fd) }
        close(fd)
    }

    private func pump(from source: Int32, to sink: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        loop: while true {
            let count = read(source, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(sink, $0.baseAddress! + offset, count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break loop }
                offset += written
            }
        }
        // One side ended: end both (each pump closes the descriptor it read from).
        shutdown(sink, Int32(SHUT_RDWR))
        shutdown(source, Int32(SHUT_RDWR))
        state.withLock { _ = $0.sockets.remove(source) }
        close(source)
    }
}
