/// The numbers both sides of the control socket agree on (documented in docs/control-protocol.md,
/// "Limits").
public enum ProtocolLimits {
    /// Longest request line, in bytes, not counting its newline. Longer: `request_too_large`, then the
    /// daemon closes the connection.
    public static let maxRequestBytes = 65_536
    /// Longest response line a client should accept. The daemon's answers stay below it: a history
    /// page stops at `maxHistoryPageBytes`, plus at most one run.
    public static let maxResponseBytes = 16 * 1024 * 1024
    /// A `history` answer stops adding runs once the runs written reach this many bytes (it always
    /// holds at least one run); `next_cursor` then tells where the next page starts.
    public static let maxHistoryPageBytes = 4 * 1024 * 1024
    /// The daemon closes a connection that sends nothing for this long while no request is in flight.
    public static let idleTimeoutSeconds = 30
    /// A request line must be complete this long after its first byte arrived, or the daemon answers
    /// `request_timeout` and closes the connection (a byte now and then does not keep a line open).
    public static let lineDeadlineSeconds = 10
    /// Bytes of answers (and events) a client may leave unread before the daemon stops reading its
    /// connection (one request is in flight per connection; the next is read once its answer is
    /// written and less than this waits), and drops `run_now` output events for it until it has
    /// read three quarters of them.
    public static let unreadAnswerBytes = 1024 * 1024
    /// At most this many connections at once; further ones are answered `busy` and closed at once.
    public static let maxConnections = 64
    /// At most this many connections at once from one uid (root's included).
    public static let maxConnectionsPerUID = 16
    /// Of `maxConnections`, this many are kept for peers that may change things (uid 0, the daemon's
    /// uid, members of `control_group`): others are turned away once only these are left.
    public static let reservedPrivilegedConnections = 8
    /// JSON nested deeper than this is `invalid_json` (requests are flat; this bounds the parser).
    public static let maxNestingDepth = 64
    /// Largest `limit` accepted by `history`, `next` and `tasks`.
    public static let maxListLimit = 10_000
    /// Most `settings` in one configuration edit.
    public static let maxSettings = 64
    /// Longest `on_behalf_of` (a person's name as a client such as the dashboard knows it).
    public static let maxOnBehalfOfLength = 128
    /// Longest `revision`.
    public static let maxRevisionLength = 64
    /// Largest `offset` accepted by `tasks`.
    public static let maxListOffset = 1_000_000_000
    /// `status` lists at most this many of the tasks that need attention (`task_counts.attention`
    /// says how many there are; `tasks` with the filter `attention` pages through all of them).
    public static let statusAttentionLimit = 100
}
