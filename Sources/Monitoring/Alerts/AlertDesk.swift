import MarketCalendar
import Scheduling

/// One alert for one channel.
public struct AlertDelivery: Sendable, Equatable {
    public let channel: String
    public let message: AlertMessage
}

/// What `AlertDesk.handle` decided: messages to send, and what it held back.
public struct AlertDecision: Sendable, Equatable {
    public var deliveries: [AlertDelivery] = []
    /// Channels that would have been told, but were told within `notify_repeat` already.
    public var suppressed: [String] = []
}

/// The alert streak and deduplication machine, free of I/O: events in, messages out.
///
/// - A task's final failures form a streak. The first one is sent to each of the task's
///   channels that take `failed`; later ones only count, except that a channel hears again once
///   `notify_repeat` has passed since it last heard ("still failing: 7 in a row since 09:30").
/// - The first success after a failure closes the streak: `recovered` (with the count).
/// - `retrying`, `missed` and `skipped` go out at most once per task, channel and kind per
///   `notify_repeat`; `daemon` notices always go out.
///
/// Channels a task uses: its `notify:` list (the loader fills in `notify_default`), each
/// filtered by the channel's `events:`.
public struct AlertDesk: Sendable {
    public struct Streak: Sendable, Equatable {
        public var failures: Int
        public var since: Instant
    }

    private struct Key: Hashable {
        let task: String
        let channel: String
        let kind: AlertEventKind
    }

    private var settings: NotifySettings
    private var channelsOfTask: [String: [String]] = [:]
    private var eventsOfChannel: [String: Set<AlertEventKind>] = [:]
    public let host: String
    public let zone: ZoneRules
    public private(set) var streaks: [String: Streak] = [:]
    private var lastSent: [Key: Instant] = [:]

    public init(config: SchedulerConfig, host: String, zone: ZoneRules) {
        self.settings = config.notify
        self.host = host
        self.zone = zone
        reconfigure(config)
    }

    /// A new configuration: routing changes, streaks of tasks that still exist are kept.
    public mutating func reconfigure(_ config: SchedulerConfig) {
        settings = config.notify
        channelsOfTask = Dictionary(uniqueKeysWithValues: config.tasks.map { ($0.name, $0.notify) })
        eventsOfChannel = Dictionary(uniqueKeysWithValues: config.notify.channels.map { ($0.name, $0.events) })
        streaks = streaks.filter { channelsOfTask[$0.key] != nil }
        lastSent = lastSent.filter { channelsOfTask[$0.key.task] != nil }
    }

    /// A streak that was open before a restart (the task's last final run failed): a success
    /// will say `recovered`; the next failure alerts (whether the old daemon did is unknown).
    public mutating func resume(task: String, failingSince since: Instant, failures: Int = 1) {
        guard channelsOfTask[task] != nil else { return }
        streaks[task] = Streak(failures: failures, since: since)
    }

    public mutating func handle(_ event: AlertEvent, at now: Instant) -> AlertDecision {
        var decision = AlertDecision()
        switch event {
        case .run(let report):
            handleRun(report, now: now, into: &decision)
        case .missed(let task, let scheduledAt, let count, let reason):
            let message = missedMessage(task: task, scheduledAt: scheduledAt, count: count, reason: reason, now: now)
            sendLimited(message, task: task, now: now, into: &decision)
        case .skipped(let task, let runID, let scheduledAt, let reason):
            var message = base(.skipped, .warning, title: "\(task) skipped", text: reason, task: task, now: now)
            message.runID = runID
            message.scheduledAt = scheduledAt.map(zone.iso8601)
            message.outcome = "skipped"
            message.reason = reason
            message.link = link(runID)
            sendLimited(message, task: task, now: now, into: &decision)
        case .daemon(let notice):
            let message = daemonMessage(notice, now: now)
            for channel in settings.channels where channel.events.contains(.daemon) {
                decision.deliveries.append(AlertDelivery(channel: channel.name, message: message))
            }
        }
        return decision
    }

    // MARK: - Runs

    private mutating func handleRun(_ report: RunReport, now: Instant, into decision: inout AlertDecision) {
        let task = report.task
        if report.outcome == .success {
            guard let streak = streaks.removeValue(forKey: task) else { return }
            for channel in channels(of: task, taking: .failed) { lastSent[Key(task: task, channel: channel, kind: .failed)] = nil }
            var message = runMessage(report, kind: .recovered, now: now)
            message.failures = streak.failures
            message.streakSince = zone.iso8601(streak.since)
            message.text = "\(task) succeeded after \(streak.failures) failure\(streak.failures == 1 ? "" : "s") in a row (failing since \(zone.iso8601(streak.since)))."
            for channel in channels(of: task, taking: .recovered) {
                decision.deliveries.append(AlertDelivery(channel: channel, message: message))
            }
            return
        }
        if report.outcome == .retrying {
            sendLimited(runMessage(report, kind: .retrying, now: now), task: task, now: now, into: &decision)
            return
        }
        guard report.isFailure else { return }
        var streak = streaks[task] ?? Streak(failures: 0, since: now)
        streak.failures += 1
        streaks[task] = streak
        var message = runMessage(report, kind: .failed, now: now)
        message.failures = streak.failures
        message.streakSince = zone.iso8601(streak.since)
        if streak.failures > 1 {
            message.title = "\(task) still failing"
            message.text += " \(streak.failures) failures in a row since \(zone.iso8601(streak.since))."
        }
        sendLimited(message, task: task, now: now, into: &decision)
    }

    /// Sends `message` to the task's channels that take its kind, unless the channel heard of
    /// this kind for this task within `notify_repeat`.
    private mutating func sendLimited(_ message: AlertMessage, task: String, now: Instant, into decision: inout AlertDecision) {
        for channel in channels(of: task, taking: message.kind) {
            let key = Key(task: task, channel: channel, kind: message.kind)
            if let last = lastSent[key], now - last < Int64(settings.repeatSeconds) {
                decision.suppressed.append(channel)
                continue
            }
            lastSent[key] = now
            decision.deliveries.append(AlertDelivery(channel: channel, message: message))
        }
    }

    private func channels(of task: String, taking kind: AlertEventKind) -> [String] {
        (channelsOfTask[task] ?? []).filter { eventsOfChannel[$0]?.contains(kind) == true }
    }

    // MARK: - Messages

    private func base(_ kind: AlertEventKind, _ severity: AlertMessage.Severity, title: String, text: String,
                      task: String?, now: Instant) -> AlertMessage {
        AlertMessage(kind: kind, severity: severity, title: title, text: text, task: task, host: host, sentAt: zone.iso8601(now))
    }

    private func link(_ runID: String?) -> String? {
        guard let url = settings.dashboardURL, let runID else { return nil }
        return "\(url)/runs/\(runID)"
    }

    func runMessage(_ report: RunReport, kind: AlertEventKind, now: Instant) -> AlertMessage {
        let how = Self.how(report)
        let (severity, title): (AlertMessage.Severity, String) = switch kind {
        case .recovered: (.ok, "\(report.task) recovered")
        case .retrying: (.warning, "\(report.task) attempt \(report.attempt) failed, retrying")
        default: (.critical, "\(report.task) \(report.outcome == .timeout ? "timed out" : report.outcome.rawValue)")
        }
        var text = "\(report.task) \(how)"
        if let scheduledAt = report.scheduledAt { text += " (scheduled \(zone.iso8601(scheduledAt)))" }
        text += "."
        if kind == .recovered { text = "\(report.task) succeeded." }
        var message = base(kind, severity, title: title, text: text, task: report.task, now: now)
        message.runID = report.runID
        message.outcome = report.outcome.rawValue
        message.exitCode = report.exitCode
        message.signal = report.signal
        message.attempt = report.attempt
        message.durationMs = report.durationMs
        message.scheduledAt = report.scheduledAt.map(zone.iso8601)
        message.reason = report.reason
        message.outputTail = report.outputTail
        message.usage = report.usage
        message.link = link(report.runID)
        return message
    }

    /// `exited with code 1 on attempt 3`, `was killed by signal 9 (SIGKILL)`, `timed out`.
    static func how(_ report: RunReport) -> String {
        var text: String
        switch report.outcome {
        case .success: text = "succeeded"
        case .timeout: text = "timed out"
        case .fatal where report.exitCode == nil && report.signal == nil: text = "could not start"
        default:
            if let code = report.exitCode { text = "exited with code \(code)" }
            else if let signal = report.signal { text = "was killed by signal \(AlertText.signalName(signal))" }
            else { text = report.outcome.rawValue }
        }
        if report.attempt > 1 || report.outcome == .retrying { text += " on attempt \(report.attempt)" }
        return text
    }

    private func missedMessage(task: String, scheduledAt: Instant, count: Int, reason: String, now: Instant) -> AlertMessage {
        let runs = count == 1 ? "an occurrence" : "\(count) occurrences"
        var message = base(.missed, .warning, title: "\(task) missed \(runs)",
                           text: "\(task) did not run \(runs) from \(zone.iso8601(scheduledAt)): \(reason).", task: task, now: now)
        message.scheduledAt = zone.iso8601(scheduledAt)
        message.reason = reason
        message.outcome = "missed"
        return message
    }

    private func daemonMessage(_ notice: DaemonNotice, now: Instant) -> AlertMessage {
        switch notice {
        case .started(let detail):
            base(.daemon, .info, title: "v6-scheduler started on \(host)", text: detail, task: nil, now: now)
        case .stopping(let detail):
            base(.daemon, .warning, title: "v6-scheduler stopping on \(host)", text: detail, task: nil, now: now)
        case .reloadRejected(let detail):
            base(.daemon, .critical, title: "v6-scheduler rejected a reload on \(host)",
                 text: "The new configuration is invalid; the running one stays. \(detail)", task: nil, now: now)
        }
    }

    /// The message `v6ctl notify test` sends.
    public func testMessage(channel: String, now: Instant) -> AlertMessage {
        var message = base(.daemon, .info, title: "v6-scheduler test alert from \(host)",
                           text: "This is a test of channel \(channel), sent with v6ctl notify test. No action needed.",
                           task: nil, now: now)
        message.isTest = true
        return message
    }
}
