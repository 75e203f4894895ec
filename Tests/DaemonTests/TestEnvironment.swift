// Environment helpers for the notify tests. The notify socket itself is TestSupport's
// NotifySocketListener (it keeps each sender's pid, so only this process's datagrams count).
import Foundation
import Glibc

/// Runs `body` with environment variables set (nil: unset), restoring the old values after.
/// Process-wide: callers must be in a `.serialized` suite.
@discardableResult
func withEnvironment<T>(_ values: [String: String?], _ body: () throws -> T) rethrows -> T {
    var saved: [String: String?] = [:]
    for (name, value) in values {
        saved[name] = getenv(name).map { String(cString: $0) }
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try body()
}
