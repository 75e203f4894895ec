// A stand-in for systemd's end of the notify protocol: an AF_UNIX datagram socket that the
// tests point NOTIFY_SOCKET at. It asks the kernel for each sender's credentials
// (SO_PASSCRED) and keeps only datagrams from this test process, so a child process that
// another test spawns while NOTIFY_SOCKET is set cannot slip a READY=1 into the sequence.
import Foundation
import Glibc

final class NotifySocket {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
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
        let passcred: Int32 = 16  // SO_PASSCRED (asm-generic/socket.h)
        guard bound == 0, setsockopt(fd, SOL_SOCKET, passcred, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let error = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO)
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The next datagram this process sent, or nil when none came within `timeout` seconds.
    func receive(timeout: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pending, 1, Int32(max(0, remaining) * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            if let (pid, text) = receiveOne(), pid == getpid() { return text }
        }
    }

    /// One datagram and its sender's pid (from SCM_CREDENTIALS).
    private func receiveOne() -> (pid_t, String)? {
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
        // cmsghdr { size_t len; int level; int type; } then the data at CMSG_ALIGN(16):
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }.
        let pid = control.withUnsafeBytes { raw -> pid_t in
            let level = raw.load(fromByteOffset: 8, as: Int32.self)
            let type = raw.load(fromByteOffset: 12, as: Int32.self)
            guard level == SOL_SOCKET, type == 2 /* SCM_CREDENTIALS */ else { return -1 }
            return raw.load(fromByteOffset: MemoryLayout<cmsghdr>.stride, as: pid_t.self)
        }
        return (pid, String(decoding: data.prefix(count), as: UTF8.self))
    }
}

/// Runs `body` with environment variables set (nil: unset), restoring the old values after.
/// Process-wide: callers must be in a `.serialized` suite.
@discardableResult
func withEnvironment<T>(_ values: [String: String?], _ body: () throws -> T) rethrows -> T {
    var saved: [String: String?] = [:]
    for (name, value) in values {
        saved[name] = getenv(name).map { String(cString: $0) }
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try body()
}
