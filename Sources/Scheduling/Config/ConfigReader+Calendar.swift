import MarketCalendar
import Yams

extension ConfigReader {
    /// `calendar.extra_closures` (dates) and `calendar.extra_early_closes` (date -> HH:MM),
    /// checked against the built-in NYSE calendar.
    mutating func readCalendar(_ node: Node, path: String) -> SpecialDays {
        guard let m = mapping(node, path: path, known: ["extra_closures", "extra_early_closes"]) else {
            return SpecialDays(entries: [])
        }
        let builtIn = NYSECalendar()
        var entries: [SpecialDays.Entry] = []
        var closures = Set<LocalDate>()

        if let list = m.value("extra_closures") {
            let listPath = m.child("extra_closures")
            if case .sequence(let items) = list {
                for item in items {
                    guard let date = date(item, path: listPath) else { continue }
                    let line = Self.line(item)
                    if date.isWeekend {
                        error(line, listPath, "\(date) is a \(date.weekday.description.capitalized): the market is closed anyway (remove it)")
                    } else if !closures.insert(date).inserted {
                        error(line, listPath, "\(date) is listed twice (remove one)")
                    } else {
                        if case .closed(_, let reason) = builtIn.day(date) {
                            warn(line, listPath, "\(date) is already closed: \(reason) (remove it)")
                        }
                        entries.append(SpecialDays.Entry(date: date, kind: .closed, name: "calendar.extra_closures"))
                    }
                }
            } else {
                error(Self.line(list), listPath, "expects a list of dates such as [\"2031-01-10\"], found \(Self.describe(list))")
            }
        }

        if let closesNode = m.value("extra_early_closes"),
           let closes = mapping(closesNode, path: m.child("extra_early_closes"), known: nil,
                                expected: "a mapping of dates to closing times such as {\"2031-07-02\": \"13:00\"}") {
            for pair in closes.pairs {
                let entryPath = closes.child(pair.key)
                guard let date = LocalDate(parsing: pair.key) else {
                    error(pair.keyLine, entryPath, "\"\(pair.key)\" is not a date (write YYYY-MM-DD)")
                    continue
                }
                guard ConfigRanges.calendarYears.contains(date.year) else {
                    error(pair.keyLine, entryPath, Self.outOfCalendar(pair.key))
                    continue
                }
                guard let text = scalarString(pair.value, path: entryPath, expected: "a closing time HH:MM") else { continue }
                guard let time = TimeOfDay(parsing: text) else {
                    let fix = AtSyntax.parse(text).map { " (try \($0))" } ?? " (write HH:MM, e.g. 13:00)"
                    error(Self.line(pair.value), entryPath, "\"\(text)\" is not a time of day\(fix)")
                    continue
                }
                guard time > NYSECalendar.regularOpen, time < NYSECalendar.regularClose else {
                    error(Self.line(pair.value), entryPath,
                          "\(time) is not between the open and the regular close (an early close falls strictly between 09:30 and 16:00)")
                    continue
                }
                if date.isWeekend {
                    error(pair.keyLine, entryPath, "\(date) is a \(date.weekday.description.capitalized): there is no session to close early (remove it)")
                } else if case .closed(_, let reason) = builtIn.day(date) {
                    error(pair.keyLine, entryPath, "\(date) is \(reason): an early close cannot reopen it (remove it)")
                } else if closures.contains(date) {
                    error(pair.keyLine, entryPath, "\(date) is also in extra_closures (keep one of them)")
                } else {
                    entries.append(SpecialDays.Entry(date: date, kind: .earlyClose(time), name: "calendar.extra_early_closes"))
                }
            }
        }
        return SpecialDays(entries: entries.sorted { $0.date < $1.date })
    }

    private mutating func date(_ node: Node, path: String) -> LocalDate? {
        guard let text = scalarString(node, path: path, expected: "a date YYYY-MM-DD") else { return nil }
        guard let date = LocalDate(parsing: text) else {
            error(Self.line(node), path, "\"\(text)\" is not a date (write YYYY-MM-DD, e.g. 2031-01-10)")
            return nil
        }
        guard ConfigRanges.calendarYears.contains(date.year) else {
            error(Self.line(node), path, Self.outOfCalendar(text))
            return nil
        }
        return date
    }

    private static func outOfCalendar(_ date: String) -> String {
        "\(date) is out of range (the calendar covers the years \(ConfigRanges.calendarYears.lowerBound) to \(ConfigRanges.calendarYears.upperBound))"
    }
}
