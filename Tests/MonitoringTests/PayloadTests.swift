import Foundation
import MarketCalendar
import Testing
@testable import Monitoring
@testable import Scheduling

/// The payloads each service documents, and their limits: Slack `text` + blocks, Discord
/// `content` + one embed, the generic webhook body, and the e-mail message.
@Suite struct PayloadTests {
    static func message(tailLines: Int = 3, lineLength: Int = 20) -> AlertMessage {
        AlertMessage(kind: .failed, severity: .critical, title: "collect failed", text: "collect exited with code 1.",
                     task: "collect", runID: "812", outcome: "failed", exitCode: 1, attempt: 3, durationMs: 4120,
                     scheduledAt: "2026-11-27T09:30:00-05:00", failures: 1, streakSince: "2026-11-27T09:30:04-05:00",
                     reason: "exit code 7 is neither 1 (retry) nor 2 (fatal): not retried",
                     outputTail: (1...tailLines).map { "line \($0) " + String(repeating: "x", count: lineLength) + " <b>&```" },
                     usage: RunUsage(cpuSeconds: 0.5, maxRSSBytes: 2048), link: "https://dash.example/runs/812",
                     host: "desk1", sentAt: "2026-11-27T09:30:05-05:00")
    }

    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func slackHasTextAndBlocks() throws {
        let body = try Self.json(SlackPayload.render(Self.message()))
        let text = try #require(body["text"] as? String)
        #expect(text == "collect failed: collect exited with code 1.")
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["header", "section", "section", "section", "section", "section", "context"])
        let fields = try #require(blocks[2]["fields"] as? [[String: String]])
        #expect(fields.count == 10)
        #expect(fields[0] == ["type": "mrkdwn", "text": "*Task*\ncollect"])
        let tail = try #require((blocks[4]["text"] as? [String: String])?["text"])
        #expect(tail.hasPrefix("```\nline 1 ") && tail.hasSuffix("```"))
        // Slack's reserved characters are escaped, and output cannot close the code block.
        #expect(tail.contains("&lt;b&gt;&amp;`\u{200B}``"))
        #expect((blocks[5]["text"] as? [String: String])?["text"] == "<https://dash.example/runs/812|Open run 812 on the dashboard>")
    }

    @Test func slackStaysWithinItsLimits() throws {
        let body = try Self.json(SlackPayload.render(Self.message(tailLines: 400, lineLength: 300)))
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        for block in blocks {
            if let text = (block["text"] as? [String: String])?["text"] { #expect(text.count <= SlackPayload.maxSectionText) }
        }
        let tail = try #require((blocks[4]["text"] as? [String: String])?["text"])
        #expect(tail.contains("line 400 "))  // the newest lines are kept
        #expect(!tail.contains("line 1 "))
    }

    @Test func discordHasContentAndOneEmbedWithinLimits() throws {
        let body = try Self.json(DiscordPayload.render(Self.message(tailLines: 400, lineLength: 300)))
        #expect(body["content"] as? String == "**collect failed**")
        #expect((body["allowed_mentions"] as? [String: [String]])?["parse"] == [])
        let embeds = try #require(body["embeds"] as? [[String: Any]])
        #expect(embeds.count == 1)
        let embed = embeds[0]
        #expect(embed["title"] as? String == "collect failed")
        #expect(embed["url"] as? String == "https://dash.example/runs/812")
        #expect(embed["color"] as? Int == 0xD73A49)
        let description = try #require(embed["description"] as? String)
        #expect(description.count <= DiscordPayload.maxDescription)
        #expect(description.contains("line 400 "))
        let fields = try #require(embed["fields"] as? [[String: Any]])
        let total = (embed["title"] as! String).count + description.count
            + fields.reduce(0) { $0 + ($1["name"] as! String).count + ($1["value"] as! String).count } + "desk1".count
        #expect(total <= DiscordPayload.maxEmbedTotal)
    }

    @Test func webhookBodyIsTheDocumentedOne() throws {
        let body = try Self.json(WebhookPayload.render(Self.message()))
        #expect(Set(body.keys) == ["version", "event", "severity", "title", "text", "task", "run_id", "outcome", "exit_code",
                                   "attempt", "duration_ms", "scheduled_at", "failures", "streak_since", "reason", "output_tail",
                                   "cpu_seconds", "max_rss_bytes", "link", "host", "sent_at", "test"])
        #expect(body["version"] as? Int == 1)
        #expect(body["event"] as? String == "failed")
        #expect(body["run_id"] as? String == "812")
        #expect(body["exit_code"] as? Int == 1)
        #expect(body["max_rss_bytes"] as? Int == 2048)
        #expect(body["test"] as? Bool == false)
        #expect((body["output_tail"] as? [String])?.count == 3)
    }

    @Test func emailIsAValidPlainTextMessage() throws {
        var message = Self.message()
        message.outputTail = [".hidden dot line", "ok"]
        let zone = ZoneRules.newYork
        let data = EmailComposer.data(message, from: "scheduler@desk.example", to: ["ops@desk.example", "risk@desk.example"],
                                      date: Instant(seconds: 1_795_800_000), zone: zone, messageID: "v6.1@desk1")
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains("Subject: [v6-scheduler] collect failed"))
        #expect(lines.contains("To: ops@desk.example, risk@desk.example"))
        #expect(lines.contains("Date: Fri, 27 Nov 2026 12:20:00 -0500"))
        #expect(lines.contains("Content-Transfer-Encoding: 7bit"))
        #expect(lines.contains("X-V6-Task: collect"))
        #expect(lines.contains("  .hidden dot line"))  // indented, so not stuffed; a line starting with "." would be
        #expect(lines.contains("Run page: https://dash.example/runs/812"))
        #expect(!text.contains("\n\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        // A body line starting with "." is doubled (SMTP dot-stuffing).
        message.text = ".starts with a dot"
        let stuffed = String(decoding: EmailComposer.data(message, from: "a@b", to: ["c@d"], date: Instant(seconds: 0), zone: zone,
                                                          messageID: "x@y"), as: UTF8.self)
        #expect(stuffed.contains("\r\n..starts with a dot\r\n"))
    }

    @Test func nonASCIIMailIsEncoded() {
        var message = Self.message()
        message.title = "collect échoué"
        let text = String(decoding: EmailComposer.data(message, from: "a@b", to: ["c@d"], date: Instant(seconds: 0), zone: .newYork,
                                                       messageID: "x@y"), as: UTF8.self)
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Content-Transfer-Encoding: base64"))
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func tailKeepsTheNewestLinesWithinBudget() {
        #expect(AlertText.tail(["a", "bb", "ccc"], maxLines: 2, maxCharacters: 100) == ["bb", "ccc"])
        #expect(AlertText.tail(["a", "bb", "ccc"], maxLines: 9, maxCharacters: 7) == ["bb", "ccc"])
        #expect(AlertText.tail([String(repeating: "z", count: 50)], maxLines: 9, maxCharacters: 10) == ["…" + String(repeating: "z", count: 8)])
        #expect(AlertText.bytes(812 * 1024) == "812 KiB")
        #expect(AlertText.bytes(3 * 1024 * 1024 / 2) == "1.5 MiB")
        #expect(AlertText.duration(ms: 123_000) == "2m3s")
    }
}
