/// Discord's webhook body: `content` plus one embed (title, description, coloured by severity,
/// fields, link, footer, timestamp), within Discord's limits: content 2,000 characters, embed
/// title 256, description 4,096, 25 fields of 1,024, 6,000 for the whole embed. Mentions in the
/// output (`@everyone`) are not resolved: `allowed_mentions` is empty.
public enum DiscordPayload {
    public static let maxContent = 2000
    public static let maxTitle = 256
    public static let maxDescription = 4096
    public static let maxFieldValue = 1024
    public static let maxEmbedTotal = 6000

    public static func render(_ message: AlertMessage) -> [UInt8] {
        let fields = message.facts.prefix(25).map { Field(name: $0.name, value: AlertText.cut($0.value, maxFieldValue), inline: true) }
        let title = AlertText.cut(message.title, maxTitle)
        let footer = message.host
        let fixed = title.count + fields.reduce(0) { $0 + $1.name.count + $1.value.count } + footer.count
        var description = message.text
        if let reason = message.reason, !message.text.contains(reason) { description += "\nReason: \(reason)" }
        // What is left of the embed's 6,000 goes to the output tail, within the description's 4,096.
        let room = min(maxDescription, maxEmbedTotal - fixed) - description.count - 10
        if !message.outputTail.isEmpty, room > 40 {
            let lines = AlertText.tail(message.outputTail.map(SlackPayload.fenceSafe), maxLines: 40, maxCharacters: room)
            description += "\n```\n" + lines.joined(separator: "\n") + "\n```"
        }
        let embed = Embed(title: title, description: AlertText.cut(description, maxDescription), url: message.link,
                          color: color(message.severity), fields: Array(fields), footer: Footer(text: footer),
                          timestamp: message.sentAt)
        let payload = Payload(content: AlertText.cut("**\(message.title)**", maxContent), embeds: [embed],
                              allowedMentions: AllowedMentions(parse: []))
        return PayloadJSON.encode(payload)
    }

    static func color(_ severity: AlertMessage.Severity) -> Int {
        switch severity {
        case .critical: 0xD7_3A_49
        case .warning: 0xE3_B3_41
        case .ok: 0x2E_A0_43
        case .info: 0x58_6E_75
        }
    }

    struct Payload: Encodable {
        let content: String
        let embeds: [Embed]
        let allowedMentions: AllowedMentions

        enum CodingKeys: String, CodingKey {
            case content, embeds
            case allowedMentions = "allowed_mentions"
        }
    }

    struct AllowedMentions: Encodable { let parse: [String] }

    struct Embed: Encodable {
        let title: String
        let description: String
        let url: String?
        let color: Int
        let fields: [Field]
        let footer: Footer
        let timestamp: String
    }

    struct Field: Encodable {
        let name: String
        let value: String
        let inline: Bool
    }

    struct Footer: Encodable { let text: String }
}
