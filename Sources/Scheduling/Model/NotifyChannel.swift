/// What an alert is about (`events:` of a channel).
public enum AlertEventKind: String, Sendable, CaseIterable, Comparable {
    /// The final attempt of a run failed, timed out or was fatal.
    case failed
    /// The first success after a failure.
    case recovered
    /// An attempt failed and a retry is planned.
    case retrying
    /// An occurrence did not run because the daemon was down or the clock jumped.
    case missed
    /// An occurrence was skipped because of a dependency.
    case skipped
    /// The daemon started, stopped, or rejected a reload.
    case daemon

    /// A channel's events when `events:` is not written.
    public static let defaults: Set<AlertEventKind> = [.failed, .recovered, .missed, .daemon]

    public static func < (a: AlertEventKind, b: AlertEventKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One entry of `scheduler.notify:`: where alerts go and which ones.
public struct NotifyChannel: Sendable, Equatable {
    public var name: String
    public var kind: Kind
    public var events: Set<AlertEventKind>
    /// Seconds one delivery attempt may take (connect, TLS, answer).
    public var timeoutSeconds: Int
    /// Further attempts after a retryable failure (timeout, refused connection, 429, 5xx).
    public var retries: Int
    /// Wait before the first retry; doubles per attempt (a 429's Retry-After wins).
    public var retryBackoffSeconds: Int
    /// Line of the channel's key in the YAML.
    public var line: Int

    public init(name: String, kind: Kind, events: Set<AlertEventKind> = AlertEventKind.defaults, timeoutSeconds: Int = 10,
                retries: Int = 4, retryBackoffSeconds: Int = 2, line: Int = 0) {
        self.name = name
        self.kind = kind
        self.events = events
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.retryBackoffSeconds = retryBackoffSeconds
        self.line = line
    }

    public enum Kind: Sendable, Equatable {
        /// A Slack incoming webhook.
        case slack(url: Secret)
        /// A Discord webhook.
        case discord(url: Secret)
        /// Any HTTP(S) endpoint taking the JSON body of docs/alerts.md; with `secret`, signed
        /// (`X-V6-Signature: sha256=<hex HMAC-SHA256 of the body>`).
        case webhook(url: Secret, secret: Secret?)
        case email(EmailSettings)

        /// `slack`, `discord`, `webhook`, `email`.
        public var typeName: String {
            switch self {
            case .slack: "slack"
            case .discord: "discord"
            case .webhook: "webhook"
            case .email: "email"
            }
        }

        /// Every secret of the channel (to resolve them, and to redact them from messages).
        public var secrets: [Secret] {
            switch self {
            case .slack(let url), .discord(let url): [url]
            case .webhook(let url, let secret): [url] + (secret.map { [$0] } ?? [])
            case .email(let settings): settings.password.map { [$0] } ?? []
            }
        }

        /// The same channel with each secret replaced by `transform(secret)`.
        public func mapSecrets<E: Error>(_ transform: (Secret) throws(E) -> Secret) throws(E) -> Kind {
            switch self {
            case .slack(let url): return .slack(url: try transform(url))
            case .discord(let url): return .discord(url: try transform(url))
            case .webhook(let url, let secret):
                return .webhook(url: try transform(url), secret: try secret.map { s throws(E) in try transform(s) })
            case .email(var settings):
                settings.password = try settings.password.map { s throws(E) in try transform(s) }
                return .email(settings)
            }
        }
    }
}

/// `type: email`: an SMTP submission server.
public struct EmailSettings: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain connection upgraded with STARTTLS before anything else (port 587); refused
        /// if the server does not offer it.
        case starttls
        /// TLS from the first byte (port 465).
        case tls
        /// No encryption (a local relay on localhost); AUTH is refused on it.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var user: String?
    public var password: Secret?
    public var from: String
    public var to: [String]
    /// PEM file of the CA certificates to trust instead of the system's (an internal relay).
    public var caFile: String?

    public init(host: String, port: Int, security: Security = .starttls, user: String? = nil, password: Secret? = nil,
                from: String, to: [String], caFile: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.user = user
        self.password = password
        self.from = from
        self.to = to
        self.caFile = caFile
    }
}

/// The `scheduler:` keys of alerting, together.
public struct NotifySettings: Sendable, Equatable {
    /// `scheduler.notify`, sorted by name.
    public var channels: [NotifyChannel]
    /// `scheduler.notify_default`: the channels of tasks without `notify:`.
    public var defaultChannels: [String]
    /// `scheduler.notify_repeat`: at most one message per task, channel and kind in this many seconds.
    public var repeatSeconds: Int
    /// `scheduler.dashboard_url`: alerts link to `<url>/runs/<run id>`.
    public var dashboardURL: String?

    public init(channels: [NotifyChannel] = [], defaultChannels: [String] = [], repeatSeconds: Int = 3600, dashboardURL: String? = nil) {
        self.channels = channels
        self.defaultChannels = defaultChannels
        self.repeatSeconds = repeatSeconds
        self.dashboardURL = dashboardURL
    }

    public func channel(named name: String) -> NotifyChannel? { channels.first { $0.name == name } }
}
