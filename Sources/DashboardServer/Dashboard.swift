import ControlClient
import ControlProtocol
import DashboardViews
import Foundation
import Hummingbird
import Logging
import MarketCalendar
import NIOConcurrencyHelpers

/// The dashboard: its routes over a `DaemonGateway`, the login state, the live streams.
/// `v6-dashboard` builds one and serves `router()`; the tests drive the same router.
public final class Dashboard: Sendable {
    let gateway: any DaemonGateway
    let credentials: Credentials
    let sessions: SessionStore
    let live: LiveRuns
    let streams: StreamLimiter
    let logs: LogTail
    let clock: @Sendable () -> Int64
    let logger: Logger
    /// Whether the daemon lets this dashboard change things (`may_change` of its last status), and when asked.
    private let access = NIOLockedValueBox<(mayChange: Bool?, at: Int64)>((nil, 0))

    public init(gateway: any DaemonGateway, credentials: Credentials,
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                maxStreams: Int = Limits.maxStreams, logger: Logger = Logger(label: "v6-dashboard")) {
        self.gateway = gateway
        self.credentials = credentials
        self.sessions = SessionStore()
        self.live = LiveRuns()
        self.streams = StreamLimiter(limit: maxStreams)
        self.logs = LogTail()
        self.clock = clock
        self.logger = logger
    }

    /// Every route. Open: `/healthz`, `/assets/...`, `/login`, `/api/v1/openapi.yaml`; the rest
    /// needs a session (pages) or a bearer key (`/api/v1/`).
    public func router() -> Router<DashboardRequestContext> {
        let router = Router(context: DashboardRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: AuthMiddleware(dashboard: self))
        router.get("/healthz") { _, _ in Responses.text("ok\n") }
        addAssetRoutes(router)
        addLoginRoutes(router)
        addPageRoutes(router)
        addActionRoutes(router)
        addStreamRoutes(router)
        addLogEventRoutes(router)
        addFormRoutes(router)
        addAPIRoutes(router)
        return router
    }

    // MARK: shared by the routes

    /// The page frame's facts for this session: read-only when the user's role is, or when the
    /// daemon does not let this dashboard's user change anything.
    func pageContext(_ context: DashboardRequestContext, mayChange known: Bool? = nil) async -> PageContext {
        let session = context.session!
        let mayChange = await daemonMayChange(known)
        let flash = sessions.takeFlash(session.id)
        var reason: String? = nil
        if session.role == .readOnly {
            reason = "you are signed in as \(session.user), a read-only user."
        } else if mayChange == false {
            reason = "the daemon does not let this dashboard's user (uid \(getuid())) change anything; run v6-dashboard as a member of the scheduler's control group to enable the buttons."
        }
        return PageContext(user: session.user, readOnly: reason != nil, readOnlyReason: reason, csrf: session.csrf,
                           time: TimeText(now: Instant(seconds: clock()), secondZone: session.displayZone),
                           flash: flash?.text, flashIsError: flash?.isError ?? false)
    }

    /// The daemon's `may_change` for this dashboard: `known` from a status just fetched, else the
    /// last answer (asked again after 30 s). Nil when the daemon is unreachable or does not say.
    func daemonMayChange(_ known: Bool? = nil) async -> Bool? {
        let now = clock()
        if let known {
            access.withLockedValue { $0 = (known, now) }
            return known
        }
        let cached = access.withLockedValue { $0 }
        if cached.mayChange != nil, now - cached.at < 30 { return cached.mayChange }
        let status = try? await gateway.call(.status, as: StatusResult.self)
        access.withLockedValue { $0 = (status?.mayChange, now) }
        return status?.mayChange
    }

    /// Whether this request may change things: the caller's role, then the daemon's word.
    func mayChange(_ context: DashboardRequestContext) async -> Bool {
        let role = context.session?.role ?? context.apiCaller?.role ?? .readOnly
        guard role == .operator_ else { return false }
        return await daemonMayChange() != false
    }

    /// Who the daemon's audit should name for a change from this request.
    func actor(_ context: DashboardRequestContext) -> String {
        if let session = context.session { return session.user == "token" ? "dashboard" : session.user }
        if let caller = context.apiCaller { return "api:\(caller.name)" }
        return "dashboard"
    }

    /// The page for a failed call: 503 when the daemon is unreachable, 404 for an unknown task or run.
    func problemPage(_ failure: any Error, context: PageContext?) -> Response {
        let error = failure as? ControlClientError ?? ControlClientError(.failed, "\(failure)")
        switch error.reason {
        case .unreachable, .accessDenied:
            return Responses.html(Layout.problem("Daemon unreachable", message: error.message,
                hint: "The dashboard shows the scheduler again as soon as the daemon answers; reload this page.", context: context),
                status: .serviceUnavailable)
        case .refused(let protocolError) where protocolError.code == .unknownTask || protocolError.code == .notFound:
            return Responses.html(Layout.problem("Not found", message: protocolError.message, hint: nil, context: context), status: .notFound)
        default:
            return Responses.html(Layout.problem("The daemon said no", message: error.message, hint: nil, context: context), status: .badGateway)
        }
    }

    func flash(_ context: DashboardRequestContext, _ text: String, error: Bool = false) {
        guard let id = context.session?.id else { return }
        sessions.update(id) { $0.flash = (text, error) }
    }
}
