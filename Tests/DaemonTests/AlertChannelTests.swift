import AlertChannels
import AsyncHTTPClient
import Foundation
import Monitoring
import Scheduling
import Testing
import TestSupport

/// Each channel against a local stand-in: the payload each service documents, the HMAC of the
/// webhook (checked by the stand-in with Python's hmac), and e-mail through a real SMTP server
/// (aiosmtpd) with STARTTLS, TLS and AUTH.
@Suite(.serialized) struct AlertChannelTests {
    static func message(task: String = "collect") -> AlertMessage {
        AlertMessage(kind: .failed, severity: .critical, title: "\(task) failed", text: "\(task) exited with code 1.",
                     task: task, runID: "812", outcome: "failed", exitCode: 1, attempt: 1, durationMs: 1500,
                     scheduledAt: "2026-11-27T09:30:00-05:00", failures: 1, outputTail: ["step 1", "Traceback: boom"],
                     usage: RunUsage(cpuSeconds: 0.25, maxRSSBytes: 10_485_760), host: "desk1", sentAt: "2026-11-27T09:30:02-05:00")
    }

    /// Timeouts are generous: in the full suite, synchronous end-to-end tests occupy the
    /// cooperative threads the channels' async work runs on.
    static func channel(_ name: String, _ kind: NotifyChannel.Kind, timeout: Int = 60) throws -> NotifyChannel {
        let resolved = try kind.mapSecrets { secret throws(SecretError) in try secret.resolved(in: ["HOOK_SECRET": "s3cret-key"]) }
        return NotifyChannel(name: name, kind: resolved, timeoutSeconds: timeout)
    }

    static func withClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test func slackDiscordAndWebhookPayloads() async throws {
        let dir = try TemporaryDirectory("v6alerts")
        let sink = try AlertSink("http", ["--secret", "s3cret-key"], in: dir, name: "http")
        defer { sink.stop() }
        try await Self.withClient { client in
            let slack = try #require(HTTPAlertChannel(try Self.channel("s", .slack(url: .literal(sink.url("/slack")))), client: client))
            #expect(try await slack.send(Self.message()) == "HTTP 200: ok")
            let discord = try #require(HTTPAlertChannel(try Self.channel("d", .discord(url: .literal(sink.url("/discord")))), client: client))
            #expect(try await discord.send(Self.message()) == "HTTP 204")
            let hook = try #require(HTTPAlertChannel(try Self.channel("w", .webhook(url: .literal(sink.url("/webhook")),
                                                                                   secret: .environment("HOOK_SECRET"))), client: client))
            #expect(try await hook.send(Self.message()) == "HTTP 200: accepted")
        }
        let slackRequest = try #require(sink.records(path: "/slack").first)
        #expect((slackRequest["headers"] as? [String: String])?["content-type"] == "application/json; charset=utf-8")
        let slackBody = try JSONText.object(slackRequest["body"] as? String ?? "")
        #expect(slackBody["text"] as? String == "collect failed: collect exited with code 1.")
        #expect((slackBody["blocks"] as? [[String: Any]])?.first?["type"] as? String == "header")
        #expect(slackRequest["signature_ok"] as? Bool == false)  // Slack bodies are not signed
        let discordBody = try JSONText.object(try #require(sink.records(path: "/discord").first)["body"] as? String ?? "")
        #expect(discordBody["content"] as? String == "**collect failed**")
        #expect((discordBody["embeds"] as? [[String: Any]])?.first?["title"] as? String == "collect failed")
        let hookRequest = try #require(sink.records(path: "/webhook").first)
        #expect(hookRequest["signature_ok"] as? Bool == true)
        #expect((hookRequest["headers"] as? [String: String])?["x-v6-signature"]?.hasPrefix("sha256=") == true)
        let hookBody = try JSONText.object(hookRequest["body"] as? String ?? "")
        #expect(hookBody["event"] as? String == "failed")
        #expect(hookBody["output_tail"] as? [String] == ["step 1", "Traceback: boom"])
        #expect(hookBody["max_rss_bytes"] as? Int == 10_485_760)
    }

    @Test func httpAnswersAreClassifiedAndSecretsRedacted() async throws {
        let dir = try TemporaryDirectory("v6alerts")
        let sink = try AlertSink("http", in: dir, name: "http")
        defer { sink.stop() }
        let token = "T0KEN-XYZZY-do-not-log"
        try await Self.withClient { client in
            func send(_ path: String, timeout: Int = 5) async throws -> DeliveryError? {
                let channel = try #require(HTTPAlertChannel(try Self.channel("c", .slack(url: .literal(sink.url(path))), timeout: timeout),
                                                            client: client))
                do throws(DeliveryError) {
                    _ = try await channel.send(Self.message())
                    return nil
                } catch {
                    return error
                }
            }
            let serverError = try #require(try await send("/status/500/\(token)"))
            #expect(serverError.kind == .retryable(retryAfter: nil))
            #expect(serverError.message == "HTTP 500: status 500")
            let limited = try #require(try await send("/retry-after/7"))
            #expect(limited.kind == .retryable(retryAfter: 7))
            #expect(limited.message == "HTTP 429: slow down (Retry-After 7s)")
            let badRequest = try #require(try await send("/status/404"))
            #expect(badRequest.kind == .permanent)
            let hang = try #require(try await send("/hang/\(token)", timeout: 1))
            #expect(hang.isRetryable)
            #expect(hang.message.hasPrefix("no answer within 1s"))
            let refused = try #require(HTTPAlertChannel(
                try Self.channel("c", .slack(url: .literal("http://127.0.0.1:\(AlertSink.refusedPort())/\(token)")), timeout: 2), client: client))
            do throws(DeliveryError) {
                _ = try await refused.send(Self.message())
                Issue.record("a refused connection delivered")
            } catch {
                #expect(error.isRetryable)
                #expect(!error.message.contains(token), "\(error.message)")
            }
            for error in [serverError, limited, badRequest, hang] { #expect(!error.message.contains(token)) }
        }
    }

    static func emailSettings(port: Int, security: EmailSettings.Security, caFile: String?, login: Bool) -> EmailSettings {
        EmailSettings(host: "localhost", port: port, security: security, user: login ? "scheduler" : nil,
                      password: login ? .literal("mail-pass-123") : nil, from: "scheduler@desk.example",
                      to: ["ops@desk.example", "risk@desk.example"], caFile: caFile)
    }

    static func mailChannel(_ settings: EmailSettings) -> EmailAlertChannel? {
        EmailAlertChannel(NotifyChannel(name: "mail", kind: .email(settings), timeoutSeconds: 60), clientName: "desk1", zone: .newYork)
    }

    @Test(arguments: [EmailSettings.Security.starttls, .tls])
    func emailOverTLSWithLogin(security: EmailSettings.Security) async throws {
        let dir = try TemporaryDirectory("v6smtp")
        try AlertSink.makeCertificates(in: dir)
        let sink = try AlertSink("smtp", ["--mode", security.rawValue, "--cert", dir.file("server.pem"), "--key", dir.file("server.key"),
                                          "--user", "scheduler", "--password", "mail-pass-123"], in: dir, name: "smtp")
        defer { sink.stop() }
        let settings = Self.emailSettings(port: sink.port, security: security, caFile: dir.file("ca.pem"), login: true)
        let channel = try #require(Self.mailChannel(settings))
        let answer = try await channel.send(Self.message())
        #expect(answer == "250 2.0.0 Ok: queued as V6TEST")
        let mail = try #require(sink.records.first)
        #expect(mail["tls"] as? Bool == true)
        #expect(mail["auth"] as? String == "scheduler")
        #expect(mail["mail_from"] as? String == "scheduler@desk.example")
        #expect(mail["rcpt_tos"] as? [String] == ["ops@desk.example", "risk@desk.example"])
        let data = mail["data"] as? String ?? ""
        #expect(data.contains("Subject: [v6-scheduler] collect failed"))
        #expect(data.contains("Traceback: boom"))
        #expect(data.contains("Peak memory:"))
    }

    @Test func emailFailuresAreClassified() async throws {
        let dir = try TemporaryDirectory("v6smtp")
        try AlertSink.makeCertificates(in: dir)
        let plain = try AlertSink("smtp", ["--mode", "plain"], in: dir, name: "plain")
        defer { plain.stop() }
        // A server without STARTTLS: security starttls refuses to go on in clear text.
        let noTLS = try #require(Self.mailChannel(Self.emailSettings(port: plain.port, security: .starttls, caFile: dir.file("ca.pem"), login: false)))
        do throws(DeliveryError) {
            _ = try await noTLS.send(Self.message())
            Issue.record("sent in clear text under security: starttls")
        } catch {
            #expect(error.kind == .permanent)
            #expect(error.message.hasPrefix("the server does not offer STARTTLS"))
        }
        // Without a login, security none delivers to a local relay.
        let relay = try #require(Self.mailChannel(Self.emailSettings(port: plain.port, security: .none, caFile: nil, login: false)))
        #expect(try await relay.send(Self.message()).hasPrefix("250"))
        #expect(plain.records.first?["tls"] as? Bool == false)
        // A wrong password: permanent (535), and the password is not in the message.
        let tls = try AlertSink("smtp", ["--mode", "tls", "--cert", dir.file("server.pem"), "--key", dir.file("server.key"),
                                         "--user", "scheduler", "--password", "right"], in: dir, name: "tls")
        defer { tls.stop() }
        let wrong = try #require(Self.mailChannel(Self.emailSettings(port: tls.port, security: .tls, caFile: dir.file("ca.pem"), login: true)))
        do throws(DeliveryError) {
            _ = try await wrong.send(Self.message())
            Issue.record("a wrong password delivered")
        } catch {
            #expect(error.kind == .permanent)
            #expect(error.message.contains("535"))
            #expect(!error.message.contains("mail-pass-123"))
        }
        // A certificate nobody vouches for (the system's roots, not the test CA): refused.
        let untrusted = try #require(Self.mailChannel(Self.emailSettings(port: tls.port, security: .tls, caFile: nil, login: true)))
        do throws(DeliveryError) {
            _ = try await untrusted.send(Self.message())
            Issue.record("an untrusted certificate was accepted")
        } catch {
            #expect(error.kind == .permanent, "\(error)")
        }
    }
}
