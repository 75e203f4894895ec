import ControlProtocol
import Logging
import NIOCore

/// One control connection: frames lines, decodes requests, checks who may change things,
/// and answers in order, one request at a time.
///
/// What a client sends costs the daemon a bounded amount, whatever it sends and whether it reads
/// or not (docs/control-protocol.md, "Limits"):
/// - Back-pressure: the socket is read only while no request is in flight, no complete line waits
///   in the framer, and the answers written so far have left (the channel is writable). The rest
///   waits in the kernel's socket buffers, then in the client's `send`.
/// - A line must be complete `lineDeadlineSeconds` after it started; an idle connection is closed
///   after `idleTimeoutSeconds`. Neither runs while a request is in flight.
/// - EOF on the read side (a half-close) is not the end: the lines received are answered, then the
///   connection is closed.
/// - When the connection goes away, the request in flight is cancelled (if it has not reached the
///   daemon yet) and nothing more is read or answered.
final class ControlConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Timer { case idle, line }

    private let daemon: Daemon
    private let authorization: Authorization
    private let peer: Authorization.Peer
    private let logger: Logger
    private var framer = LineFramer()
    private var inFlight: Task<Void, Never>?
    /// The client sent EOF: answer what it sent, then close.
    private var inputClosed = false
    /// Closing or closed: nothing more is read, decoded or answered.
    private var closing = false
    /// NIO asked to read while we did not want to: read once we do.
    private var readHeld = false
    private var timer: (kind: Timer, task: Scheduled<Void>)?
    /// Completes when the last answer written so far has been handed to the socket.
    private var lastWrite: EventLoopFuture<Void>?

    init(daemon: Daemon, authorization: Authorization, peer: Authorization.Peer, logger: Logger) {
        self.daemon = daemon
        self.authorization = authorization
        self.peer = peer
        self.logger = logger
    }

    // MARK: - Events

    func channelActive(context: ChannelHandlerContext) {
        arm(.idle, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !closing else { return }
        buffer.withUnsafeReadableBytes { framer.append($0) }
        pump(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            inputClosed = true
            pump(context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        pump(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        // Not yet on the daemon's actor: it will see the cancellation and do nothing.
        inFlight?.cancel()
        inFlight = nil
        framer = LineFramer()
        timer?.task.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closing = true
        context.close(promise: nil)
    }

    /// Back-pressure: NIO's request to read more is held while this connection has enough to do.
    func read(context: ChannelHandlerContext) {
        if wantsInput(context: context) {
            context.read()
        } else {
            readHeld = true
        }
    }

    // MARK: - Requests

    private func wantsInput(context: ChannelHandlerContext) -> Bool {
        !closing && !inputClosed && inFlight == nil && context.channel.isWritable
    }

    /// Answers the complete lines received, one at a time, while the client keeps up; then reads
    /// more, or finishes a half-closed connection.
    private func pump(context: ChannelHandlerContext) {
        while !closing, inFlight == nil, context.channel.isWritable {
            guard let item = framer.next() ?? (inputClosed ? framer.finish() : nil) else { break }
            switch item {
            case .line(let line):
                disarm()
                handle(line, context: context)
            case .oversized:
                // Answer, then close: the rest of the stream cannot be trusted to be framed.
                finish(with: ResponseEncoder.failure(id: nil, code: .requestTooLarge,
                    message: "request line over \(ProtocolLimits.maxRequestBytes) bytes; the connection is closed"), context: context)
            }
        }
        guard !closing, inFlight == nil else { return }
        if inputClosed {
            // Everything sent has been answered (or is being written): done.
            if framer.pendingByteCount == 0 { finish(with: nil, context: context) }
            return
        }
        arm(framer.pendingByteCount > 0 ? .line : .idle, context: context)
        if readHeld, wantsInput(context: context) {
            readHeld = false
            context.read()
        }
    }

    /// Decodes one line and answers it, at once (errors) or from the daemon.
    private func handle(_ line: [UInt8], context: ChannelHandlerContext) {
        let decoded = RequestDecoder.decode(line: line)
        if let failure = ResponseEncoder.failure(for: decoded) {
            daemon.metrics.controlResponse(command: "invalid", failure)
            return write(failure, context: context)
        }
        guard let request = decoded.request else { return }
        if request.command.isPrivileged && !authorization.mayChange(peer) {
            logger.warning("refused \(request.command) from \(peer): not root, not the daemon's user, not in the control group",
                           metadata: ["peer_uid": "\(peer.uid)", "peer_pid": "\(peer.pid)"])
            daemon.metrics.controlRequest(command: request.command.rawValue, result: ErrorCode.permissionDenied.rawValue)
            return write(ResponseEncoder.failure(id: decoded.id, code: .permissionDenied,
                message: "\(request.command) needs root, the daemon's user or membership of the control group; reads (status, tasks, task, history, next, plan, metrics, config_show, audit) are open"),
                         context: context)
        }
        disarm()
        let promise = context.eventLoop.makePromise(of: [UInt8]?.self)
        let send = Self.eventSender(context.channel)
        var peer = self.peer
        if request.command == .status { peer.mayChange = authorization.mayChange(peer) }
        peer.onBehalfOf = decoded.onBehalfOf
        let daemon = self.daemon, id = decoded.id
        inFlight = Task {
            guard !Task.isCancelled else { return promise.succeed(nil) }
            let answer = await daemon.handle(request, id: id, peer: peer, send: send)
            daemon.metrics.controlResponse(command: request.command.rawValue, answer)
            promise.succeed(answer)
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        promise.futureResult.whenSuccess { answer in
            let (handler, context) = bound.value
            guard !handler.closing else { return }
            handler.inFlight = nil
            if let answer { handler.write(answer, context: context) }
            handler.pump(context: context)
        }
    }

    /// Streamed events (`run_now` with `wait`) from any thread. Output lines are dropped while the
    /// client leaves `unreadAnswerBytes` unread (the run goes on; other events and the final answer
    /// are never dropped), so a task's output cannot pile up in the daemon for a reader that stopped.
    private static func eventSender(_ channel: any Channel) -> EventSink {
        { bytes, droppable in
            if droppable, !channel.isWritable { return }
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        }
    }

    private func write(_ bytes: [UInt8], context: ChannelHandlerContext) {
        let written = context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)))
        lastWrite = written
    }

    /// Writes `line` (if any), then closes once everything written has left.
    private func finish(with line: [UInt8]?, context: ChannelHandlerContext) {
        closing = true
        disarm()
        if let line { write(line, context: context) }
        let channel = context.channel
        if let lastWrite {
            lastWrite.whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    // MARK: - Timers

    private func arm(_ kind: Timer, context: ChannelHandlerContext) {
        if let timer, timer.kind == kind { return }  // a line's deadline runs from its first byte
        disarm()
        let seconds = kind == .idle ? ProtocolLimits.idleTimeoutSeconds : ProtocolLimits.lineDeadlineSeconds
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let task = context.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
            let (handler, context) = bound.value
            handler.timer = nil
            handler.expired(kind, context: context)
        }
        timer = (kind, task)
    }

    private func disarm() {
        timer?.task.cancel()
        timer = nil
    }

    private func expired(_ kind: Timer, context: ChannelHandlerContext) {
        guard !closing, inFlight == nil else { return }
        switch kind {
        case .idle:
            finish(with: nil, context: context)
        case .line:
            logger.info("closed a control connection of \(peer): a request line unfinished after \(ProtocolLimits.lineDeadlineSeconds) s")
            finish(with: ResponseEncoder.failure(id: nil, code: .requestTimeout,
                message: "the request line was not complete \(ProtocolLimits.lineDeadlineSeconds) s after it began; the connection is closed"),
                   context: context)
        }
    }
}
