/// The JSON body of `type: webhook` (documented in docs/alerts.md): every fact of the alert
/// under a stable name, absent ones left out; `version` changes only with an incompatible change.
public enum WebhookPayload {
    public static let version = 1
    /// The output tail is capped at 100 lines and 16 KiB.
    public static let maxTailLines = 100
    public static let maxTailCharacters = 16 * 1024

    public static func render(_ message: AlertMessage) -> [UInt8] {
        let body = Body(
            version: version, event: message.kind.rawValue, severity: message.severity.rawValue, title: message.title,
            text: message.text, task: message.task, runID: message.runID, outcome: message.outcome,
            exitCode: message.exitCode, signal: message.signal, attempt: message.attempt, durationMs: message.durationMs,
            scheduledAt: message.scheduledAt, failures: message.failures, streakSince: message.streakSince,
            reason: message.reason,
            outputTail: message.outputTail.isEmpty ? nil
                : AlertText.tail(message.outputTail, maxLines: maxTailLines, maxCharacters: maxTailCharacters),
            cpuSeconds: message.usage?.cpuSeconds, maxRSSBytes: message.usage?.maxRSSBytes, link: message.link,
            host: message.host, sentAt: message.sentAt, test: message.isTest)
        return PayloadJSON.encode(body)
    }

    struct Body: Encodable {
        let version: Int
        let event: String
        let severity: String
        let title: String
        let text: String
        let task: String?
        let runID: String?
        let outcome: String?
        let exitCode: Int32?
        let signal: Int32?
        let attempt: Int?
        let durationMs: Int64?
        let scheduledAt: String?
        let failures: Int?
        let streakSince: String?
        let reason: String?
        let outputTail: [String]?
        let cpuSeconds: Double?
        let maxRSSBytes: Int64?
        let link: String?
        let host: String
        let sentAt: String
        let test: Bool

        enum CodingKeys: String, CodingKey {
            case version, event, severity, title, text, task, outcome, signal, attempt, failures, reason, link, host, test
            case runID = "run_id", exitCode = "exit_code", durationMs = "duration_ms", scheduledAt = "scheduled_at"
            case streakSince = "streak_since", outputTail = "output_tail", cpuSeconds = "cpu_seconds"
            case maxRSSBytes = "max_rss_bytes", sentAt = "sent_at"
        }
    }
}
