import ControlClient
import ControlProtocol

/// The control protocol's request (Hummingbird has a `Request` too).
public typealias ControlRequest = ControlProtocol.Request

/// The dashboard's only way to the daemon: requests through `ControlClient`, as `v6ctl` sends
/// them, so the socket's authorization applies to the dashboard's user.
public protocol DaemonGateway: Sendable {
    /// One request and its result. `actingFor` is the signed-in user, sent as `on_behalf_of` with
    /// the changes that take it (toggles, `run_now`), for the daemon's log and the toggle's `set_by`.
    func call(_ request: Request, actingFor user: String?) async throws(ControlClientError) -> ResultPayload
    /// `run_now` with `wait` (and `with_dependents`: the tasks that run after it follow it; the
    /// events are the task's own): `update` receives each event, then the final result or the failure.
    /// It is called on the reading thread and must not block (the daemon's stream would stall).
    /// Returns a handle that stops following (the run goes on).
    func follow(task: String, force: Bool, withDependents: Bool, actingFor user: String?, update: @escaping @Sendable (FollowUpdate) -> Void) -> FollowHandle
}

/// What following a run reports.
public enum FollowUpdate: Sendable {
    case event(RunEvent)
    case finished(RunInfo)
    case failed(ControlClientError)
}

/// Stops following a run: closes the connection to the daemon.
public final class FollowHandle: Sendable {
    private let stop: @Sendable () -> Void
    public init(stop: @escaping @Sendable () -> Void) { self.stop = stop }
    public func cancel() { stop() }
}

extension DaemonGateway {
    /// A request decoded as `type`.
    func call<T: Decodable>(_ request: Request, as type: T.Type, actingFor user: String? = nil) async throws(ControlClientError) -> T {
        try ControlSession.decode(await call(request, actingFor: user), as: type)
    }
}
