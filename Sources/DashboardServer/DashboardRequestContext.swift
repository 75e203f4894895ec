import Hummingbird

/// A caller of the JSON API, by its bearer key.
public struct APICaller: Sendable {
    public let name: String
    public let role: Role
}

/// Per request: the session or API caller the auth middleware found, and a POST's form fields.
public struct DashboardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var session: Session?
    public var apiCaller: APICaller?
    /// The fields of a POSTed form (already checked for the CSRF token).
    public var form: [String: String] = [:]

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are small forms and JSON objects.
    public var maxUploadSize: Int { Limits.maxBody }
}

/// The bounds on what a client may send or hold open.
public enum Limits {
    /// Request bodies (forms, API JSON).
    public static let maxBody = 64 * 1024
    /// All request header lines together.
    public static let maxHeaders = 16 * 1024
    /// Server-sent-event streams open at once (run output, log tail), across all viewers.
    public static let maxStreams = 32
    /// Lines kept for one followed run (its page shows the last ones).
    public static let liveRunLines = 2000
    /// Events queued for one slow viewer before the oldest are dropped.
    public static let viewerBuffer = 1000
}
