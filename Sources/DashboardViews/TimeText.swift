import Foundation
import MarketCalendar

/// How the dashboard writes times: America/New_York with the offset always, plus an optional
/// second zone for people elsewhere (the display time zone setting).
public struct TimeText: Sendable {
    public let zone: ZoneRules
    /// The second zone's identifier (e.g. `Europe/London`), or nil for ET only.
    public let secondZone: TimeZone?
    /// The dashboard's clock, for "in 5m" and "3m ago".
    public let now: Instant

    public init(now: Instant, zone: ZoneRules = .newYork, secondZone: String? = nil) {
        self.now = now
        self.zone = zone
        self.secondZone = secondZone.flatMap { $0 == zone.identifier ? nil : TimeZone(identifier: $0) }
    }

    /// An ISO-8601 instant from the daemon.
    public func instant(_ text: String?) -> Instant? {
        text.flatMap { InstantParser.parse($0, zone: zone) }
    }

    /// `2026-11-27 09:35:00 -05:00`, and the second zone in brackets when one is set.
    public func full(_ instant: Instant) -> String {
        let local = zone.local(instant)
        return "\(local.date) \(local.time.hhmmss) \(ZoneRules.offsetString(local.offset))" + second(instant)
    }

    /// `09:35 -05:00` on the dashboard's today, else `11-27 09:35 -05:00`.
    public func short(_ instant: Instant) -> String {
        let local = zone.local(instant)
        let today = zone.local(now).date
        let day = local.date == today ? "" : (local.date.year == today.year ? String(local.date.description.dropFirst(5)) + " " : local.date.description + " ")
        return "\(day)\(local.time.hhmm) \(ZoneRules.offsetString(local.offset))" + second(instant)
    }

    /// A `<time>` element: the short text, the full one as its title, the ISO instant as `datetime`.
    public func element(_ text: String?) -> HTML {
        guard let text, let instant = instant(text) else { return HTML(stringLiteral: "–") }
        return "<time datetime=\"\(text)\" title=\"\(full(instant))\">\(short(instant))</time>"
    }

    /// `in 4m`, `3h 2m ago`.
    public func relative(_ instant: Instant) -> String {
        let delta = instant - now
        let words = TimeText.span(abs(delta))
        return delta >= 0 ? "in \(words)" : "\(words) ago"
    }

    /// `5s`, `4m 10s`, `3h 2m`, `2d 4h`.
    public static func span(_ seconds: Int64) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + (seconds % 60 == 0 ? "" : " \(seconds % 60)s") }
        if seconds < 86_400 { return "\(seconds / 3600)h" + (seconds % 3600 / 60 == 0 ? "" : " \(seconds % 3600 / 60)m") }
        return "\(seconds / 86_400)d" + (seconds % 86_400 / 3600 == 0 ? "" : " \(seconds % 86_400 / 3600)h")
    }

    /// `412 ms`, `3.0 s`, `4m 10s`.
    public static func duration(ms: Int64?) -> String {
        guard let ms else { return "–" }
        if ms < 1000 { return "\(ms) ms" }
        if ms < 60_000 { return String(format: "%.1f s", Double(ms) / 1000) }
        return span(ms / 1000)
    }

    /// The ET date of the dashboard's now.
    public var today: LocalDate { zone.local(now).date }

    private func second(_ instant: Instant) -> String {
        guard let secondZone else { return "" }
        let formatter = DateFormatter()
        formatter.timeZone = secondZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm zzz"
        return " (" + formatter.string(from: Date(timeIntervalSince1970: TimeInterval(instant.seconds))) + ")"
    }
}
