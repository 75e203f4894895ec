import MarketCalendar
import Testing
@testable import Monitoring
@testable import Scheduling

/// The streak and dedup machine, driven with instants: one alert per failure streak, repeats
/// only after `notify_repeat`, `recovered` closes the streak, events filtered per channel.
@Suite struct AlertDeskTests {
    static let t0 = Instant(seconds: 1_795_800_000)  // 2026-11-27T12:20:00-05:00, a Friday

    static func config(repeatSeconds: Int = 3600, slackEvents: Set<AlertEventKind> = AlertEventKind.defaults,
                       dashboard: String? = nil) -> SchedulerConfig {
        var config = SchedulerConfig(sourcePath: "/etc/v6/p.yaml", workingDirectory: "/srv", stateDirectory: "/var/lib/v6",
                                     controlSocket: "/run/v6.sock", tasks: [])
        config.notify = NotifySettings(
            channels: [
                NotifyChannel(name: "slack", kind: .slack(url: .environment("S")), events: slackEvents),
                NotifyChannel(name: "mail", kind: .email(EmailSettings(host: "h", port: 25, security: .none, from: "a@b", to: ["c@d"])),
                              events: [.failed, .recovered, .retrying, .missed, .skipped]),
            ],
            defaultChannels: ["slack", "mail"], repeatSeconds: repeatSeconds, dashboardURL: dashboard)
        var collect = TaskConfig(name: "collect", command: ["true"], schedule: .at([.wall(TimeOfDay(seconds: 34_200))]))
        collect.notify = ["slack", "mail"]
        var quiet = TaskConfig(name: "quiet", command: ["true"], schedule: .at([.wall(TimeOfDay(seconds: 34_200))]))
        quiet.notify = []
        config.tasks = [collect, quiet]
        return config
    }

    static func desk(_ config: SchedulerConfig = config()) -> AlertDesk {
        AlertDesk(config: config, host: "desk1", zone: .newYork)
    }

    static func run(_ outcome: Outcome, task: String = "collect", id: String = "7", exit: Int32? = nil, attempt: Int = 1) -> AlertEvent {
        .run(RunReport(task: task, runID: id, trigger: .schedule, outcome: outcome, exitCode: exit ?? (outcome == .success ? 0 : 1),
                       attempt: attempt, durationMs: 4120, scheduledAt: t0 - 5, outputTail: ["fetching", "Traceback: boom"],
                       usage: RunUsage(cpuSeconds: 1.25, maxRSSBytes: 50_000_000)))
    }

    @Test func aStreakAlertsOnceThenRecovered() {
        var desk = Self.desk()
        let first = desk.handle(Self.run(.failed), at: Self.t0)
        #expect(first.deliveries.map(\.channel) == ["slack", "mail"])
        let message = first.deliveries[0].message
        #expect(message.title == "collect failed")
        #expect(message.text == "collect exited with code 1 (scheduled 2026-11-27T12:19:55-05:00).")
        #expect(message.failures == 1)
        #expect(message.outputTail == ["fetching", "Traceback: boom"])
        #expect(message.host == "desk1")
        // Later failures within notify_repeat only count.
        for minute in 1...5 {
            let later = desk.handle(Self.run(.failed, id: "\(7 + minute)"), at: Self.t0 + Int64(minute * 60))
            #expect(later.deliveries.isEmpty)
            #expect(later.suppressed == ["slack", "mail"])
        }
        #expect(desk.streaks["collect"] == AlertDesk.Streak(failures: 6, since: Self.t0))
        let recovered = desk.handle(Self.run(.success, id: "20"), at: Self.t0 + 400)
        #expect(recovered.deliveries.map(\.channel) == ["slack", "mail"])
        #expect(recovered.deliveries[0].message.kind == .recovered)
        #expect(recovered.deliveries[0].message.title == "collect recovered")
        #expect(recovered.deliveries[0].message.failures == 6)
        #expect(recovered.deliveries[0].message.text
                == "collect succeeded after 6 failures in a row (failing since 2026-11-27T12:20:00-05:00).")
        #expect(desk.streaks["collect"] == nil)
        // A success without a streak says nothing; a new failure pages at once.
        #expect(desk.handle(Self.run(.success, id: "21"), at: Self.t0 + 460).deliveries.isEmpty)
        #expect(desk.handle(Self.run(.failed, id: "22"), at: Self.t0 + 520).deliveries.count == 2)
    }

    @Test func aLongStreakRemindsEveryRepeatInterval() {
        var desk = Self.desk(Self.config(repeatSeconds: 1800))
        _ = desk.handle(Self.run(.failed), at: Self.t0)
        #expect(desk.handle(Self.run(.timeout), at: Self.t0 + 1799).deliveries.isEmpty)
        let reminder = desk.handle(Self.run(.fatal, exit: 2), at: Self.t0 + 1800)
        #expect(reminder.deliveries.count == 2)
        #expect(reminder.deliveries[0].message.title == "collect still failing")
        #expect(reminder.deliveries[0].message.text.hasSuffix("3 failures in a row since 2026-11-27T12:20:00-05:00."))
    }

    @Test func eventsAreFilteredPerChannel() {
        var desk = Self.desk()
        // retrying: only mail takes it; the default set of slack does not.
        let retry = desk.handle(Self.run(.retrying, attempt: 1), at: Self.t0)
        #expect(retry.deliveries.map(\.channel) == ["mail"])
        #expect(retry.deliveries[0].message.title == "collect attempt 1 failed, retrying")
        let missed = desk.handle(.missed(task: "collect", scheduledAt: Self.t0 - 600, count: 3, reason: "the daemon was not running"),
                                 at: Self.t0)
        #expect(missed.deliveries.map(\.channel) == ["slack", "mail"])
        #expect(missed.deliveries[0].message.title == "collect missed 3 occurrences")
        let skipped = desk.handle(.skipped(task: "collect", runID: "9", scheduledAt: Self.t0, reason: "upstream load failed"), at: Self.t0)
        #expect(skipped.deliveries.map(\.channel) == ["mail"])
        // daemon notices go to every channel taking them, whatever the tasks.
        let daemon = desk.handle(.daemon(.reloadRejected("config.yaml:3: bad")), at: Self.t0)
        #expect(daemon.deliveries.map(\.channel) == ["slack"])
        #expect(daemon.deliveries[0].message.severity == .critical)
    }

    @Test func aTaskWithNotifyOffRaisesNothing() {
        var desk = Self.desk()
        #expect(desk.handle(Self.run(.failed, task: "quiet"), at: Self.t0).deliveries.isEmpty)
        #expect(desk.handle(Self.run(.success, task: "quiet"), at: Self.t0 + 60).deliveries.isEmpty)
    }

    @Test func missedAndRetryingAreLimitedPerRepeatInterval() {
        var desk = Self.desk()
        _ = desk.handle(.missed(task: "collect", scheduledAt: Self.t0, count: 1, reason: "clock step"), at: Self.t0)
        #expect(desk.handle(.missed(task: "collect", scheduledAt: Self.t0, count: 1, reason: "clock step"), at: Self.t0 + 10).deliveries.isEmpty)
        #expect(desk.handle(.missed(task: "collect", scheduledAt: Self.t0, count: 1, reason: "clock step"), at: Self.t0 + 3600).deliveries.count == 2)
    }

    @Test func aResumedStreakRecoversAfterARestart() {
        var desk = Self.desk()
        desk.resume(task: "collect", failingSince: Self.t0 - 7200, failures: 4)
        let recovered = desk.handle(Self.run(.success), at: Self.t0)
        #expect(recovered.deliveries.count == 2)
        #expect(recovered.deliveries[0].message.failures == 4)
        desk.resume(task: "gone", failingSince: Self.t0, failures: 1)
        #expect(desk.streaks["gone"] == nil)
    }

    @Test func aReloadKeepsStreaksOfTasksThatRemain() {
        var desk = Self.desk()
        _ = desk.handle(Self.run(.failed), at: Self.t0)
        var config = Self.config()
        config.tasks.removeAll { $0.name == "quiet" }
        desk.reconfigure(config)
        #expect(desk.streaks["collect"]?.failures == 1)
        config.tasks = []
        desk.reconfigure(config)
        #expect(desk.streaks.isEmpty)
    }

    @Test func messagesLinkToTheDashboardAndCarryTheRunsCost() throws {
        var desk = Self.desk(Self.config(dashboard: "https://dash.desk.example"))
        let message = try #require(desk.handle(Self.run(.failed, id: "812"), at: Self.t0).deliveries.first?.message)
        #expect(message.link == "https://dash.desk.example/runs/812")
        let facts = Dictionary(uniqueKeysWithValues: message.facts.map { ($0.name, $0.value) })
        #expect(facts["CPU time"] == "1.25 s")
        #expect(facts["Peak memory"] == "47.7 MiB")
        #expect(facts["Duration"] == "4.1s")
        #expect(facts["Scheduled"] == "2026-11-27T12:19:55-05:00")
        #expect(facts["Host"] == "desk1")
    }

    @Test func howARunEndedInWords() {
        func how(_ outcome: Outcome, exit: Int32? = nil, signal: Int32? = nil, attempt: Int = 1) -> String {
            AlertDesk.how(RunReport(task: "t", runID: "1", trigger: .schedule, outcome: outcome, exitCode: exit, signal: signal, attempt: attempt))
        }
        #expect(how(.failed, exit: 3) == "exited with code 3")
        #expect(how(.failed, signal: 9, attempt: 3) == "was killed by signal 9 (SIGKILL) on attempt 3")
        #expect(how(.timeout, signal: 15) == "timed out")
        #expect(how(.fatal) == "could not start")
        #expect(how(.retrying, exit: 1) == "exited with code 1 on attempt 1")
    }
}
