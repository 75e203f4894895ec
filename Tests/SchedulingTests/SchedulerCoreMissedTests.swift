import MarketCalendar
import Testing
@testable import Scheduling

/// `missedWhileDown`: the occurrences between a task's last claimed slot and the daemon's start.
@Suite struct SchedulerCoreMissedTests {
    static let every5 = ScheduleSpec.frequency(seconds: 300, window: .marketOpen)

    @Test func occurrencesBetweenTheLastSlotAndTheStartAreMissed() {
        let config = Build.config([Build.task("collect", Self.every5), Build.task("eod", .at([Build.wall("16:15")]))])
        let start = Build.at("2026-11-25T10:01:00")
        let core = SchedulerCore(config: config, now: start)
        let missed = core.missedWhileDown(lastSlots: ["collect": Build.at("2026-11-25T09:35:00"), "eod": Build.at("2026-11-24T16:15:00")],
                                          now: start)
        // 09:40 ... 10:00; eod's next slot (11-25 16:15) is still ahead.
        #expect(missed == [MissedOccurrences(task: "collect", first: Build.at("2026-11-25T09:40:00"), count: 5)])
    }

    @Test func aCatchUpTaskRunsItsLatestSoItIsNotCounted() {
        let config = Build.config([Build.task("collect", Self.every5, catchUp: true)])
        let start = Build.at("2026-11-25T10:01:00")
        let core = SchedulerCore(config: config, now: start)
        let missed = core.missedWhileDown(lastSlots: ["collect": Build.at("2026-11-25T09:35:00")], now: start)
        #expect(missed == [MissedOccurrences(task: "collect", first: Build.at("2026-11-25T09:40:00"), count: 4)])
    }

    @Test func thanksgivingAndDisabledTasksMissNothing() {
        let config = Build.config([Build.task("collect", Self.every5), Build.task("off", Self.every5, enabled: false)])
        // Down from Wednesday's close to Thanksgiving noon: the holiday has no occurrences.
        let start = Build.at("2026-11-26T12:00:00")
        let core = SchedulerCore(config: config, now: start)
        let last = Build.at("2026-11-25T15:55:00")
        #expect(core.missedWhileDown(lastSlots: ["collect": last, "off": Build.at("2026-11-25T09:30:00")], now: start).isEmpty)
        #expect(core.missedWhileDown(lastSlots: [:], now: start).isEmpty)
    }
}
