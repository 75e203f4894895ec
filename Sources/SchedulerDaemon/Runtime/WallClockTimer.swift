import CShim
import Dispatch
import Foundation
import MarketCalendar

/// Sleeps until a wall-clock instant with a CLOCK_REALTIME timerfd armed with
/// TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET: it fires at the instant (no polling, no
/// drift), and a wall-clock step (NTP, `date -s`) wakes it at once (read fails with
/// ECANCELED) so the scheduler recomputes instead of firing late or twice.
final class WallClockTimer: DaemonTimer, @unchecked Sendable {
    private let fd: Int32
    private let source: DispatchSourceRead
    private let lock = NSLock()

    init(queue: DispatchQueue, onWake: @escaping @Sendable (ClockWake) -> Void) throws {
        fd = v6_timerfd_create_realtime()
        guard fd >= 0 else { throw DaemonError.system("timerfd_create", errno) }
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        let fd = self.fd
        source.setEventHandler {
            var expirations: UInt64 = 0
            let n = read(fd, &expirations, 8)
            if n < 0 && errno == ECANCELED { onWake(.clockStepped) } else if n == 8 { onWake(.due) }
        }
        // Closed by the cancel handler, once libdispatch has let go of it: closing at cancel()
        // could let the number be reused while dispatch still unregisters it.
        source.setCancelHandler { close(fd) }
        source.resume()
    }

    /// Arms the timer for `instant` (replacing any previous arming); nil disarms.
    func arm(at instant: Instant?) {
        lock.lock()
        defer { lock.unlock() }
        // Disarming is arming at "never": far in the future still catches clock steps.
        let seconds = instant?.seconds ?? Int64(Date().timeIntervalSince1970) + 86_400 * 365
        _ = v6_timerfd_arm_abs(fd, max(1, seconds), 0)
    }

    deinit {
        source.cancel()
    }
}
