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
    /// Largest `limit` accepted by `history` and `next`.
    public static let maxListLimit = 10_000
    /// Most `settings` in one configuration edit.
    public static let maxSettings = 64
    /// Longest `on_behalf_of` (a person's name as a client such as the dashboard knows it).
    public static let maxOnBehalfOfLength = 128
    /// Longest `revision`.
    public static let maxRevisionLength = 64
}
