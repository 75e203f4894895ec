import MarketCalendar

/// `--phase` of `v6ctl gate`: a task window (the YAML's `market_phase`), `closed`, or `any`.
public enum GatePhase: String, Sendable, CaseIterable {
    case preMarket = "pre_market", marketOpen = "market_open", afterHours = "after_hours"
    case extended, closed, any

    /// The task window this phase names; nil for `closed` (the market phase, not a window) and `any`.
    public var window: Window? {
        switch self {
        case .preMarket: .preMarket
        case .marketOpen: .marketOpen
        case .afterHours: .afterHours
        case .extended: .extended
        case .closed, .any: nil
        }
    }

    /// The phase that stands for a task's `market_phase` window.
    public init(window: Window) {
        switch window {
        case .preMarket: self = .preMarket
        case .marketOpen: self = .marketOpen
        case .afterHours: self = .afterHours
        case .extended: self = .extended
        case .any: self = .any
        }
    }
}
