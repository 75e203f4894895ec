import CShim
import Glibc
import ControlProtocol
import Logging
import NIOCore

/// One control connection: frames lines, decodes requests, checks who may change things,
/// and answers in order, one request at a time (a client cannot queue unbounded work).
final class ControlConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let daemon: Daemon
    private let authorization: Authorization
    private let logger: Logger
    private var framer = LineFramer()
    private var pending: [[UInt8]] = []
    private var busy = false
    private var closing = false
    private var peer = Authorization.Peer(pid: 0, uid: uid_t.max, gid: gid_t.max)

    init(daemon: Daemon, authorization: Authorization, logger: Logger) {
        self.daemon = daemon
        self.authorization = authorization
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        if let provider = context.channel as? SocketOptionProvider {
            let credentials: EventLoopFuture<v6_ucred> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            credentials.whenSuccess { cred in
                bound.value.peer = Authorization.Peer(pid: cred.pid, uid: cred.uid, gid: cred.gid)
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard !closing, let bytes = buffer.readBytes(length: buffer.readableBytes) else { return }
        framer.append(bytes)
        while let item = framer.next() {
            switch item {
            case .line(let line):
                pending.append(line)
            case .oversized:
                // Answer, then close: the rest of the stream cannot be trusted to be framed.
                pending.removeAll()
                closing = true
                write(ResponseEncoder.failure(id: nil, code: .requestTooLarge,
                    message: "request line over \(ProtocolLimits.maxRequestBytes) bytes; the connection is closed"), context: context)
                context.close(promise: nil)
                return
            }
        }
        processNext(context: context)
    }

    private func processNext(context: ChannelHandlerContext) {
        guard !busy, !closing, !pending.isEmpty else { return }
        let line = pending.removeFirst()
        let decoded = RequestDecoder.decode(line: line)
        if let failure = ResponseEncoder.failure(for: decoded) {
            write(failure, context: context)
            return processNext(context: context)
        }
        guard let request = decoded.request else { return processNext(context: context) }
        if request.command.isPrivileged && !authorization.mayChange(peer) {
            logger.warning("refused \(request.command) from \(peer): not root, not the daemon's user, not in the control group",
                           metadata: ["peer_uid": "\(peer.uid)", "peer_pid": "\(peer.pid)"])
            write(ResponseEncoder.failure(id: decoded.id, code: .permissionDenied,
                message: "\(request.command) needs root, the daemon's user or membership of the control group; reads (status, tasks, task, history, next, plan) are open"),
                  context: context)
            return processNext(context: context)
        }
        busy = true
        let channel = context.channel
        let send: @Sendable ([UInt8]) -> Void = { bytes in
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        }
        var peer = self.peer
        if request.command == .status { peer.mayChange = authorization.mayChange(peer) }
        let daemon = self.daemon, id = decoded.id
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.makeFutureWithTask {
            await daemon.handle(request, id: id, peer: peer, send: send)
        }.whenSuccess { response in
            let (handler, context) = bound.value
            handler.busy = false
            handler.write(response, context: context)
            handler.processNext(context: context)
        }
    }

    private func write(_ bytes: [UInt8], context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
    }

    /// A client that stops reading stops being read (its answers would pile up here).
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        context.channel.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenComplete { _ in }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent, !busy { context.close(promise: nil) }
        else { context.fireUserInboundEventTriggered(event) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
