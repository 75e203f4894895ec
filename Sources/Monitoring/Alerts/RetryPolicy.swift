import Foundation

/// When a failed delivery is tried again: `retries` more times, waiting `backoff × 2^(n-1)`
/// (capped at 5 minutes) before the n-th retry, or what a 429's `Retry-After` asks for (capped
/// at 10 minutes: a longer wait is a give-up).
public struct RetryPolicy: Sendable, Equatable {
    public static let maxBackoffSeconds = 300.0
    public static let maxRetryAfterSeconds = 600.0

    public let retries: Int
    public let backoffSeconds: Double

    public init(retries: Int, backoffSeconds: Double) {
        self.retries = retries
        self.backoffSeconds = backoffSeconds
    }

    /// Seconds to wait before retry number `retry` (1-based), or nil when the retries are used up
    /// or the server asks for a wait longer than `maxRetryAfterSeconds`.
    public func delay(beforeRetry retry: Int, retryAfter: Double?) -> Double? {
        guard retry <= retries else { return nil }
        if let retryAfter {
            return retryAfter <= Self.maxRetryAfterSeconds ? max(0, retryAfter) : nil
        }
        return min(Self.maxBackoffSeconds, backoffSeconds * Double(1 << min(retry - 1, 20)))
    }

    /// `Retry-After` as seconds from `now`: delta-seconds (`120`) or an HTTP-date
    /// (`Wed, 21 Oct 2015 07:28:00 GMT`). Nil when absent or unreadable.
    public static func retryAfter(_ header: String?, now: Date) -> Double? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int(text) { return Double(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
