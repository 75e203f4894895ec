import ControlProtocol
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The control socket: a Unix stream socket speaking JSON lines (docs/control-protocol.md).
///
/// One channel per connection on NIO's event loops; requests of a connection are answered
/// in order, one at a time; at most `ProtocolLimits.maxConnections` connections, each closed
/// after `idleTimeoutSeconds` of silence; a client that stops reading stops being read.
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
        let connections = NIOLockedValueBox(0)
        let groupID = controlGroup.flatMap(Authorization.groupID(named:))
        if let controlGroup, groupID == nil {
            logger.warning("control_group \(controlGroup) does not exist on this system: only root and the daemon's user may change tasks (create it: groupadd \(controlGroup))")
        }
        let authorization = Authorization(daemonUID: getuid(), controlGroupID: groupID)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 128)
            .childChannelInitializer { channel in
                let admitted = connections.withLockedValue { count -> Bool in
                    guard count < ProtocolLimits.maxConnections else { return false }
                    count += 1
                    return true
                }
                guard admitted else {
                    // The channel is not registered yet here: a write would never complete (and the
                    // connection would hang, its fd leaked). Answer once it is active instead.
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(TurnAwayHandler())
                    }
                }
                channel.closeFuture.whenComplete { _ in connections.withLockedValue { $0 -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(readTimeout: .seconds(Int64(ProtocolLimits.idleTimeoutSeconds))))
                    try channel.pipeline.syncOperations.addHandler(
                        ControlConnectionHandler(daemon: daemon, authorization: authorization, logger: logger))
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

    func close() {
        channel.close(promise: nil)
        if !activated { unlink(path) }
    }
}

/// Answers a connection over the limit with `busy` and closes it.
private final class TurnAwayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        let line = ResponseEncoder.failure(id: nil, code: .busy,
                                           message: "too many connections (\(ProtocolLimits.maxConnections)); try again")
        let channel = context.channel
        context.writeAndFlush(NIOAny(ByteBuffer(bytes: line))).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // whatever it sent is not read
}
