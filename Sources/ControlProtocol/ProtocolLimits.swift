/// The numbers both sides of the control socket agree on (documented in docs/control-protocol.md).
public enum ProtocolLimits {
    /// Longest request line, in bytes, not counting its newline. Longer: `request_too_large`, then the
    /// daemon closes the connection.
    public static let maxRequestBytes = 65_536
    /// Longest response line a client should accept (histories with output tails are long).
    public static let maxResponseBytes = 16 * 1024 * 1024
    /// The daemon closes a connection that sends nothing for this long while no request is in flight.
    public static let idleTimeoutSeconds = 30
    /// At most this many connections at once; further ones are accepted and closed at once.
    public static let maxConnections = 64
    /// JSON nested deeper than this is `invalid_json` (requests are flat; this bounds the parser).
    public static let maxNestingDepth = 64
    /// Largest `limit` accepted by `history`, `next` and `tasks`.
    public static let maxListLimit = 10_000
    /// Largest `offset` accepted by `tasks`.
    public static let maxListOffset = 1_000_000_000
    /// `status` lists at most this many of the tasks that need attention (`task_counts.attention`
    /// says how many there are; `tasks` with the filter `attention` pages through all of them).
    public static let statusAttentionLimit = 100
}
