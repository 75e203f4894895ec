import Foundation
import Synchronization

/// Plays systemd's end of the notify protocol for end-to-end tests: an AF_UNIX datagram socket
/// to point a daemon's NOTIFY_SOCKET at, with a background thread that timestamps every
/// datagram on arrival and records its sender's pid (SO_PASSCRED), so a test can measure the
/// intervals between WATCHDOG=1 pings of one process.
public final class NotifyListener: @unchecked Sendable {
    /// One datagram: when it arrived (monotonic seconds), who sent it, what it said.
    public struct Message: Sendable {
        public let time: Double
        public let pid: Int32
        public let text: String
    }

    public let path: String
    private let fd: Int32
    /// What the receiving thread shares with the listener (the thread never holds the
    /// listener itself, so dropping the listener stops it).
    private final class Shared: Sendable {
        let received = Mutex<[Message]>([])
        let stopping = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)
    }
    private let shared = Shared()

    public init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        self.path = path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8.prefix(raw.count - 1)) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        var on: Int32 = 1
        let passcred: Int32 = 16  // SO_PASSCRED (asm-generic/socket.h); Glibc's module hides it
        guard bound == 0, setsockopt(fd, SOL_SOCKET, passcred, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw HarnessError("cannot bind a notify socket at \(path): \(reason)")
        }
        let (socket, shared) = (fd, shared)
        let thread = Thread { Self.receiveLoop(fd: socket, shared: shared) }
        thread.name = "notify-listener"
        thread.start()
    }

    /// Monotonic seconds (CLOCK_MONOTONIC), the clock `Message.time` uses.
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Every datagram so far.
    public var messages: [Message] { shared.received.withLock { $0 } }

    /// Arrival times of the datagrams from `pid` that contain the line `line` (e.g. "WATCHDOG=1").
    public func times(of line: String, from pid: Int32) -> [Double] {
        messages.filter { $0.pid == pid && $0.text.split(separator: "\n").contains(Substring(line)) }.map(\.time)
    }

    private static func receiveLoop(fd: Int32, shared: Shared) {
        defer { shared.finished.store(true, ordering: .releasing) }
        while !shared.stopping.load(ordering: .relaxed) {
            var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pending, 1, 100) > 0 else { continue }
            let time = now()
            guard let (pid, text) = receiveOne(fd: fd) else { continue }
            shared.received.withLock { $0.append(Message(time: time, pid: pid, text: text)) }
        }
    }

    /// One datagram and its sender's pid (from SCM_CREDENTIALS; -1 if absent).
    private static func receiveOne(fd: Int32) -> (Int32, String)? {
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
        return (pid, String(decoding: data.prefix(count), as: UTF8.self))
    }

    /// Stops the thread, closes and removes the socket. Idempotent.
    public func close() {
        guard !shared.stopping.exchange(true, ordering: .relaxed) else { return }
        while !shared.finished.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.01) }
        Glibc.close(fd)
        unlink(path)
    }

    deinit { close() }
}
