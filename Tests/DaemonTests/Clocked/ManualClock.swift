import Dispatch
import Foundation
import MarketCalendar
import Synchronization
@testable import SchedulerDaemon

/// A wall clock that stands still until the test moves it, for driving a real `Daemon`.
///
/// `advance(to:)` lets time pass: it walks forward through the instants the daemons armed their
/// timers at, waking each at its instant (as CLOCK_REALTIME passing would), and returns once
/// every daemon has handled its wakes. `step(to:)` sets the clock as NTP or `date -s` would:
/// it jumps (either way) and wakes every timer with `.clockStepped`, as TFD_TIMER_CANCEL_ON_SET
/// does. So after either returns, whatever the daemon started has been spawned, and nothing
/// else will start until the clock moves again or a run ends: an absence can be asserted at
/// once, without sleeping.
final class ManualClock: DaemonClock, @unchecked Sendable {
    private struct State {
        var now: Date
        var timers: [Weak] = []
    }
    private struct Weak { weak var timer: ManualTimer? }

    private let state: Mutex<State>

    init(at start: Instant) {
        state = Mutex(State(now: Date(timeIntervalSince1970: Double(start.seconds))))
    }

    /// `2026-11-25T10:00` and the like, in New York time.
    convenience init(_ text: String) { self.init(at: ManualClock.instant(text)) }

    static func instant(_ text: String) -> Instant {
        guard let instant = InstantParser.parse(text, zone: ZoneRules.newYork) else { fatalError("not an instant: \(text)") }
        return instant
    }

    func currentDate() -> Date { state.withLock { $0.now } }

    func makeTimer(queue: DispatchQueue, onWake: @escaping @Sendable (ClockWake) async -> Void) throws -> any DaemonTimer {
        let timer = ManualTimer(clock: self, onWake: onWake)
        state.withLock { $0.timers.append(Weak(timer: timer)) }
        return timer
    }

    /// Lets time pass until `target`, waking each armed timer at its instant on the way.
    func advance(to target: Instant) async {
        let end = Date(timeIntervalSince1970: Double(target.seconds))
        precondition(end >= currentDate(), "advance(to:) goes forward; use step(to:) for a clock set back")
        // Bounded: a daemon that kept arming at or before now would otherwise loop for ever.
        for _ in 0..<100_000 {
            let next: ManualTimer? = state.withLock { state in
                state.timers.removeAll { $0.timer == nil }
                let due = state.timers.compactMap(\.timer).compactMap { timer in timer.deadline.map { (timer, $0) } }
                    .filter { $0.1 <= end }.min { $0.1 < $1.1 }
                guard let (timer, deadline) = due else { return nil }
                state.now = max(state.now, deadline)
                return timer
            }
            guard let next else { break }
            await next.fire(.due)
        }
        state.withLock { $0.now = end }
    }

    func advance(to text: String) async { await advance(to: ManualClock.instant(text)) }

    func advance(seconds: Int64) async { await advance(to: now() + seconds) }

    /// Sets the clock to `target` at once (forward or back) and wakes every timer as a clock step does.
    func step(to target: Instant) async {
        let timers = state.withLock { state in
            state.now = Date(timeIntervalSince1970: Double(target.seconds))
            state.timers.removeAll { $0.timer == nil }
            return state.timers.compactMap(\.timer)
        }
        for timer in timers { await timer.wake(.clockStepped) }
    }

    func step(to text: String) async { await step(to: ManualClock.instant(text)) }
}

/// One daemon's timer on a `ManualClock`.
final class ManualTimer: DaemonTimer, @unchecked Sendable {
    private let armed = Mutex<Date?>(nil)
    private unowned let clock: ManualClock
    private let onWake: @Sendable (ClockWake) async -> Void

    init(clock: ManualClock, onWake: @escaping @Sendable (ClockWake) async -> Void) {
        self.clock = clock
        self.onWake = onWake
    }

    /// The instant it is armed for, nil when disarmed.
    var deadline: Date? { armed.withLock { $0 } }

    func arm(at instant: Instant?) {
        let deadline = instant.map { Date(timeIntervalSince1970: Double($0.seconds)) }
        armed.withLock { $0 = deadline }
        // A timerfd armed in the past fires at once; so does this one.
        if let deadline, deadline <= clock.currentDate() {
            Task { await self.fire(.due, ifStillArmedAt: deadline) }
        }
    }

    /// Disarms (a timerfd is one-shot) and wakes the daemon; returns when it has handled the wake.
    func fire(_ reason: ClockWake, ifStillArmedAt expected: Date? = nil) async {
        let claimed = armed.withLock { armed -> Bool in
            guard armed != nil, expected == nil || armed == expected else { return false }
            armed = nil
            return true
        }
        if claimed { await onWake(reason) }
    }

    /// A clock step wakes the timer whether or not it is armed, as ECANCELED does.
    func wake(_ reason: ClockWake) async {
        armed.withLock { $0 = nil }
        await onWake(reason)
    }
}
