/// The rule of a POSIX TZ string, as a TZif footer carries it (RFC 8536, 3.3; POSIX.1-2017 8.3,
/// with the RFC's extensions: hours up to 167 and negative in rule times), e.g.
/// `EST5EDT,M3.2.0,M11.1.0`: standard time 5 h west of UTC; daylight time one hour ahead of it
/// from the second Sunday of March at 02:00 local to the first Sunday of November at 02:00.
public struct PosixTZRule: Sendable, Equatable {
    /// Standard time, seconds east of UTC (the string itself counts west: `EST5` is -18000).
    public let standardOffset: Int
    /// Daylight time and when it starts and ends, if the zone has it.
    public let daylight: Daylight?

    public struct Daylight: Sendable, Equatable {
        public let offset: Int
        public let start: Change
        public let end: Change
    }

    /// A day of the year (one of the three forms) and a local time of day, in seconds.
    public struct Change: Sendable, Equatable {
        public enum Day: Sendable, Equatable {
            /// `Jn`: day 1-365, February 29 never counted.
            case julian(Int)
            /// `n`: day 0-365, February 29 counted in leap years.
            case zeroBased(Int)
            /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = the last) of month `m`.
            case monthWeek(month: Int, week: Int, weekday: Int)
        }
        public let day: Day
        public let time: Int

        /// The change's local date in `year`.
        func date(in year: Int) -> LocalDate {
            switch day {
            case .julian(let n):
                let jan1 = LocalDate(year: year, month: 1, day: 1)!
                return jan1.adding(days: n - 1 + (LocalDate.isLeap(year) && n >= 60 ? 1 : 0))
            case .zeroBased(let n):
                return LocalDate(year: year, month: 1, day: 1)!.adding(days: n)
            case .monthWeek(let month, let week, let weekday):
                let iso = weekday == 0 ? Weekday.sunday : Weekday(rawValue: weekday)!
                return LocalDate.nth(week == 5 ? -1 : week, iso, of: month, year)
            }
        }
    }

    /// The offset changes in `year` (UTC seconds, the offset from then on), in order.
    public func transitions(in year: Int) -> [(at: Int64, offset: Int)] {
        guard let daylight else { return [] }
        // A start is read on standard time, an end on daylight time.
        func utc(_ change: Change, readOn offset: Int) -> Int64 {
            Int64(change.date(in: year).dayNumber) * 86_400 + Int64(change.time) - Int64(offset)
        }
        let start = (at: utc(daylight.start, readOn: standardOffset), offset: daylight.offset)
        let end = (at: utc(daylight.end, readOn: daylight.offset), offset: standardOffset)
        return start.at <= end.at ? [start, end] : [end, start]
    }

    /// Parses a TZ string; an empty one is refused (no rule), as is daylight time without a rule.
    public init(parsing text: String) throws(TZifError) {
        var scanner = Scanner(Array(text.utf8), text: text)
        try scanner.name()
        standardOffset = -(try scanner.offset(maxHours: 24))
        if scanner.atEnd {
            daylight = nil
            return
        }
        try scanner.name()
        var dst = standardOffset + 3600
        if !scanner.atEnd, scanner.peek != UInt8(ascii: ",") { dst = -(try scanner.offset(maxHours: 24)) }
        guard scanner.atEnd == false else {
            throw TZifError("TZ string \"\(text)\" has daylight time but no rule for when it applies")
        }
        try scanner.expect(",")
        let start = try scanner.change()
        try scanner.expect(",")
        let end = try scanner.change()
        guard scanner.atEnd else { throw scanner.error("unexpected text after the rule") }
        daylight = Daylight(offset: dst, start: start, end: end)
    }

    init(standardOffset: Int, daylight: Daylight?) {
        self.standardOffset = standardOffset
        self.daylight = daylight
    }

    private struct Scanner {
        let bytes: [UInt8]
        let text: String
        var i = 0

        init(_ bytes: [UInt8], text: String) {
            self.bytes = bytes
            self.text = text
        }

        var atEnd: Bool { i >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[i] }

        func error(_ what: String) -> TZifError { TZifError("TZ string \"\(text)\" at character \(i + 1): \(what)") }

        mutating func expect(_ c: Character) throws(TZifError) {
            guard peek == c.asciiValue else { throw error("expected \"\(c)\"") }
            i += 1
        }

        /// `EST` (three or more letters) or `<-03>` (quoted: letters, digits, + and -).
        mutating func name() throws(TZifError) {
            let start = i
            if peek == UInt8(ascii: "<") {
                i += 1
                while let c = peek, c != UInt8(ascii: ">") {
                    guard isAlpha(c) || isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") else {
                        throw error("invalid character in a quoted zone name")
                    }
                    i += 1
                }
                try expect(">")
                guard i - start - 2 >= 3 else { throw error("a zone name has at least three characters") }
            } else {
                while let c = peek, isAlpha(c) { i += 1 }
                guard i - start >= 3 else { throw error("a zone name has at least three letters") }
            }
        }

        /// `[+-]hh[:mm[:ss]]` in seconds, with the sign as written.
        mutating func offset(maxHours: Int) throws(TZifError) -> Int {
            var sign = 1
            if peek == UInt8(ascii: "+") { i += 1 } else if peek == UInt8(ascii: "-") { sign = -1; i += 1 }
            let hours = try number(maxDigits: 3)
            guard hours <= maxHours else { throw error("hours \(hours) out of range (at most \(maxHours))") }
            var seconds = hours * 3600
            for scale in [60, 1] where peek == UInt8(ascii: ":") {
                i += 1
                let part = try number(maxDigits: 2)
                guard part < 60 else { throw error("minutes or seconds \(part) out of range") }
                seconds += part * scale
            }
            return sign * seconds
        }

        /// `date[/time]`.
        mutating func change() throws(TZifError) -> Change {
            let day: Change.Day
            if peek == UInt8(ascii: "J") {
                i += 1
                let n = try number(maxDigits: 3)
                guard (1...365).contains(n) else { throw error("Jn needs n from 1 to 365") }
                day = .julian(n)
            } else if peek == UInt8(ascii: "M") {
                i += 1
                let m = try number(maxDigits: 2)
                try expect(".")
                let w = try number(maxDigits: 1)
                try expect(".")
                let d = try number(maxDigits: 1)
                guard (1...12).contains(m), (1...5).contains(w), (0...6).contains(d) else {
                    throw error("Mm.w.d needs m 1-12, w 1-5, d 0-6")
                }
                day = .monthWeek(month: m, week: w, weekday: d)
            } else {
                let n = try number(maxDigits: 3)
                guard n <= 365 else { throw error("n needs 0 to 365") }
                day = .zeroBased(n)
            }
            var time = 7200
            if peek == UInt8(ascii: "/") {
                i += 1
                time = try offset(maxHours: 167)
            }
            return Change(day: day, time: time)
        }

        mutating func number(maxDigits: Int) throws(TZifError) -> Int {
            var value = 0, digits = 0
            while let c = peek, isDigit(c), digits < maxDigits {
                value = value * 10 + Int(c - UInt8(ascii: "0"))
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw error("expected a number") }
            return value
        }

        private func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
        private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    }
}
