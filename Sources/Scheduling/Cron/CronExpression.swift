import MarketCalendar

/// PLACEHOLDER (to be replaced): a 5-field cron expression evaluated on ET wall time.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public var description: String { source }

    public init(parsing text: String) throws {
        source = text
    }

    /// Whether the day-of-month, month and day-of-week fields select `date` (Vixie OR rule).
    public func matches(_ date: LocalDate) -> Bool { true }

    /// Every hour:minute the expression selects within a day, ascending.
    public var times: [TimeOfDay] { [] }
}
