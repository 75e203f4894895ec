import Foundation
import MarketCalendar
import Monitoring
import NIOCore
import NIOSSL
import Scheduling

/// `type: email`: each alert as one plain-text message through `SMTPClient`.
public struct EmailAlertChannel: AlertChannel {
    public let name: String
    public let type = "email"
    private let client: SMTPClient
    private let zone: ZoneRules

    public init?(_ channel: NotifyChannel, clientName: String, zone: ZoneRules) {
        guard case .email(let settings) = channel.kind else { return nil }
        name = channel.name
        client = SMTPClient(settings: settings, clientName: clientName, timeoutSeconds: channel.timeoutSeconds)
        self.zone = zone
    }

    public func send(_ message: AlertMessage) async throws(DeliveryError) -> String {
        let settings = client.settings
        let now = Instant(seconds: Int64(Date().timeIntervalSince1970))
        let id = "v6.\(now.seconds).\(UInt64.random(in: 0...UInt64.max))@\(client.clientName)"
        let data = EmailComposer.data(message, from: settings.from, to: settings.to, date: now, zone: zone, messageID: id)
        do {
            let reply = try await client.send(data)
            return "\(reply)"
        } catch {
            throw Self.classify(error, password: settings.password)
        }
    }

    /// 4xx replies, timeouts and connection errors are retryable; 5xx replies, a missing
    /// STARTTLS and TLS certificate problems are not.
    static func classify(_ error: any Error, password: Secret?) -> DeliveryError {
        let text = password?.redact("\(error)") ?? "\(error)"
        switch error {
        case SMTPFailure.rejected(_, let reply):
            return DeliveryError(reply.isTransient ? .retryable(retryAfter: nil) : .permanent, text)
        case SMTPFailure.noSTARTTLS, is SMTPReplyParser.Failure:
            return DeliveryError(.permanent, text)
        case let error as NIOSSLError:
            if case .handshakeFailed = error { return DeliveryError(.permanent, "TLS handshake failed: \(text) (check the certificate, or ca_file)") }
            return DeliveryError(.retryable(retryAfter: nil), text)
        default:
            return DeliveryError(.retryable(retryAfter: nil), text)
        }
    }
}
