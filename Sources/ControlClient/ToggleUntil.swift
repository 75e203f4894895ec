import MarketCalendar

/// The words a person gives for when a toggle lapses (`today`, `next-session`, a date, a time),
/// resolved to the ET instant with offset the protocol wants. Shared by `v6ctl` and the dashboard.
public enum ToggleUntil {
    /// `today`: midnight ET tonight; `next-session`: the start (midnight ET) of the next NYSE
    /// session's day; `YYYY-MM-DD`: midnight ET starting that date; `YYYY-MM-DDTHH:MM`: then (ET).
    public static func resolve(_ text: String, now: Instant, calendar: NYSECalendar = NYSECalendar()) throws(ControlClientError) -> String {
        let zone = calendar.zone
        let today = zone.local(now).date
        let instant: Instant?
        switch text {
        case "today": instant = zone.startOfDay(today.adding(days: 1))
        case "next-session": instant = calendar.nextSession(after: today).map { zone.startOfDay($0.date) }
        default:
            guard text.count == 10 || text.count >= 16 else { instant = nil; break }
            instant = InstantParser.parse(text, zone: zone)
        }
        guard let instant else {
            throw ControlClientError(.badArgument, "until: '\(text)' is not today, next-session, YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        }
        guard instant > now else { throw ControlClientError(.badArgument, "until: \(zone.iso8601(instant)) is in the past") }
        return zone.iso8601(instant)
    }
}
