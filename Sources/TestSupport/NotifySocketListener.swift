// systemd's end of the notify protocol for end-to-end tests: an AF_UNIX datagram socket the
// test binds in its temporary directory and hands to a daemon as NOTIFY_SOCKET. The kernel
// attaches each sender's credentials (SO_PASSCRED), so a test can keep only what the daemon
// itself sent: tasks and helpers the daemon starts must not be able to forge a READY=1.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bound notify socket that collects datagrams.
public final class NotifySocketListener: @unchecked Sendable {
    /// One datagram and who sent it.
    public struct Datagram: Sendable, CustomStringConvertible {
        public let senderPID: Int32
        public let text: String
        public let received: Date

        /// The `NAME=value` assignments, one per line.
        public var assignments: [String: String] {
            var result: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                result[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return result
        }

        public var description: String { "[pid \(senderPID)] " + text.replacingOccurrences(of: "\n", with: " | ") }
    }

    public let path: String
    private let fd: Int32

    /// Binds `path` (which must not exist yet).
    public init(path: String) throws {
        self.path = path
        // A local until bound: a failed init closes it and must not reach deinit's close.
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(AF_UNIX, SOCK_DGRAM): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(fd)
            throw HarnessError("notify socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        var on: Int32 = 1
        let passcred: Int32 = 16  // SO_PASSCRED (asm-generic/socket.h), hidden behind _GNU_SOURCE
        guard bound == 0, setsockopt(fd, SOL_SOCKET, passcred, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let error = errno
            Glibc.close(fd)
            throw HarnessError("bind/SO_PASSCRED \(path): \(String(cString: strerror(error)))")
        }
        // A daemon that runs as another user (setpriv tests) must be able to send.
        chmod(path, 0o666)
        self.fd = fd
    }

    deinit {
        Glibc.close(fd)
        unlink(path)
    }

    /// The next datagram (from `pid` when given; others are dropped), or nil after `timeout` s.
    public func receive(from pid: Int32? = nil, timeout: Double = 10) -> Datagram? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pending, 1, Int32(max(0, remaining) * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            guard let datagram = receiveOne() else { continue }
            if pid == nil || datagram.senderPID == pid { return datagram }
        }
    }

    // MARK: - Draining in the background

    private let drained = NSLock()
    private var drainedDatagrams: [Datagram] = []
    private var drainThread: Thread?
    private var draining = false

    /// Reads datagrams on a thread of its own from now on, as systemd would: a sender blocks
    /// once the socket holds `net.unix.max_dgram_qlen` (10) unread datagrams, and a daemon
    /// blocked in sd_notify stops answering. Read them with `received` and `wait(for:)`; call
    /// `stopDraining()` when done (the thread keeps the listener alive until then).
    public func startDraining() {
        drained.lock()
        defer { drained.unlock() }
        guard !draining else { return }
        draining = true
        let thread = Thread { [self] in
            while isDraining {
                guard let datagram = receive(timeout: 0.1) else { continue }
                drained.lock()
                drainedDatagrams.append(datagram)
                drained.unlock()
            }
        }
        drainThread = thread
        thread.start()
    }

    private var isDraining: Bool {
        drained.lock()
        defer { drained.unlock() }
        return draining
    }

    /// Stops the drain thread (at most 0.1 s later).
    public func stopDraining() {
        drained.lock()
        draining = false
        drained.unlock()
    }

    /// Everything drained so far (from `pid` when given), in arrival order.
    public func received(from pid: Int32? = nil) -> [Datagram] {
        drained.lock()
        defer { drained.unlock() }
        return drainedDatagrams.filter { pid == nil || $0.senderPID == pid }
    }

    /// Waits until the drained datagrams (from `pid`) satisfy `condition`; false after `timeout` s.
    @discardableResult
    public func wait(from pid: Int32? = nil, timeout: Double = 10, for condition: ([Datagram]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if condition(received(from: pid)) { return true }
            if Date() >= deadline { return false }
            usleep(20_000)
        }
    }

    /// Datagrams from `pid` until one satisfies `stop` (included) or `timeout` passes.
    public func collect(from pid: Int32? = nil, timeout: Double = 10, until stop: (Datagram) -> Bool) -> [Datagram] {
        let deadline = Date().addingTimeInterval(timeout)
        var collected: [Datagram] = []
        while deadline.timeIntervalSinceNow > 0, let datagram = receive(from: pid, timeout: deadline.timeIntervalSinceNow) {
            collected.append(datagram)
            if stop(datagram) { break }
        }
        return collected
    }

    /// One datagram and its sender's pid (from SCM_CREDENTIALS; -1 if absent).
    private func receiveOne() -> Datagram? {
        var data = [UInt8](repeating: 0, count: 4096)
        var control = [UInt64](repeating: 0, count: 8)  // 64 bytes, 8-aligned like cmsghdr
        let count = data.withUnsafeMutableBytes { dataBytes in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: dataBytes.baseAddress, iov_len: dataBytes.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr(msg_name: nil, msg_namelen: 0, msg_iov: vectorPointer, msg_iovlen: 1,
                                         msg_control: controlBytes.baseAddress, msg_controllen: controlBytes.count,
                                         msg_flags: 0)
                    return recvmsg(fd, &message, Int32(MSG_DONTWAIT))
                }
            }
        }
        guard count >= 0 else { return nil }
        // cmsghdr { size_t len; int level; int type; } then struct ucred { pid; uid; gid; }.
        let pid = control.withUnsafeBytes { raw -> Int32 in
            let level = raw.load(fromByteOffset: 8, as: Int32.self)
            let type = raw.load(fromByteOffset: 12, as: Int32.self)
            guard level == SOL_SOCKET, type == 2 /* SCM_CREDENTIALS */ else { return -1 }
            return raw.load(fromByteOffset: MemoryLayout<cmsghdr>.stride, as: Int32.self)
        }
        return Datagram(senderPID: pid, text: String(decoding: data.prefix(count), as: UTF8.self), received: Date())
    }
}
