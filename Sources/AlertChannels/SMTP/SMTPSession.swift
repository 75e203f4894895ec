import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP conversation over a NIO channel: replies are read line by line from the inbound
/// stream, commands written one at a time (no pipelining). STARTTLS puts a TLS handler in
/// front of the pipeline in the middle of the conversation.
final class SMTPSession {
    private let channel: any Channel
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer: [UInt8] = []
    private var parser = SMTPReplyParser()
    /// The conversation so far, for error messages (commands only; AUTH arguments hidden).
    private(set) var transcript: [String] = []

    /// Lines longer than this (RFC 5321 allows 512 for replies) end the conversation.
    static let maxLineBytes = 4096

    init(channel: any Channel, inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.channel = channel
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// The next complete reply.
    func readReply() async throws -> SMTPReply {
        while true {
            while let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == 0x0D { line.removeLast() }
                if let reply = try parser.feed(String(decoding: line, as: UTF8.self)) {
                    transcript.append("S: \(reply)")
                    return reply
                }
            }
            guard buffer.count <= Self.maxLineBytes else { throw SMTPFailure.protocolError("a reply line over \(Self.maxLineBytes) bytes") }
            guard let chunk = try await inbound.next() else { throw SMTPFailure.connectionClosed(transcript.last) }
            buffer += chunk.readableBytesView
        }
    }

    /// Sends `line` and CRLF, then reads the reply. `shown` is what the transcript records.
    func command(_ line: String, shown: String? = nil) async throws -> SMTPReply {
        transcript.append("C: " + (shown ?? line))
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await readReply()
    }

    /// Writes raw bytes (the message of DATA), then reads the reply.
    func data(_ bytes: [UInt8]) async throws -> SMTPReply {
        transcript.append("C: <message, \(bytes.count) bytes> .")
        try await outbound.write(ByteBuffer(bytes: bytes + Array(".\r\n".utf8)))
        return try await readReply()
    }

    /// Starts TLS on the open connection (after the server's 220 to STARTTLS).
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws {
        guard buffer.isEmpty else { throw SMTPFailure.protocolError("the server sent data after its STARTTLS answer") }
        let handler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
        try await channel.pipeline.addHandler(handler, position: .first)
    }
}

/// What went wrong in an SMTP conversation.
enum SMTPFailure: Error, CustomStringConvertible {
    /// The server answered 4xx (`transient`) or 5xx to `command`.
    case rejected(command: String, reply: SMTPReply)
    case connectionClosed(String?)
    case protocolError(String)
    case noSTARTTLS

    var description: String {
        switch self {
        case .rejected(let command, let reply): "the server answered \(reply) to \(command)"
        case .connectionClosed(let last): "the server closed the connection" + (last.map { " (after \($0))" } ?? "")
        case .protocolError(let what): "SMTP protocol error: \(what)"
        case .noSTARTTLS: "the server does not offer STARTTLS (security: starttls refuses to send in clear text; use tls or a server that offers it)"
        }
    }
}

extension SMTPReplyParser.Failure: CustomStringConvertible {
    var description: String {
        switch self {
        case .malformed(let line): "SMTP protocol error: not a reply line: \"\(line)\""
        }
    }
}
