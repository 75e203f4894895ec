import ArgumentParser
import Foundation
import MarketCalendar

/// `v6ctl calendar ...`: the NYSE calendar, offline (no daemon needed).
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Query the NYSE calendar offline: sessions, holidays, a day, the phase now.",
        subcommands: [Sessions.self, Holidays.self, Day.self, Phase.self]
    )

    /// Years the calendar is defined for.
    static let years = 1900...2200

    static func date(_ text: String, option: String) throws -> LocalDate {
        guard let date = LocalDate(parsing: text) else {
            throw CLIError.usage("\(option): '\(text)' is not a date; use YYYY-MM-DD, e.g. 2026-11-27")
        }
        guard years.contains(date.year) else {
            throw CLIError.usage("\(option): \(text) is outside the calendar's range (years \(years.lowerBound)-\(years.upperBound))")
        }
        return date
    }

    static func today(_ calendar: NYSECalendar) -> LocalDate {
        calendar.zone.local(Instant(seconds: Int64(Date().timeIntervalSince1970))).date
    }

    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the sessions between two dates (both inclusive).",
            discussion: "csv columns: date,open,close,early_close (times HH:MM ET; early_close 0 or 1)."
        )
        @Option(help: "First date, YYYY-MM-DD.") var from: String
        @Option(help: "Last date, YYYY-MM-DD (inclusive).") var to: String
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @Flag(help: "Same as --format json.") var json = false

        func run() throws {
            let start = try CalendarCommand.date(from, option: "--from")
            let end = try CalendarCommand.date(to, option: "--to")
            guard start <= end else { throw CLIError.usage("--from \(from) is after --to \(to)") }
            let calendar = NYSECalendar()
            let sessions = calendar.sessions(from: start, through: end)
            switch json ? .json : format {
            case .csv:
                var out = "date,open,close,early_close\n"
                out.reserveCapacity(sessions.count * 26 + 32)
                for s in sessions {
                    out += "\(s.date),\(s.openTime.hhmm),\(s.closeTime.hhmm),\(s.isEarlyClose ? "1" : "0")\n"
                }
                Output.write(out)
            case .table:
                let rows = sessions.map { s in
                    [s.date.description, s.date.weekday.shortName.capitalized, s.openTime.hhmm, s.closeTime.hhmm,
                     s.earlyCloseReason.map { "early close (\($0))" } ?? ""]
                }
                Output.write(Output.table(["date", "day", "open", "close", "note"], rows))
            case .json:
                try Output.json(sessions.map { SessionJSON($0, zone: calendar.zone) })
            }
        }
    }

    struct Holidays: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every weekday of a year on which the NYSE is closed, with its name.",
            discussion: "csv columns: date,name."
        )
        @Option(help: "The year, e.g. 2027.") var year: Int
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @Flag(help: "Same as --format json.") var json = false

        func run() throws {
            guard CalendarCommand.years.contains(year) else {
                throw CLIError.usage("--year \(year) is outside the calendar's range (\(CalendarCommand.years.lowerBound)-\(CalendarCommand.years.upperBound))")
            }
            let closed = NYSECalendar().closedWeekdays(in: year)
            switch json ? .json : format {
            case .csv:
                Output.write("date,name\n" + closed.map { "\($0.date),\(Output.csvField($0.name))\n" }.joined())
            case .table:
                let rows = closed.map { [$0.date.description, $0.date.weekday.shortName.capitalized, $0.name] }
                Output.write(Output.table(["date", "day", "name"], rows))
            case .json:
                try Output.json(closed.map { ["date": $0.date.description, "name": $0.name] })
            }
        }
    }

    struct Day: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether a date (default: today in ET) is a trading day, why, and the next session."
        )
        @Argument(help: "The date, YYYY-MM-DD (default: today in ET).") var date: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let calendar = NYSECalendar()
            let day = try date.map { try CalendarCommand.date($0, option: "date") } ?? CalendarCommand.today(calendar)
            let next = calendar.nextSession(after: day)
            if json {
                try Output.json(DayJSON(day, calendar: calendar))
                return
            }
            var lines: [String] = []
            let label = "\(day) (\(day.weekday.description.capitalized))"
            switch calendar.day(day) {
            case .session(let s):
                let early = s.earlyCloseReason.map { ", early close at \(s.closeTime.hhmm) (\($0))" } ?? ""
                lines.append("\(label): trading day\(early)")
                lines.append("open:  \(calendar.zone.iso8601(s.open))")
                lines.append("close: \(calendar.zone.iso8601(s.close))")
            case .closed(_, let reason):
                lines.append("\(label): market closed, \(reason)")
            }
            if let next { lines.append("next session: \(CalendarCommand.describe(next))") }
            Output.write(lines.joined(separator: "\n") + "\n")
        }
    }

    struct Phase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the market phase at an instant (default: now), when it ends and what follows.",
            discussion: """
                Phases: pre_market [04:00, open), market_open [open, close), after_hours [close, \
                close+4h), closed otherwise and all day on non-trading days.

                --at takes an instant (2026-11-27T15:00:00Z, 2026-11-27T10:00:00-05:00) or an ET \
                wall time (2026-11-27T10:00, "2026-11-27 10:00").
                """
        )
        @Option(help: "The instant (default: now).") var at: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let calendar = NYSECalendar()
            let instant: Instant
            if let at {
                guard let parsed = InstantParser.parse(at, zone: calendar.zone) else {
                    throw CLIError.usage("--at: '\(at)' is not a date-time; use 2026-11-27T10:00 (ET) or 2026-11-27T15:00:00Z")
                }
                instant = parsed
            } else {
                instant = Instant(seconds: Int64(Date().timeIntervalSince1970))
            }
            let info = calendar.phase(at: instant)
            let zone = calendar.zone
            if json {
                try Output.json([
                    "phase": info.phase.rawValue, "at": zone.iso8601(instant),
                    "until": zone.iso8601(info.end), "next": info.next.rawValue,
                ])
                return
            }
            let day = zone.local(instant).date
            let dayNote: String
            switch calendar.day(day) {
            case .session(let s): dayNote = "trading day \(day), \(s.openTime.hhmm)-\(s.closeTime.hhmm) ET"
            case .closed(_, let reason): dayNote = "\(day) is \(reason)"
            }
            Output.write("""
                \(info.phase.rawValue) until \(zone.iso8601(info.end)) (\(Duration.words(info.end - instant))), then \(info.next.rawValue)
                at \(zone.iso8601(instant)); \(dayNote)

                """)
        }
    }

    static func describe(_ s: Session) -> String {
        let early = s.earlyCloseReason.map { ", early close (\($0))" } ?? ""
        return "\(s.date) (\(s.date.weekday.description.capitalized)) \(s.openTime.hhmm)-\(s.closeTime.hhmm) ET\(early)"
    }
}

struct SessionJSON: Encodable {
    let date: String, open: String, close: String, early_close: Bool
    let open_at: String, close_at: String, early_close_reason: String?

    init(_ s: Session, zone: ZoneRules) {
        date = s.date.description
        open = s.openTime.hhmm
        close = s.closeTime.hhmm
        early_close = s.isEarlyClose
        open_at = zone.iso8601(s.open)
        close_at = zone.iso8601(s.close)
        early_close_reason = s.earlyCloseReason
    }
}

struct DayJSON: Encodable {
    let date: String, trading_day: Bool, reason: String?, session: SessionJSON?, next_session: SessionJSON?

    init(_ date: LocalDate, calendar: NYSECalendar) {
        self.date = date.description
        let day = calendar.day(date)
        trading_day = day.session != nil
        if case .closed(_, let r) = day { reason = r.description } else { reason = nil }
        session = day.session.map { SessionJSON($0, zone: calendar.zone) }
        next_session = calendar.nextSession(after: date).map { SessionJSON($0, zone: calendar.zone) }
    }
}

/// "in 4m", "in 2h 5m", "in 3d 2h".
enum Duration {
    static func words(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "in \(s)s" }
        if s < 3600 { return "in \(s / 60)m" }
        if s < 86_400 { return s % 3600 / 60 == 0 ? "in \(s / 3600)h" : "in \(s / 3600)h \(s % 3600 / 60)m" }
        return "in \(s / 86_400)d \(s % 86_400 / 3600)h"
    }
}
