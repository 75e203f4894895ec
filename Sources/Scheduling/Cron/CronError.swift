/// Why a cron expression was rejected. The message names the field, the offending text and the fix,
/// e.g. `field 5 (day of week): "8" is out of range 0-7 (0 and 7 are Sunday)`.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based field the error is about (1 minute ... 5 day of week); nil for the whole expression.
    public let field: Int?
    /// The full message, with the `field N (name): ` prefix when `field` is set.
    public let description: String

    init(field: CronField? = nil, _ message: String) {
        self.field = field?.rawValue
        if let field {
            description = "field \(field.rawValue) (\(field.label)): \(message)"
        } else {
            description = message
        }
    }

    static let fieldList = "minute hour day-of-month month day-of-week"

    static func fieldCount(_ found: Int) -> CronError {
        CronError("expected 5 fields (\(fieldList)), found \(found)")
    }

    static let empty = CronError("empty cron expression: expected 5 fields (\(fieldList))")

    static let reboot = CronError(
        "@reboot is not supported: the scheduler has no boot event "
            + "(use catch_up: true to run missed slots at start-up, or a systemd unit for boot-time jobs)")

    static func unknownMacro(_ text: String) -> CronError {
        CronError("unknown macro \"\(text)\" (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)")
    }

    static func macroWithFields(_ text: String) -> CronError {
        CronError("\"\(text)\": a macro such as @daily stands alone, without fields after it")
    }

    static func emptyElement(_ field: CronField, _ text: String) -> CronError {
        CronError(field: field, "empty list element in \"\(text)\" (remove the extra comma)")
    }

    static func notAValue(_ field: CronField, _ token: String) -> CronError {
        if token == "?" {
            return CronError(field: field, "\"?\" is Quartz syntax, not cron: write \"*\"")
        }
        let what = field.names == nil ? "is not a number" : "is not a number or a \(field.nameKind) name"
        return CronError(field: field, "\"\(token)\" \(what) (use \(field.allowed))")
    }

    static func outOfRange(_ field: CronField, _ token: String) -> CronError {
        CronError(field: field, "\"\(token)\" is out of range \(field.range)")
    }

    static func badStep(_ field: CronField, _ step: String, in element: String) -> CronError {
        CronError(field: field,
                  "step \"\(step)\" in \"\(element)\" must be a whole number from 1 to \(field.high - field.low)")
    }

    static func malformed(_ field: CronField, _ element: String, _ why: String) -> CronError {
        CronError(field: field, "\"\(element)\": \(why)")
    }

    static func backwards(_ field: CronField, _ element: String, suggestion: String) -> CronError {
        CronError(field: field,
                  "range \"\(element)\" runs backwards; cron ranges do not wrap around (write \"\(suggestion)\")")
    }

    static func neverFires(dayText: String, monthText: String) -> CronError {
        CronError(field: .dayOfMonth,
                  "\"\(dayText)\" never occurs in month \"\(monthText)\", so the expression would never fire")
    }
}
