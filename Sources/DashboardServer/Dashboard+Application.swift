import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

extension Dashboard {
    /// The HTTP/1.1 server: bounded header lines, idle connections closed after a minute.
    /// `onListening` gets the bound port (the one asked for, or the kernel's pick for 0).
    public func application(host: String, port: Int, logger: Logger,
                            onListening: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: Limits.maxHeaders, maxHeaderListSize: Limits.maxHeaders, maxHeaderFieldCount: 100)
        return Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: .seconds(60), httpDecoderConfiguration: decoder)),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
