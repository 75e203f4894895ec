import Monitoring

/// Where alerts go: Slack, Discord, a webhook, e-mail. One attempt per call; `DeliveryQueue`
/// decides about retries from the error.
public protocol AlertChannel: Sendable {
    /// The channel's name in `scheduler.notify`.
    var name: String { get }
    /// `slack`, `discord`, `webhook`, `email`.
    var type: String { get }
    /// Delivers one message; returns the endpoint's answer (`HTTP 200 ok`, `250 2.0.0 queued`).
    func send(_ message: AlertMessage) async throws(DeliveryError) -> String
}

/// A failed delivery attempt. The message never contains a secret (channels redact them).
public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A timeout, a refused or reset connection, a 5xx or 429: try again (after `retryAfter`
        /// seconds when the server said so).
        case retryable(retryAfter: Double?)
        /// A 4xx, a bad URL, a refused login: trying again will not help.
        case permanent
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var isRetryable: Bool { if case .retryable = kind { true } else { false } }

    public var description: String { message }
}
