import MarketCalendar

/// A runtime enable/disable of a task, set with `v6ctl enable|disable`.
///
/// A toggle outranks the environment and the YAML until it is cleared, or until `until` passes
/// (a disable "for the rest of the day" lapses on its own).
public struct Toggle: Sendable, Hashable {
    public var task: String
    public var enabled: Bool
    /// When the toggle lapses; nil: until cleared.
    public var until: Instant?
    public var setAt: Instant
    /// Who set it, e.g. `uid 1000 pid 4242`.
    public var setBy: String

    public init(task: String, enabled: Bool, until: Instant? = nil, setAt: Instant, setBy: String) {
        self.task = task
        self.enabled = enabled
        self.until = until
        self.setAt = setAt
        self.setBy = setBy
    }

    /// True once `until` has come: from then on the toggle no longer counts.
    public func isLapsed(at now: Instant) -> Bool {
        guard let until else { return false }
        return now >= until
    }
}
