import CShim
import ControlProtocol
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The control socket: a Unix stream socket speaking JSON lines (docs/control-protocol.md).
///
/// One channel per connection on NIO's event loops; requests of a connection are answered
/// in order, one at a time, and the next is read only once the answer is on its way (see
/// `ControlConnectionHandler`). Who may connect at all is `ConnectionAdmission`'s decision, made
/// from the peer's credentials before the connection is read.
final class ControlServer: Sendable {
    let path: String
    private let channel: any Channel
    private let activated: Bool

    private init(path: String, channel: any Channel, activated: Bool) {
        self.path = path
        self.channel = channel
        self.activated = activated
    }

    /// - Parameter adoptingPassedSocket: take the socket systemd passed (LISTEN_FDS) when there is
    ///   one; false for a daemon embedded in a test process, whose environment is not its own.
    static func start(socketPath: String, group controlGroup: String?, daemon: Daemon, logger: Logger,
                      adoptingPassedSocket: Bool = true) throws -> ControlServer {
        let connections = OpenConnections()
        let groupID = controlGroup.flatMap(Authorization.groupID(named:))
        if let controlGroup, groupID == nil {
            logger.warning("control_group \(controlGroup) does not exist on this system: only root and the daemon's user may change tasks (create it: groupadd \(controlGroup))")
        }
        let authorization = Authorization(daemonUID: getuid(), controlGroupID: groupID)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 128)
            // EOF on the read side (`echo ... | socat`, shutdown(SHUT_WR)) must not close the
            // connection before the requests already sent are answered.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // What may wait unread by the client before the connection stops being read (and
            // `run_now` output events are dropped): enough for a reader that keeps up.
            .childChannelOption(.writeBufferWaterMark,
                                value: .init(low: ProtocolLimits.unreadAnswerBytes / 4, high: ProtocolLimits.unreadAnswerBytes))
            .childChannelInitializer { channel in
                // Before anything is read: who is it, and may it stay?
                let credentials: EventLoopFuture<v6_ucred>
                if let provider = channel as? SocketOptionProvider {
                    credentials = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
                } else {
                    credentials = channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
                }
                return credentials.flatMapThrowing { cred in
                    let peer = Authorization.Peer(pid: cred.pid, uid: cred.uid, gid: cred.gid)
                    let decision = connections.admit(uid: peer.uid, privileged: authorization.mayChange(peer))
                    guard case .admitted = decision else {
                        if case .refused(let message) = decision {
                            // The channel is not registered yet here: a write would never complete (and the
                            // connection would hang, its fd leaked). Answer once it is active instead.
                            try channel.pipeline.syncOperations.addHandler(TurnAwayHandler(message: message))
                        }
                        return
                    }
                    channel.closeFuture.whenComplete { _ in connections.release(uid: peer.uid) }
                    try channel.pipeline.syncOperations.addHandler(
                        ControlConnectionHandler(daemon: daemon, authorization: authorization, peer: peer, logger: logger))
                }
            }
        if adoptingPassedSocket, let fd = try ListenFDs.unixSocket() {
            let channel = try bootstrap.withBoundSocket(fd).wait()
            logger.info("control socket passed by systemd (fd \(fd))")
            return ControlServer(path: socketPath, channel: channel, activated: true)
        }
        try prepareSocketPath(socketPath)
        let channel = try bootstrap.bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true).wait()
        // Created under the umask: open it to the control group (or only the owner without one).
        chmod(socketPath, 0o660)
        if let groupID { chown(socketPath, uid_t.max, groupID) }  // uid -1: keep the owner
        return ControlServer(path: socketPath, channel: channel, activated: false)
    }

    /// Creates the socket's folder, and refuses to take over the socket of a live daemon.
    private static func prepareSocketPath(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        guard FileManager.default.fileExists(atPath: path) else { return }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(probe) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 {
            throw DaemonError.startup("another v6-scheduler is already listening on \(path); stop it first (systemctl stop v6-scheduler)")
        }
    }

    /// Stops accepting connections (the socket file goes, unless systemd owns it).
    func close() {
        channel.close(promise: nil)
        if !activated { unlink(path) }
    }
}

/// The admitted connections' counts, shared by the event loops.
private final class OpenConnections: Sendable {
    private let admission = NIOLockedValueBox(ConnectionAdmission())

    func admit(uid: uid_t, privileged: Bool) -> ConnectionAdmission.Decision {
        admission.withLockedValue { $0.admit(uid: uid, privileged: privileged) }
    }

    func release(uid: uid_t) {
        admission.withLockedValue { $0.release(uid: uid) }
    }
}

/// Answers a connection over a limit with `busy` (saying which limit) and closes it.
private final class TurnAwayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let message: String

    init(message: String) { self.message = message }

    func channelActive(context: ChannelHandlerContext) {
        let line = ResponseEncoder.failure(id: nil, code: .busy, message: message)
        let channel = context.channel
        context.writeAndFlush(NIOAny(ByteBuffer(bytes: line))).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // whatever it sent is not read
}
