import Foundation

/// Slack's incoming-webhook body: `text` (the notification and fallback) plus Block Kit
/// `blocks` (header, summary, fields, output tail, link), within Slack's limits: header text
/// 150 characters, section text 3,000, at most 10 fields of 2,000 each.
public enum SlackPayload {
    public static let maxSectionText = 3000
    public static let maxHeaderText = 150
    public static let maxFields = 10

    public static func render(_ message: AlertMessage) -> [UInt8] {
        var blocks: [Block] = [
            Block(type: "header", text: Text(type: "plain_text", text: AlertText.cut(message.title, maxHeaderText))),
            Block(type: "section", text: Text(type: "mrkdwn", text: AlertText.cut(escape(message.text), maxSectionText))),
        ]
        let fields = message.facts.prefix(maxFields).map { Text(type: "mrkdwn", text: "*\($0.name)*\n\(escape($0.value))") }
        if !fields.isEmpty { blocks.append(Block(type: "section", fields: Array(fields))) }
        if let reason = message.reason, !message.text.contains(reason) {
            blocks.append(Block(type: "section", text: Text(type: "mrkdwn", text: AlertText.cut("*Reason:* " + escape(reason), maxSectionText))))
        }
        if !message.outputTail.isEmpty {
            // ``` fences plus the newlines around the lines.
            let lines = AlertText.tail(message.outputTail.map { escape(fenceSafe($0)) }, maxLines: 40, maxCharacters: maxSectionText - 8)
            blocks.append(Block(type: "section", text: Text(type: "mrkdwn", text: "```\n" + lines.joined(separator: "\n") + "\n```")))
        }
        if let link = message.link {
            blocks.append(Block(type: "section", text: Text(type: "mrkdwn", text: "<\(link)|Open run \(message.runID ?? "") on the dashboard>")))
        }
        blocks.append(Block(type: "context", elements: [Text(type: "mrkdwn", text: escape("\(message.host) · \(message.sentAt)"))]))
        let payload = Payload(text: AlertText.cut(escape("\(message.title): \(message.text)"), maxSectionText), blocks: blocks)
        return PayloadJSON.encode(payload)
    }

    /// Slack's mrkdwn reserves &, < and >.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A line of output must not close the code block it is shown in.
    static func fenceSafe(_ line: String) -> String { line.replacingOccurrences(of: "```", with: "`\u{200B}``") }

    struct Payload: Encodable {
        let text: String
        let blocks: [Block]
    }

    struct Block: Encodable {
        let type: String
        var text: Text? = nil
        var fields: [Text]? = nil
        var elements: [Text]? = nil
    }

    struct Text: Encodable {
        let type: String
        let text: String
    }
}

/// JSON bodies with sorted keys and unescaped slashes (stable, readable, testable).
enum PayloadJSON {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The payload types hold strings, numbers and arrays only: encoding cannot fail.
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
