import ControlProtocol

/// Why a control-socket call failed, with one line for people that names the fix.
///
/// `v6ctl` turns `reason` into its exit code; the dashboard into an HTTP status.
public struct ControlClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No daemon there: the socket is missing, refuses, times out or hangs up.
        case unreachable
        /// The socket file exists but this user may not connect to it.
        case accessDenied
        /// The caller gave an unusable argument (a socket path too long for `sun_path`).
        case badArgument
        /// The daemon answered with an error.
        case refused(ProtocolError)
        /// The daemon's answer could not be understood (a version mismatch or a bug).
        case invalidResponse
        /// Anything else local (`socket()` failed).
        case failed
    }

    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }

    /// The daemon's error, when it answered with one.
    public var protocolError: ProtocolError? {
        if case .refused(let error) = reason { return error }
        return nil
    }

    /// True when the daemon could not be reached at all (as opposed to answering badly).
    public var isUnreachable: Bool { reason == .unreachable }
}
