import Foundation

/// Failures of the daemon's own machinery (not of tasks).
public enum DaemonError: Error, CustomStringConvertible {
    case system(String, Int32)
    case config(String)
    case startup(String)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .config(let message): message
        case .startup(let message): message
        }
    }
}
