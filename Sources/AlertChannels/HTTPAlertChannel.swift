import AsyncHTTPClient
import Foundation
import Monitoring
import NIOCore
import Scheduling

/// Slack, Discord and generic webhooks: one JSON POST per alert through async-http-client.
/// 2xx is delivered; 429 (with its `Retry-After`), 5xx, timeouts and connection errors are
/// retryable; other answers are permanent failures.
public struct HTTPAlertChannel: AlertChannel {
    public let name: String
    public let type: String
    private let url: Secret
    private let signingSecret: Secret?
    private let timeoutSeconds: Int
    private let client: HTTPClient
    private let render: @Sendable (AlertMessage) -> [UInt8]

    /// `channel.kind` must be slack, discord or webhook, with its secrets resolved.
    public init?(_ channel: NotifyChannel, client: HTTPClient) {
        switch channel.kind {
        case .slack(let url):
            self.url = url
            signingSecret = nil
            render = SlackPayload.render
        case .discord(let url):
            self.url = url
            signingSecret = nil
            render = DiscordPayload.render
        case .webhook(let url, let secret):
            self.url = url
            signingSecret = secret
            render = WebhookPayload.render
        case .email:
            return nil
        }
        name = channel.name
        type = channel.kind.typeName
        timeoutSeconds = channel.timeoutSeconds
        self.client = client
    }

    public func send(_ message: AlertMessage) async throws(DeliveryError) -> String {
        guard let url = url.reveal() else { throw DeliveryError(.permanent, "the URL (\(self.url)) is not resolved") }
        let body = render(message)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "v6-scheduler")
        if let secret = signingSecret?.reveal() {
            request.headers.add(name: WebhookSignature.header, value: WebhookSignature.sign(body, secret: secret))
        }
        request.body = .bytes(body)
        let response: HTTPClientResponse
        var answer = ""
        do {
            response = try await client.execute(request, timeout: .seconds(Int64(timeoutSeconds)))
            answer = try await Self.readBody(response, upTo: 512)
        } catch {
            throw classify(error)
        }
        let status = "HTTP \(response.status.code)" + (answer.isEmpty ? "" : ": \(answer)")
        switch response.status.code {
        case 200..<300:
            return redact(status)
        case 429:
            let after = RetryPolicy.retryAfter(response.headers.first(name: "Retry-After"), now: Date())
            throw DeliveryError(.retryable(retryAfter: after), redact(status + (after.map { " (Retry-After \(Int($0))s)" } ?? "")))
        case 500..<600, 408:
            throw DeliveryError(.retryable(retryAfter: nil), redact(status))
        default:
            throw DeliveryError(.permanent, redact(status))
        }
    }

    /// The start of the answer's body, one line, for logs and `v6ctl notify test`.
    static func readBody(_ response: HTTPClientResponse, upTo limit: Int) async throws -> String {
        var bytes: [UInt8] = []
        for try await chunk in response.body {
            bytes += chunk.readableBytesView.prefix(limit - bytes.count)
            if bytes.count >= limit { break }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    private func classify(_ error: any Error) -> DeliveryError {
        if let error = error as? HTTPClientError {
            if [HTTPClientError.invalidURL, .emptyHost, .emptyScheme].contains(error) || "\(error)".contains("unsupportedScheme") {
                return DeliveryError(.permanent, redact("invalid URL \(url): \(error)"))
            }
            if [HTTPClientError.deadlineExceeded, .readTimeout, .connectTimeout, .tlsHandshakeTimeout, .writeTimeout].contains(error) {
                return DeliveryError(.retryable(retryAfter: nil), "no answer within \(timeoutSeconds)s (\(error))")
            }
        }
        return DeliveryError(.retryable(retryAfter: nil), redact("\(error)"))
    }

    private func redact(_ text: String) -> String {
        var text = url.redact(text)
        if let signingSecret { text = signingSecret.redact(text) }
        return text
    }
}
