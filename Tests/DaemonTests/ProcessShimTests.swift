import CShim
import Foundation
import Glibc
import Testing

/// The CShim wrappers that are not exercised through TaskProcess: the timerfd pair the daemon's
/// timer uses. (Changing the wall clock to see TFD_TIMER_CANCEL_ON_SET is not done in tests.)
@Suite struct ProcessShimTests {
    /// Waits up to `milliseconds` for `fd` to be readable; poll() blocks, so off the cooperative pool.
    private static func readable(_ fd: Int32, within milliseconds: Int32) async throws -> Bool {
        try await ProcessTestSupport.offPool {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            return poll(&entry, 1, milliseconds) == 1 && entry.revents & Int16(POLLIN) != 0
        }
    }

    private static func expirations(_ fd: Int32) -> UInt64? {
        var count: UInt64 = 0
        return read(fd, &count, 8) == 8 ? count : nil
    }

    private static func now() -> (seconds: Int64, nanoseconds: Int64) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return (Int64(now.tv_sec), Int64(now.tv_nsec))
    }

    @Test func timerfdFiresAtAnAbsoluteWallClockTime() async throws {
        let fd = v6_timerfd_create_realtime()
        try #require(fd >= 0)
        defer { close(fd) }
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(fd, F_GETFL) & O_NONBLOCK != 0)
        // Not yet due: nothing to read (non-blocking: EAGAIN, not a hang).
        #expect(v6_timerfd_arm_abs(fd, Self.now().seconds + 3600, 0) == 0)
        #expect(Self.expirations(fd) == nil && errno == EAGAIN)
        // Due in 200 ms: fires once.
        let start = Self.now()
        let due = start.seconds * 1_000_000_000 + start.nanoseconds + 200_000_000
        #expect(v6_timerfd_arm_abs(fd, due / 1_000_000_000, due % 1_000_000_000) == 0)
        #expect(try await Self.readable(fd, within: 30_000))
        #expect(Self.expirations(fd) == 1)
        // In the past: fires at once.
        #expect(v6_timerfd_arm_abs(fd, 1_000_000_000, 0) == 0)
        #expect(try await Self.readable(fd, within: 30_000))
        #expect(Self.expirations(fd) == 1)
        // 0, 0 disarms: the kernel says so (/proc/self/fdinfo: it_value (0, 0)); no waiting to see
        // that nothing fires.
        #expect(v6_timerfd_arm_abs(fd, Self.now().seconds + 3600, 0) == 0)
        #expect(Self.remaining(fd).map { $0 != "(0, 0)" } == true, "armed: \(Self.remaining(fd) ?? "-")")
        #expect(v6_timerfd_arm_abs(fd, 0, 0) == 0)
        #expect(Self.remaining(fd) == "(0, 0)")
    }

    /// The time left on a timerfd, as /proc/self/fdinfo shows it: `(seconds, nanoseconds)`.
    private static func remaining(_ fd: Int32) -> String? {
        let info = (try? String(contentsOfFile: "/proc/self/fdinfo/\(fd)", encoding: .utf8)) ?? ""
        return info.split(separator: "\n").first { $0.hasPrefix("it_value:") }
            .map { $0.dropFirst("it_value:".count).trimmingCharacters(in: .whitespaces) }
    }

    @Test func pidfdOpenFailsClearlyForAMissingProcess() async throws {
        // pid_max is at most 2^22: this pid cannot exist.
        #expect(v6_pidfd_open(Int32(1 << 23)) == -1 && errno == ESRCH)
        let fd = v6_pidfd_open(getpid())
        #expect(fd >= 0)
        if fd >= 0 {
            #expect(try await !Self.readable(fd, within: 0), "a running process's pidfd is not readable")
            close(fd)
        }
    }
}
