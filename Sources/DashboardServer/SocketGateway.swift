import ControlClient
import ControlProtocol
import Foundation
import NIOConcurrencyHelpers

/// `DaemonGateway` over the control socket. Each call is one blocking `ControlSession.call` on a
/// queue of its own (never on the event loop), at most `maxInFlight` at once (the daemon takes
/// 64 connections); each run followed has its own thread, which only appends to memory. The
/// signed-in user goes to the daemon as `on_behalf_of` of each change, for its log and audit.
public final class SocketGateway: DaemonGateway {
    public let socketPath: String
    let timeoutSeconds: Int
    private let queue = DispatchQueue(label: "v6-dashboard.control", attributes: .concurrent)
    private let slots: DispatchSemaphore

    public init(socketPath: String, timeoutSeconds: Int = 10, maxInFlight: Int = 16) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
        self.slots = DispatchSemaphore(value: maxInFlight)
    }

    public func call(_ request: Request, actingFor user: String?) async throws(ControlClientError) -> ResultPayload {
        let path = socketPath, timeout = timeoutSeconds, slots = self.slots
        let result: Result<ResultPayload, ControlClientError> = await withCheckedContinuation { continuation in
            queue.async {
                slots.wait()
                defer { slots.signal() }
                continuation.resume(returning: Result { () throws(ControlClientError) in
                    try ControlSession.call(request, path: path, timeoutSeconds: timeout, onBehalfOf: user)
                })
            }
        }
        return try result.get()
    }

    public func follow(task: String, force: Bool, withDependents: Bool, actingFor user: String?, update: @escaping @Sendable (FollowUpdate) -> Void) -> FollowHandle {
        let connection = NIOLockedValueBox<ControlConnection?>(nil)
        let cancelled = NIOLockedValueBox(false)
        let path = socketPath, timeout = timeoutSeconds
        let thread = Thread {
            do {
                let payload = try ControlSession.call(.runNow(task: task, force: force, wait: true, withDependents: withDependents),
                                                      path: path, timeoutSeconds: timeout, onBehalfOf: user,
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
