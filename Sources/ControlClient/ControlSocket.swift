import Foundation

/// Where the daemon's control socket is: `--socket`, else `$V6_SOCKET`, else the packaged path.
public enum ControlSocket {
    /// The path the packaged unit uses (`RuntimeDirectory=v6-scheduler`).
    public static let defaultPath = "/run/v6-scheduler/control.sock"

    /// `explicit` (a `--socket` option), else a non-empty `V6_SOCKET` in `environment`, else `defaultPath`.
    public static func path(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        explicit ?? environment["V6_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
    }
}
