import Dispatch
import Foundation
import MarketCalendar
import Synchronization
import Testing
@testable import SchedulerDaemon

/// The production clock: the wall clock in whole seconds, and the timerfd timer (which a test
/// cannot step: that would set the machine's clock; the daemon's handling of a step is checked
/// on a manual clock in `ClockedDaemonTests.ClockSteps`).
@Suite struct WallClockTests {
    /// Wakes with the wall-clock time they came at.
    final class Wakes: Sendable {
        private let seen = Mutex<[(ClockWake, Date)]>([])
        func add(_ wake: ClockWake) { seen.withLock { $0.append((wake, Date())) } }
        var all: [(ClockWake, Date)] { seen.withLock { $0 } }
    }

    @Test func nowIsTheWallClockRoundedDownToTheSecond() {
        let clock = WallClock()
        let before = Date().timeIntervalSince1970
        let now = clock.now()
        let after = Date().timeIntervalSince1970
        #expect(now.seconds >= Int64(before.rounded(.down)) && now.seconds <= Int64(after.rounded(.down)))
    }

    @Test func anArmedTimerFiresAtItsInstantNotBefore() async throws {
        let clock = WallClock()
        let wakes = Wakes()
        let timer = try clock.makeTimer(queue: DispatchQueue(label: "v6.test.timer")) { wakes.add($0) }
        let target = clock.now() + 2
        timer.arm(at: target)
        #expect(await eventually { !wakes.all.isEmpty }, "the timer did not fire")
        let first = try #require(wakes.all.first)
        #expect(first.0 == .due)
        #expect(first.1.timeIntervalSince1970 >= Double(target.seconds), "fired at \(first.1), before \(target.seconds)")
        timer.arm(at: nil)  // and keeps it alive until here
    }

    @Test func aTimerArmedInThePastFiresAtOnce() async throws {
        let clock = WallClock()
        let wakes = Wakes()
        let timer = try clock.makeTimer(queue: DispatchQueue(label: "v6.test.timer")) { wakes.add($0) }
        timer.arm(at: clock.now() - 60)
        #expect(await eventually { !wakes.all.isEmpty }, "the timer did not fire")
        #expect(wakes.all.first?.0 == .due)
        timer.arm(at: nil)
    }
}
