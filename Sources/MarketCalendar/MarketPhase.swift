/// Where the market stands at an instant.
public enum MarketPhase: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// [04:00, open) on a trading day.
    case preMarket = "pre_market"
    /// [open, close).
    case marketOpen = "market_open"
    /// [close, close + 4 h).
    case afterHours = "after_hours"
    /// Any other time, and all day on a day without a session.
    case closed

    public var description: String { rawValue }

    public static let preMarketStart = TimeOfDay(seconds: 4 * 3600)
    public static let afterHoursLength: Int64 = 4 * 3600
}

/// The phase at an instant, when it ends, and what follows.
public struct PhaseInfo: Sendable, Equatable {
    public let phase: MarketPhase
    /// When this phase began (nil when it began before the ten-year search horizon).
    public let start: Instant?
    public let end: Instant
    public let next: MarketPhase
}

extension NYSECalendar {
    /// The bounds of each non-closed phase of a session.
    public func preMarketStart(_ session: Session) -> Instant {
        zone.instant(date: session.date, time: MarketPhase.preMarketStart)
    }

    public func afterHoursEnd(_ session: Session) -> Instant {
        session.close + MarketPhase.afterHoursLength
    }

    public func phase(at instant: Instant) -> PhaseInfo {
        let today = zone.local(instant).date
        if let s = session(on: today) {
            let pre = preMarketStart(s), ahEnd = afterHoursEnd(s)
            if instant >= pre && instant < s.open { return PhaseInfo(phase: .preMarket, start: pre, end: s.open, next: .marketOpen) }
            if instant >= s.open && instant < s.close { return PhaseInfo(phase: .marketOpen, start: s.open, end: s.close, next: .afterHours) }
            if instant >= s.close && instant < ahEnd { return PhaseInfo(phase: .afterHours, start: s.close, end: ahEnd, next: .closed) }
            if instant < pre {
                let start = previousSession(before: today).map(afterHoursEnd)
                return PhaseInfo(phase: .closed, start: start, end: pre, next: .preMarket)
            }
            let end = nextSession(after: today).map(preMarketStart) ?? Instant(seconds: .max)
            return PhaseInfo(phase: .closed, start: ahEnd, end: end, next: .preMarket)
        }
        let start = previousSession(before: today).map(afterHoursEnd)
        let end = nextSession(after: today).map(preMarketStart) ?? Instant(seconds: .max)
        return PhaseInfo(phase: .closed, start: start, end: end, next: .preMarket)
    }
}
