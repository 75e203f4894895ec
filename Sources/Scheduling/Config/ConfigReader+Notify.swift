import Yams

/// `scheduler.notify` (alert channels), `notify_default`, `notify_repeat`, `dashboard_url`, and a
/// task's `notify:`. Secrets (`url`, `secret`, `password`) are read as `Secret`s: the value, or
/// `env:NAME`, or `file:PATH`; no message here ever quotes a secret's value.
extension ConfigReader {
    static let notifySchedulerKeys = ["notify", "notify_default", "notify_repeat", "dashboard_url"]
    static let channelCommonKeys = ["type", "events", "timeout_seconds", "retries", "retry_backoff_seconds"]
    static let channelKeysByType: [String: [String]] = [
        "slack": ["url"],
        "discord": ["url"],
        "webhook": ["url", "secret"],
        "email": ["host", "port", "security", "user", "password", "from", "to", "ca_file"],
    ]
    static let channelTypes = ["slack", "discord", "webhook", "email"]

    /// Reads the alerting keys of the `scheduler:` mapping `m`. `names` lists every well-formed
    /// channel name, valid body or not (so a task naming a broken channel gets one error, not two).
    mutating func readNotifySettings(_ m: MappingNode, base: String) -> (settings: NotifySettings, names: [String]) {
        var settings = NotifySettings()
        var names: [String] = []
        if let node = m.value("notify"),
           let channels = mapping(node, path: m.child("notify"), known: nil, expected: "a mapping of channel names to channels") {
            for pair in channels.pairs {
                let path = channels.child(pair.key)
                guard checkChannelName(pair.key, line: pair.keyLine, path: path) else { continue }
                names.append(pair.key)
                if let channel = readChannel(name: pair.key, line: pair.keyLine, node: pair.value, path: path, base: base) {
                    settings.channels.append(channel)
                }
            }
            settings.channels.sort { $0.name < $1.name }
        }
        if let list = channelList(m, "notify_default", known: names) { settings.defaultChannels = list }
        if let node = m.value("notify_repeat"),
           let text = scalarString(node, path: m.child("notify_repeat"), expected: "a duration such as 1h") {
            switch DurationSyntax.parse(text) {
            case .success(let seconds): settings.repeatSeconds = Int(seconds)
            case .failure(let problem): error(Self.line(node), m.child("notify_repeat"), problem.message)
            }
        }
        if let node = m.value("dashboard_url"), let url = string(m, "dashboard_url") {
            if url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > "https://".count {
                settings.dashboardURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                error(Self.line(node), m.child("dashboard_url"), "\"\(url)\" is not an http(s) URL (write e.g. https://scheduler.desk.example)")
            }
        }
        return (settings, names)
    }

    /// A list of channel names (`notify_default`, a task's `notify`); `[]` is allowed (none).
    mutating func channelList(_ m: MappingNode, _ key: String, known: [String]) -> [String]? {
        guard let node = m.value(key) else { return nil }
        let path = m.child(key)
        guard let names = strings(node, path: path, allowEmpty: true, expected: "a list of channel names from scheduler.notify",
                                  item: "a channel name") else { return nil }
        var list: [String] = []
        for (item, name) in names {
            guard known.contains(name) else {
                let hint = Suggestion.closest(to: name, in: known).map { "did you mean \($0)?" }
                    ?? (known.isEmpty ? "scheduler.notify defines no channels" : "channels: " + known.joined(separator: ", "))
                error(Self.line(item), path, "\"\(name)\" is not a channel of scheduler.notify (\(hint))")
                return nil
            }
            if list.contains(name) {
                error(Self.line(item), path, "\(name) is listed twice (remove one)")
                return nil
            }
            list.append(name)
        }
        return list
    }

    /// A string, or a list of strings, each with its node (for its line). Nil after an issue.
    mutating func strings(_ node: Node, path: String, allowEmpty: Bool, expected: String, item: String) -> [(Node, String)]? {
        let items: [Node]
        switch node {
        case .scalar: items = [node]
        case .sequence(let list) where allowEmpty || !list.isEmpty: items = Array(list)
        default:
            error(Self.line(node), path, "expects \(expected), found \(Self.describe(node))")
            return nil
        }
        var result: [(Node, String)] = []
        for element in items {
            guard let text = scalarString(element, path: path, expected: item) else { return nil }
            result.append((element, text))
        }
        return result
    }

    private mutating func checkChannelName(_ name: String, line: Int, path: String) -> Bool {
        if !name.isEmpty, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }) {
            return true
        }
        error(line, path, "channel names use only a-z, 0-9, _ and - (they appear in metrics labels and v6ctl notify test)")
        return false
    }

    private mutating func readChannel(name: String, line: Int, node: Node, path: String, base: String) -> NotifyChannel? {
        let allKeys = Self.channelCommonKeys + Set(Self.channelKeysByType.values.joined()).sorted()
        guard let m = mapping(node, path: path, known: allKeys, expected: "a mapping of channel settings (type:, url:, ...)") else {
            return nil
        }
        let before = issues.count
        guard m.has("type") else {
            error(line, path, "has no type (add type: slack, discord, webhook or email)")
            return nil
        }
        guard let type = choice(m, "type", Self.channelTypes, what: "a channel type") else { return nil }
        for pair in m.pairs where !Self.channelCommonKeys.contains(pair.key) && !(Self.channelKeysByType[type] ?? []).contains(pair.key) {
            let owners = Self.channelTypes.filter { (Self.channelKeysByType[$0] ?? []).contains(pair.key) }.joined(separator: ", ")
            error(pair.keyLine, m.child(pair.key), "applies only to type: \(owners) (this channel is type: \(type); remove it)")
        }
        let events = readEvents(m)
        let timeout = int(m, "timeout_seconds", in: 1...300, unit: "seconds")
        let retries = int(m, "retries", in: 0...20)
        let backoff = int(m, "retry_backoff_seconds", in: 0...600, unit: "seconds")
        let kind: NotifyChannel.Kind?
        switch type {
        case "slack", "discord":
            let url = requiredURL(m, "url", path: path, line: line, base: base, example: type == "slack"
                                  ? "env:SLACK_WEBHOOK_URL" : "env:DISCORD_WEBHOOK_URL")
            kind = url.map { type == "slack" ? .slack(url: $0) : .discord(url: $0) }
        case "webhook":
            let url = requiredURL(m, "url", path: path, line: line, base: base, example: "env:ALERT_WEBHOOK_URL")
            let secret = self.secret(m, "secret", base: base)
            kind = url.map { .webhook(url: $0, secret: secret) }
        default:
            kind = readEmail(m, path: path, line: line, base: base).map(NotifyChannel.Kind.email)
        }
        guard issues.count == before, let kind else { return nil }
        var channel = NotifyChannel(name: name, kind: kind, line: line)
        channel.events = events ?? channel.events
        channel.timeoutSeconds = timeout ?? channel.timeoutSeconds
        channel.retries = retries ?? channel.retries
        channel.retryBackoffSeconds = backoff ?? channel.retryBackoffSeconds
        return channel
    }

    private mutating func readEvents(_ m: MappingNode) -> Set<AlertEventKind>? {
        guard let node = m.value("events") else { return nil }
        let path = m.child("events")
        let names = AlertEventKind.allCases.map(\.rawValue)
        guard let texts = strings(node, path: path, allowEmpty: false, expected: "a non-empty list of events: \(names.joined(separator: ", "))",
                                  item: "an event name") else { return nil }
        var events = Set<AlertEventKind>()
        for (item, text) in texts {
            guard let kind = AlertEventKind(rawValue: text) else {
                let hint = Suggestion.closest(to: text, in: names).map { "did you mean \($0)?" } ?? "use " + names.joined(separator: ", ")
                error(Self.line(item), path, "\"\(text)\" is not an event (\(hint))")
                return nil
            }
            events.insert(kind)
        }
        return events
    }

    private mutating func readEmail(_ m: MappingNode, path: String, line: Int, base: String) -> EmailSettings? {
        let host = string(m, "host")
        if !m.has("host") { error(line, path, "has no host (add host: smtp.example.com)") }
        let security = choice(m, "security", EmailSettings.Security.allCases.map(\.rawValue), what: "an SMTP security mode")
            .flatMap(EmailSettings.Security.init(rawValue:)) ?? .starttls
        let port = int(m, "port", in: 1...65_535)
        let user = string(m, "user")
        let password = secret(m, "password", base: base)
        if (user == nil) != (password == nil) {
            error(m.keyLine("user") ?? m.keyLine("password"), path, "user and password go together (write both, or neither for a relay without login)")
        }
        if user != nil, security == .none {
            error(m.keyLine("security"), m.child("security"), "none sends the password in clear text (use starttls or tls, or remove user and password)")
        }
        let from = string(m, "from")
        if !m.has("from") { error(line, path, "has no from (add from: scheduler@desk.example)") }
        if let from, !Self.looksLikeAddress(from) {
            error(m.keyLine("from"), m.child("from"), "\"\(from)\" is not an e-mail address (write name@domain)")
        }
        let to = readRecipients(m, path: path, line: line)
        let caFile = self.path(m, "ca_file", base: base)
        guard let host, let from, let to else { return nil }
        let defaultPort = switch security { case .starttls: 587; case .tls: 465; case .none: 25 }
        return EmailSettings(host: host, port: port ?? defaultPort, security: security, user: user, password: password,
                             from: from, to: to, caFile: caFile)
    }

    private mutating func readRecipients(_ m: MappingNode, path: String, line: Int) -> [String]? {
        guard let node = m.value("to") else {
            error(line, path, "has no to (add to: [desk@example.com])")
            return nil
        }
        guard let texts = strings(node, path: m.child("to"), allowEmpty: false, expected: "an address or a non-empty list of addresses",
                                  item: "an e-mail address") else { return nil }
        var addresses: [String] = []
        for (item, text) in texts {
            guard Self.looksLikeAddress(text) else {
                error(Self.line(item), m.child("to"), "\"\(text)\" is not an e-mail address (write name@domain)")
                return nil
            }
            addresses.append(text)
        }
        return addresses
    }

    /// name@domain without spaces, angle brackets or line ends (which would break SMTP commands).
    static func looksLikeAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !text.contains { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }
    }

    private mutating func requiredURL(_ m: MappingNode, _ key: String, path: String, line: Int, base: String, example: String) -> Secret? {
        guard m.has(key) else {
            error(line, path, "has no \(key) (add \(key): \(example), or file:PATH for a systemd credential)")
            return nil
        }
        guard let secret = secret(m, key, base: base) else { return nil }
        if let value = secret.reveal(), !Self.isHTTPURL(value) {
            error(m.keyLine(key), m.child(key), "is not an http(s) URL (the value is not shown: it is a secret)")
            return nil
        }
        return secret
    }

    static func isHTTPURL(_ text: String) -> Bool {
        (text.hasPrefix("https://") || text.hasPrefix("http://")) && !text.contains { $0.isWhitespace }
    }

    /// A secret: `env:NAME`, `file:PATH` (relative to the configuration's folder), or the value.
    /// A value written in the YAML is accepted with a warning: whoever reads the file reads it.
    mutating func secret(_ m: MappingNode, _ key: String, base: String) -> Secret? {
        guard let node = m.value(key) else { return nil }
        guard case .scalar(let scalar) = node else {
            error(Self.line(node), m.child(key), "expects a secret (the value, env:NAME or file:PATH), found \(Self.describe(node))")
            return nil
        }
        let text = scalar.string
        if text.hasPrefix("env:") {
            let name = String(text.dropFirst(4))
            guard EnvironmentFile.isValidName(name) else {
                error(Self.line(node), m.child(key), "env:\(name): \"\(name)\" is not a variable name (letters, digits and _)")
                return nil
            }
            return .environment(name)
        }
        if text.hasPrefix("file:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else {
                error(Self.line(node), m.child(key), "file: needs a path (e.g. file:/run/credentials/v6-scheduler.service/\(key))")
                return nil
            }
            return .file(ConfigPaths.resolve(path, against: base))
        }
        guard !text.isEmpty else {
            error(Self.line(node), m.child(key), "is empty (write env:NAME, file:PATH or the value)")
            return nil
        }
        warn(Self.line(node), m.child(key), "is written in the file, readable by anyone who can read it (prefer env:NAME or file:PATH)")
        return .literal(text)
    }
}
