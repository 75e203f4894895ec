/// The alert channels in `v6-scheduler check-config`'s output. Secrets show as their
/// reference (`env:NAME`, `file:PATH`) or `<hidden>`, never as their value.
extension ConfigSummary {
    /// One line per channel, then the defaults; nothing when there are no channels.
    public static func notifyLines(_ settings: NotifySettings) -> [String] {
        guard !settings.channels.isEmpty else { return [] }
        var lines = settings.channels.map { channel in
            "notify \(channel.name): \(target(channel.kind)); events " + channel.events.sorted().map(\.rawValue).joined(separator: ", ")
        }
        let defaults = settings.defaultChannels.isEmpty ? "none" : settings.defaultChannels.joined(separator: ", ")
        lines.append("notify defaults: \(defaults); at most one message per task and channel every \(DurationSyntax.compact(Int64(settings.repeatSeconds)))")
        return lines
    }

    static func target(_ kind: NotifyChannel.Kind) -> String {
        switch kind {
        case .slack(let url): return "slack to \(url)"
        case .discord(let url): return "discord to \(url)"
        case .webhook(let url, let secret): return "webhook to \(url)" + (secret.map { ", signed with \($0)" } ?? "")
        case .email(let s):
            let login = s.user.map { " as \($0) (password \(s.password.map { "\($0)" } ?? "none"))" } ?? ""
            return "email via \(s.host):\(s.port) (\(s.security.rawValue))\(login) to " + s.to.joined(separator: ", ")
        }
    }
}
