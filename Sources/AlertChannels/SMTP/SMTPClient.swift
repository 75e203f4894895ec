import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Scheduling

/// Sends one message to an SMTP submission server (RFC 5321, 3207 STARTTLS, 4954 AUTH) over
/// SwiftNIO and swift-nio-ssl: greeting, EHLO, STARTTLS (and EHLO again) or TLS from the first
/// byte, AUTH PLAIN or LOGIN, MAIL FROM, RCPT TO per recipient, DATA, QUIT. No pipelining,
/// no shell-out. The whole conversation has one deadline.
public struct SMTPClient: Sendable {
    public let settings: EmailSettings
    /// The name this host gives in EHLO.
    public let clientName: String
    public let timeoutSeconds: Int

    public init(settings: EmailSettings, clientName: String, timeoutSeconds: Int) {
        self.settings = settings
        self.clientName = clientName.isEmpty ? "localhost" : clientName
        self.timeoutSeconds = timeoutSeconds
    }

    /// Delivers `message` (the DATA part, dot-stuffed, CRLF) to every recipient; returns the
    /// server's answer to the end of DATA (`250 2.0.0 Ok: queued as ...`).
    public func send(_ message: [UInt8]) async throws -> SMTPReply {
        let context = try makeTLSContext()
        let deadline = timeoutSeconds
        return try await withThrowingTaskGroup(of: SMTPReply.self) { group in
            group.addTask { try await self.converse(message, tls: context) }
            group.addTask {
                try await Task.sleep(for: .seconds(deadline))
                throw SMTPTimeout(seconds: deadline)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw SMTPTimeout(seconds: deadline) }
            return first
        }
    }

    private func makeTLSContext() throws -> NIOSSLContext? {
        guard settings.security != .none else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile { configuration.trustRoots = .file(caFile) }
        return try NIOSSLContext(configuration: configuration)
    }

    /// SNI and certificate name: the host, unless it is an IP address (then the chain is still verified).
    private var serverHostname: String? {
        let host = settings.host
        let isIP = host.contains(":") || host.split(separator: ".").allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        return isIP ? nil : host
    }

    private func converse(_ message: [UInt8], tls: NIOSSLContext?) async throws -> SMTPReply {
        let implicitTLS = settings.security == .tls ? tls : nil
        let hostname = serverHostname
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(timeoutSeconds)))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: implicitTLS, serverHostname: hostname))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let session = SMTPSession(channel: channel.channel, inbound: inbound, outbound: outbound)
            return try await dialogue(session, message: message, tls: tls)
        }
    }

    private func dialogue(_ session: SMTPSession, message: [UInt8], tls: NIOSSLContext?) async throws -> SMTPReply {
        try expect(await session.readReply(), 220, "the greeting")
        var ehlo = try expect(await session.command("EHLO \(clientName)"), 250, "EHLO")
        if settings.security == .starttls, let tls {
            guard ehlo.extensions.contains("STARTTLS") else { throw SMTPFailure.noSTARTTLS }
            try expect(await session.command("STARTTLS"), 220, "STARTTLS")
            try await session.startTLS(context: tls, serverHostname: serverHostname)
            ehlo = try expect(await session.command("EHLO \(clientName)"), 250, "EHLO after STARTTLS")
        }
        if let user = settings.user, let password = settings.password?.reveal() {
            try await authenticate(session, user: user, password: password, extensions: ehlo.extensions)
        }
        try expect(await session.command("MAIL FROM:<\(settings.from)>"), 250, "MAIL FROM")
        for recipient in settings.to {
            let reply = try await session.command("RCPT TO:<\(recipient)>")
            guard reply.code == 250 || reply.code == 251 else { throw SMTPFailure.rejected(command: "RCPT TO:<\(recipient)>", reply: reply) }
        }
        try expect(await session.command("DATA"), 354, "DATA")
        let accepted = try expect(await session.data(message), 250, "the message")
        _ = try? await session.command("QUIT")
        return accepted
    }

    private func authenticate(_ session: SMTPSession, user: String, password: String, extensions: [String]) async throws {
        let mechanisms = extensions.first { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }?
            .dropFirst(5).split(separator: " ").map(String.init) ?? []
        if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
            let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try expect(await session.command("AUTH PLAIN \(token)", shown: "AUTH PLAIN <hidden>"), 235, "AUTH PLAIN")
            return
        }
        try expect(await session.command("AUTH LOGIN"), 334, "AUTH LOGIN")
        try expect(await session.command(Data(user.utf8).base64EncodedString(), shown: "<user>"), 334, "AUTH LOGIN user")
        try expect(await session.command(Data(password.utf8).base64EncodedString(), shown: "<hidden>"), 235, "AUTH LOGIN password")
    }

    @discardableResult
    private func expect(_ reply: SMTPReply, _ code: Int, _ what: String) throws -> SMTPReply {
        guard reply.code == code else { throw SMTPFailure.rejected(command: what, reply: reply) }
        return reply
    }
}

/// The conversation did not finish within the channel's `timeout_seconds`.
struct SMTPTimeout: Error, CustomStringConvertible {
    let seconds: Int
    var description: String { "no answer within \(seconds)s" }
}
