import ControlProtocol
import Foundation
import MarketCalendar
import Monitoring
import Scheduling

extension Daemon {
    /// The exposition after refreshing the state gauges from the scheduler's state now.
    func metricsText(now: Instant) -> String {
        let tasks = core.config.tasks.map { task in
            let enabled = core.isEnabled(task.name, at: now)
            return DaemonMetrics.Snapshot.TaskState(
                name: task.name, enabled: enabled, running: core.runningRun(of: task.name) != nil,
                nextRun: enabled ? core.nextOccurrence(of: task.name) : nil, lastSuccess: lastSuccess[task.name],
                usage: lastUsage[task.name])
        }
        let today = core.calendar.zone.local(now).date
        metrics.refresh(DaemonMetrics.Snapshot(tasks: tasks, phase: core.calendar.phase(at: now).phase,
                                               tradingDay: core.calendar.day(today).session != nil))
        return metrics.exposition()
    }

    /// `notify_test`: one attempt, now, past the queue; the answer says what the endpoint said.
    func notifyTest(_ name: String, peer: Authorization.Peer, id: RequestID?, now: Instant) async -> [UInt8] {
        guard let channel = core.config.notify.channel(named: name) else {
            let known = core.config.notify.channels.map(\.name)
            let hint = Suggestion.didYouMean(name, in: known)
            return ResponseEncoder.failure(id: id, code: .unknownChannel,
                message: "no channel named '\(name)' in scheduler.notify\(hint)" + (known.isEmpty ? " (none is configured)" : "; channels: \(known.joined(separator: ", "))"))
        }
        logger.notice("notify test of \(name) by \(peer)", metadata: ["channel": "\(name)"])
        let message = alerts.testMessage(channel: name, now: now)
        let result = await dispatcher.test(channel: name, message: message)
        switch result {
        case .success(let answer):
            metrics.notification(channel: name, result: "sent")
            logger.notice("notify test of \(name): delivered (\(answer))", metadata: ["channel": "\(name)"])
            return ResponseEncoder.success(id: id, result: NotifyTestResult(channel: name, type: channel.kind.typeName, delivered: true, answer: answer))
        case .failure(let error):
            metrics.notification(channel: name, result: "failed")
            logger.warning("notify test of \(name): not delivered: \(error)", metadata: ["channel": "\(name)"])
            return ResponseEncoder.success(id: id, result: NotifyTestResult(channel: name, type: channel.kind.typeName, delivered: false, answer: error.message))
        }
    }
}

extension DaemonMetrics {
    /// Counts a final response line: `ok`, or its error code (`"ok":false,"error":{"code":"X"`,
    /// which cannot appear inside a JSON string, where quotes are escaped). It follows the echoed
    /// `id` at the start of the line, so only the line's head is searched (a `status` of 10,000
    /// tasks is megabytes).
    func controlResponse(command: String, _ line: [UInt8]) {
        let marker = Array(#""ok":false,"error":{"code":""#.utf8)
        let head = line.prefix(4096)
        var result = "ok"
        if let start = head.firstRange(of: marker)?.upperBound, let end = head[start...].firstIndex(of: UInt8(ascii: "\"")) {
            result = String(decoding: head[start..<end], as: UTF8.self)
        }
        controlRequest(command: command, result: result)
    }
}
