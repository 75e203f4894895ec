import ControlClient
import ControlProtocol
import Foundation
import Logging
import NIOConcurrencyHelpers

/// `DaemonGateway` over the control socket. Each call is one blocking `ControlSession.call` on a
/// queue of its own (never on the event loop), at most `maxInFlight` at once (the daemon takes
/// 64 connections); each run followed has its own thread, which only appends to memory.
public final class SocketGateway: DaemonGateway {
    public let socketPath: String
    let timeoutSeconds: Int
    private let queue = DispatchQueue(label: "v6-dashboard.control", attributes: .concurrent)
    private let slots: DispatchSemaphore
    private let logger: Logger

    public init(socketPath: String, timeoutSeconds: Int = 10, maxInFlight: Int = 16, logger: Logger = Logger(label: "v6-dashboard")) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
        self.slots = DispatchSemaphore(value: maxInFlight)
        self.logger = logger
    }

    public func call(_ request: Request, actingFor user: String?) async throws(ControlClientError) -> ResultPayload {
        if request.command.isPrivileged, let user {
            // The protocol has no field for the acting person yet (the run-time configuration
            // work adds one); until then the dashboard's own log keeps who asked.
            logger.notice("\(request.command) for \(user)", metadata: ["task": "\(request.taskName ?? "")"])
        }
        let path = socketPath, timeout = timeoutSeconds, slots = self.slots
        let result: Result<ResultPayload, ControlClientError> = await withCheckedContinuation { continuation in
            queue.async {
                slots.wait()
                defer { slots.signal() }
                continuation.resume(returning: Result { () throws(ControlClientError) in
                    try ControlSession.call(request, path: path, timeoutSeconds: timeout)
                })
            }
        }
        return try result.get()
    }

    public func follow(task: String, force: Bool, actingFor user: String?, update: @escaping @Sendable (FollowUpdate) -> Void) -> FollowHandle {
        if let user { logger.notice("run_now for \(user)", metadata: ["task": "\(task)"]) }
        let connection = NIOLockedValueBox<ControlConnection?>(nil)
        let cancelled = NIOLockedValueBox(false)
        let path = socketPath, timeout = timeoutSeconds
        let thread = Thread {
            do {
                let payload = try ControlSession.call(.runNow(task: task, force: force, wait: true), path: path, timeoutSeconds: timeout,
                    onConnect: { client in
                        connection.withLockedValue { $0 = client }
                        if cancelled.withLockedValue({ $0 }) { client.shutdown() }
                    },
                    onEvent: { update(.event($0)) })
                update(.finished(try ControlSession.decode(payload, as: RunInfo.self)))
            } catch let error as ControlClientError {
                update(.failed(error))
            } catch {
                update(.failed(ControlClientError(.failed, "\(error)")))
            }
        }
        thread.name = "v6-dashboard follow \(task)"
        thread.start()
        return FollowHandle {
            cancelled.withLockedValue { $0 = true }
            connection.withLockedValue { $0?.shutdown() }
        }
    }
}
