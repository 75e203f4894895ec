import Foundation
import MarketCalendar

/// An alert as an RFC 5322 message (plain text, UTF-8), ready for SMTP's DATA: CRLF line ends,
/// lines starting with "." doubled (dot-stuffing), no line over 998 octets, non-ASCII subjects
/// as RFC 2047 encoded words, non-ASCII bodies in base64.
public enum EmailComposer {
    public static let maxTailLines = 200
    public static let maxTailCharacters = 32 * 1024

    /// The subject line: `[v6-scheduler] collect failed`.
    public static func subject(_ message: AlertMessage) -> String {
        "[v6-scheduler]\(message.isTest ? " [test]" : "") \(message.title)"
    }

    /// The plain-text body.
    public static func body(_ message: AlertMessage) -> String {
        var lines = [message.title, "", message.text, ""]
        let facts = message.facts
        let width = facts.map(\.name.count).max() ?? 0
        for fact in facts { lines.append(fact.name + ":" + String(repeating: " ", count: width - fact.name.count + 1) + fact.value) }
        if let reason = message.reason, !message.text.contains(reason) { lines += ["", "Reason: \(reason)"] }
        if let link = message.link { lines += ["", "Run page: \(link)"] }
        if !message.outputTail.isEmpty {
            lines += ["", "Last lines of output:", ""]
            lines += AlertText.tail(message.outputTail, maxLines: maxTailLines, maxCharacters: maxTailCharacters).map { "  " + $0 }
        }
        lines += ["", "-- ", "v6-scheduler on \(message.host), \(message.sentAt)"]
        return lines.joined(separator: "\n")
    }

    /// The whole message as DATA sends it, without the final ".": headers, a blank line, the body.
    /// `messageID` must be unique (the caller adds randomness); `date` is the Date header's instant.
    public static func data(_ message: AlertMessage, from: String, to: [String], date: Instant, zone: ZoneRules,
                            messageID: String) -> [UInt8] {
        let text = body(message)
        let ascii = text.unicodeScalars.allSatisfy { $0.isASCII } && !text.split(separator: "\n").contains { $0.utf8.count > 900 }
        var headers = [
            "From: v6-scheduler <\(from)>",
            "To: " + to.joined(separator: ", "),
            "Subject: " + encodedWord(subject(message)),
            "Date: " + rfc5322Date(date, zone: zone),
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: " + (ascii ? "7bit" : "base64"),
            "X-V6-Event: \(message.kind.rawValue)",
        ]
        if let task = message.task { headers.append("X-V6-Task: \(task)") }
        let bodyLines: [String] = ascii
            ? text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            : base64Lines(Array(text.utf8))
        var out = (headers + [""] + bodyLines).map { line -> String in line.hasPrefix(".") ? "." + line : line }
            .joined(separator: "\r\n")
        out += "\r\n"
        return Array(out.utf8)
    }

    /// `=?UTF-8?B?...?=` when `text` is not plain ASCII; the text itself otherwise.
    static func encodedWord(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) else { return text }
        return "=?UTF-8?B?" + base64(Array(text.utf8)) + "?="
    }

    /// `Fri, 27 Nov 2026 09:30:05 -0500`.
    static func rfc5322Date(_ instant: Instant, zone: ZoneRules) -> String {
        let local = zone.local(instant)
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = days[local.date.weekday.rawValue - 1]
        let offset = ZoneRules.offsetString(local.offset).replacingOccurrences(of: ":", with: "")
        let t = local.time.seconds
        return "\(weekday), \(local.date.day) \(months[local.date.month - 1]) \(local.date.year) \(pad(t / 3600)):\(pad(t / 60 % 60)):\(pad(t % 60)) \(offset)"
    }

    private static func pad(_ n: some BinaryInteger) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        Data(bytes).base64EncodedString(options: .lineLength76Characters)
            .split(separator: "\r\n").map(String.init)
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
