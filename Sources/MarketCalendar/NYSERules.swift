/// The NYSE's rule-based holidays and early closes, year by year.
///
/// These follow the XNYS calendar of the `exchange_calendars` Python package
/// (version 4.13.2), which the test fixture is generated from, including its reading of
/// the historical rule changes (Presidents' Day from 1971, MLK Day from 1998, Juneteenth
/// from 2022, the 14:00 early closes before 1993, ...). One-off events are data:
/// Resources/nyse-special-days.csv.
enum NYSERules {
    struct Holiday {
        let date: LocalDate
        let name: String
    }

    struct EarlyClose {
        let date: LocalDate
        let close: TimeOfDay
        let name: String
    }

    static let onePM = TimeOfDay(seconds: 13 * 3600)
    static let twoPM = TimeOfDay(seconds: 14 * 3600)

    /// Regular holidays of `year` falling on weekdays, with "(observed)" where the
    /// observance moved them.
    static func holidays(in year: Int) -> [Holiday] {
        var result: [Holiday] = []
        func add(_ name: String, _ nominal: LocalDate, _ observe: (LocalDate) -> LocalDate = { $0 }) {
            let observed = observe(nominal)
            guard observed.year == year, !observed.isWeekend else { return }
            result.append(Holiday(date: observed, name: observed == nominal ? name : name + " (observed)"))
        }
        func date(_ month: Int, _ day: Int) -> LocalDate { LocalDate(year: year, month: month, day: day)! }

        add("New Year's Day", date(1, 1), sundayToMonday)  // a Saturday New Year is not moved to Dec 31
        if year >= 1998 { add("Martin Luther King Jr. Day", LocalDate.nth(3, .monday, of: 1, year)) }
        if (1874...1953).contains(year) { add("Lincoln's Birthday", date(2, 12), sundayToMonday) }
        switch year {
        case ...1963: add("Washington's Birthday", date(2, 22), sundayToMonday)
        case 1964...1970: add("Washington's Birthday", date(2, 22), nearestWeekday)
        default: add("Washington's Birthday", LocalDate.nth(3, .monday, of: 2, year))
        }
        add("Good Friday", easterSunday(year).adding(days: -2))
        switch year {
        case ...1963: add("Memorial Day", date(5, 30), sundayToMonday)
        case 1964...1969: add("Memorial Day", date(5, 30), nearestWeekday)
        case 1970: break  // XNYS has no Memorial Day in 1970 (May 30 was a Saturday)
        default: add("Memorial Day", LocalDate.nth(-1, .monday, of: 5, year))
        }
        if year >= 2022 { add("Juneteenth National Independence Day", date(6, 19), nearestWeekday) }
        add("Independence Day", date(7, 4), year <= 1953 ? sundayToMonday : nearestWeekday)
        add("Labor Day", LocalDate.nth(1, .monday, of: 9, year))
        if year <= 1953 { add("Columbus Day", date(10, 12), sundayToMonday) }
        if (1848...1967).contains(year) || ((1968...1980).contains(year) && year % 4 == 0) {
            add("Election Day", firstTuesday(onOrAfter: date(11, 2)))
        }
        if (1934...1953).contains(year) { add("Veterans Day", date(11, 11), sundayToMonday) }
        switch year {
        case ...1938: add("Thanksgiving Day", LocalDate.nth(-1, .thursday, of: 11, year))
        case 1939...1941: add("Thanksgiving Day", LocalDate.nth(-2, .thursday, of: 11, year))
        default: add("Thanksgiving Day", LocalDate.nth(4, .thursday, of: 11, year))
        }
        add("Christmas Day", date(12, 25), year <= 1953 ? sundayToMonday : nearestWeekday)
        return result
    }

    /// Rule-based early closes of `year`. They apply only where the day is a session.
    static func earlyCloses(in year: Int) -> [EarlyClose] {
        var result: [EarlyClose] = []
        func add(_ name: String, _ date: LocalDate, _ close: TimeOfDay, on days: Set<Weekday>) {
            if days.contains(date.weekday) { result.append(EarlyClose(date: date, close: close, name: name)) }
        }
        let july3 = LocalDate(year: year, month: 7, day: 3)!
        if year >= 1995 { add("Day before Independence Day", july3, onePM, on: [.monday, .tuesday, .thursday]) }
        if year >= 2013 { add("Day before Independence Day", july3, onePM, on: [.wednesday]) }
        if (1995...2012).contains(year) {
            add("Day after Independence Day", LocalDate(year: year, month: 7, day: 5)!, onePM, on: [.friday])
        }
        if year >= 1992 {
            let friday = LocalDate.nth(4, .thursday, of: 11, year).adding(days: 1)
            add("Day after Thanksgiving", friday, year == 1992 ? twoPM : onePM, on: [.friday])
        }
        let christmasEve = LocalDate(year: year, month: 12, day: 24)!
        add("Christmas Eve", christmasEve, year < 1993 ? twoPM : onePM, on: [.monday, .tuesday, .wednesday, .thursday])
        return result
    }

    /// Easter Sunday (Gregorian), by the anonymous "Meeus/Jones/Butcher" algorithm.
    static func easterSunday(_ year: Int) -> LocalDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)!
    }

    static func sundayToMonday(_ date: LocalDate) -> LocalDate {
        date.weekday == .sunday ? date.adding(days: 1) : date
    }

    static func nearestWeekday(_ date: LocalDate) -> LocalDate {
        switch date.weekday {
        case .saturday: date.adding(days: -1)
        case .sunday: date.adding(days: 1)
        default: date
        }
    }

    static func firstTuesday(onOrAfter date: LocalDate) -> LocalDate {
        date.adding(days: (Weekday.tuesday.rawValue - date.weekday.rawValue + 7) % 7)
    }
}
