import AlertChannels
import Foundation
import Logging
import MarketCalendar
import Monitoring
import Scheduling

extension Daemon {
    /// How long queued alerts get at shutdown (the `stopping` notice among them).
    static let alertGraceSeconds = 5.0
    /// Lines of a run's output an alert carries (each service trims further to its limits).
    static let alertTailLines = 50

    /// Resolves the channels' secrets (from the environment, `--env-file` and files) and hands
    /// the channels to the dispatcher. A channel whose secret cannot be resolved is left out and
    /// reported; scheduling is never held up by alerting.
    func configureAlerts(_ config: SchedulerConfig) {
        let environment = secretEnvironment()
        var ready: [NotifyChannel] = []
        var broken: [String: String] = [:]
        for channel in config.notify.channels {
            do {
                var resolved = channel
                resolved.kind = try channel.kind.mapSecrets { secret throws(SecretError) in try secret.resolved(in: environment) }
                ready.append(resolved)
            } catch {
                let message = "alert channel \(channel.name) (\(channel.kind.typeName)) cannot send: \(error)"
                logger.error("\(message)", metadata: ["channel": "\(channel.name)"])
                broken[channel.name] = message
            }
        }
        dispatcher.configure(ready, broken: broken)
    }

    /// `env:NAME` looks here: the daemon's environment, overridden by `--env-file`'s entries.
    private func secretEnvironment() -> [String: String] {
        var environment = options.environment
        if let path = options.envFile, let text = try? String(contentsOfFile: path, encoding: .utf8),
           let file = try? EnvironmentFile(parsing: text, path: path) {
            for entry in file.entries { environment[entry.name] = entry.value }
        }
        return environment
    }

    /// Feeds one event to the streak machine and queues what it decides; returns at once.
    func raise(_ event: AlertEvent, now: Instant) {
        let decision = alerts.handle(event, at: now)
        for channel in decision.suppressed { metrics.notification(channel: channel, result: "suppressed") }
        dispatcher.submit(decision.deliveries)
    }

    /// After READY=1: the `daemon` notice, streaks still open from before the restart (so a
    /// success says `recovered`), and the occurrences missed while the daemon was down.
    func alertStarted(_ ready: String, missed: [MissedOccurrences]) {
        let now = clock.now()
        alertsLive = true
        if let store {
            for streak in (try? store.openFailureStreaks()) ?? [] {
                alerts.resume(task: streak.task, failingSince: streak.since, failures: streak.failures)
            }
            lastSuccess = (try? store.lastSuccesses()) ?? [:]
            for (task, run) in (try? store.lastRunsByTask()) ?? [:] {
                if let cpu = run.cpuMs, let rss = run.maxRSSBytes { lastUsage[task] = RunUsage(cpuSeconds: Double(cpu) / 1000, maxRSSBytes: rss) }
            }
        }
        raise(.daemon(.started(ready)), now: now)
        let zone = core.calendar.zone
        for m in missed {
            let reason = "the daemon was not running (started \(zone.iso8601(startedAt)))"
            logger.warning("missed \(m.count) occurrence(s) from \(zone.iso8601(m.first)): \(reason)", metadata: ["task": "\(m.task)"])
            raise(.missed(task: m.task, scheduledAt: m.first, count: m.count, reason: reason), now: now)
        }
    }

    /// A finished run or attempt: metrics, and the alert machine.
    func reportRun(_ c: RunCompletion, handle: RunHandle?, durationMs: Int64?, tail: Data?, now: Instant) {
        let usage = handle?.process.usage
        metrics.runFinished(task: c.task, outcome: c.outcome, durationMs: durationMs, usage: usage)
        if let usage { lastUsage[c.task] = usage }
        if c.outcome == .success { lastSuccess[c.task] = now }
        let report = RunReport(task: c.task, runID: c.runID, trigger: c.trigger, outcome: c.outcome, exitCode: c.exitCode,
                               signal: c.signal, attempt: c.attempt, durationMs: durationMs, scheduledAt: c.scheduledAt,
                               reason: c.reason, outputTail: Self.lastLines(tail, Self.alertTailLines), usage: usage)
        raise(.run(report), now: now)
    }

    /// A skipped occurrence: counted; `missed` and dependency skips are alerts.
    func reportSkip(_ skip: SkippedRun, now: Instant) {
        metrics.runFinished(task: skip.task, outcome: .skipped, durationMs: nil, usage: nil)
        switch skip.cause {
        case .overlap, .stopping: break
        case .missed(let count):
            // Before READY=1 the occurrences stepped over are the start-up's own (the first
            // wake-up comes a moment after the schedule's start instant), not a clock jump.
            guard alertsLive, let at = skip.scheduledAt else { return }
            raise(.missed(task: skip.task, scheduledAt: at, count: count, reason: skip.reason), now: now)
        case .dependency:
            raise(.skipped(task: skip.task, runID: skip.runID, scheduledAt: skip.scheduledAt, reason: skip.reason), now: now)
        }
    }

    /// The last `count` lines of an output tail (invalid UTF-8 replaced).
    static func lastLines(_ data: Data?, _ count: Int) -> [String] {
        guard let data, !data.isEmpty else { return [] }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.suffix(count).map(String.init)
    }

    /// This host's name for alerts and EHLO.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Logs a delivery's progress (never a secret: channels redact their errors) and counts it.
    static func log(_ event: DeliveryEvent, logger: Logger, metrics: DaemonMetrics) {
        switch event {
        case .sent(let channel, let message, let answer, let attempts):
            metrics.notification(channel: channel, result: "sent")
            logger.info("alert sent to \(channel): \(message.title) (\(answer)\(attempts > 1 ? ", attempt \(attempts)" : ""))",
                        metadata: alertMetadata(channel, message))
        case .retrying(let channel, let message, let error, let attempt, let delay):
            logger.warning("alert to \(channel) failed (attempt \(attempt)): \(error); retrying in \(String(format: "%.1f", delay))s",
                           metadata: alertMetadata(channel, message))
        case .failed(let channel, let message, let error, let attempts):
            metrics.notification(channel: channel, result: "failed")
            logger.error("alert to \(channel) given up after \(attempts) attempt(s): \(error) (lost: \(message.title))",
                         metadata: alertMetadata(channel, message))
        case .dropped(let channel, let message):
            metrics.notification(channel: channel, result: "dropped")
            logger.warning("alert queue of \(channel) is full: dropped the oldest waiting alert (\(message.title))",
                           metadata: alertMetadata(channel, message))
        }
    }

    private static func alertMetadata(_ channel: String, _ message: AlertMessage) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["channel": "\(channel)", "alert": "\(message.kind.rawValue)"]
        if let task = message.task { metadata["task"] = "\(task)" }
        if let runID = message.runID { metadata["run_id"] = "\(runID)" }
        return metadata
    }
}
