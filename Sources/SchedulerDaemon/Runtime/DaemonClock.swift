import Dispatch
import Foundation
import MarketCalendar

/// Why the daemon's timer woke it.
public enum ClockWake: Sendable {
    /// The armed instant has come.
    case due
    /// The wall clock was set (NTP step, `date -s`): what is due must be worked out again.
    case clockStepped
}

/// The timer the daemon arms at its next due instant (one per daemon).
public protocol DaemonTimer: AnyObject, Sendable {
    /// Arms the timer for `instant`, replacing any earlier arming; nil disarms it (a clock
    /// step still wakes it).
    func arm(at instant: Instant?)
}

/// Where the daemon's wall-clock time comes from: what "now" is, and a timer that wakes it at
/// an instant or as soon as the clock is stepped.
///
/// Only wall-clock readings go through it: the instants the scheduler works with (what is due,
/// retries, timeouts, toggles lapsing, the instants in the history, lateness). Elapsed time (a
/// run's duration, kill graces, the watchdog's period, the store's retry, a hook's minute) is
/// measured on the monotonic clock and never through a `DaemonClock`.
///
/// Production uses `WallClock`; tests use a manual clock that they advance, so that a real
/// `Daemon` can be driven through days of schedule without sleeping.
public protocol DaemonClock: Sendable {
    /// The wall clock now, with sub-second precision (lateness is logged in milliseconds).
    func currentDate() -> Date

    /// Makes the daemon's timer. `onWake` is called for each expiry and each clock step, and
    /// is awaited: a clock that returns from a step only once the daemon has handled it can
    /// rely on that.
    func makeTimer(queue: DispatchQueue, onWake: @escaping @Sendable (ClockWake) async -> Void) throws -> any DaemonTimer
}

extension DaemonClock {
    /// Now in whole seconds (rounded down), as the scheduler counts.
    public func now() -> Instant {
        Instant(seconds: Int64(currentDate().timeIntervalSince1970.rounded(.down)))
    }
}

/// The real wall clock (CLOCK_REALTIME) and a `WallClockTimer` (timerfd, ABSTIME, CANCEL_ON_SET).
public struct WallClock: DaemonClock {
    public init() {}

    public func currentDate() -> Date { Date() }

    public func makeTimer(queue: DispatchQueue, onWake: @escaping @Sendable (ClockWake) async -> Void) throws -> any DaemonTimer {
        try WallClockTimer(queue: queue) { wake in
            // Ahead of control requests: a flood of them must not delay a due task.
            Task(priority: .high) { await onWake(wake) }
        }
    }
}
