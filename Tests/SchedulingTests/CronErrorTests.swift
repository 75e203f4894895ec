import MarketCalendar
import Testing
@testable import Scheduling

/// Every way a cron expression is rejected, with the exact message (they name the field and the fix).
@Suite struct CronErrorTests {
    private func error(_ text: String) -> CronError? {
        do {
            _ = try CronExpression(parsing: text)
            return nil
        } catch let error as CronError {
            return error
        } catch {
            Issue.record("unexpected error type \(type(of: error))")
            return nil
        }
    }

    private func message(_ text: String) -> String { error(text)?.description ?? "accepted" }

    @Test func fieldCount() {
        #expect(message("0 9 * *") == "expected 5 fields (minute hour day-of-month month day-of-week), found 4")
        #expect(message("0 0 9 * * *") == "expected 5 fields (minute hour day-of-month month day-of-week), found 6")
        #expect(message("0 9 * * * /bin/true") == "expected 5 fields (minute hour day-of-month month day-of-week), found 6")
        #expect(message("") == "empty cron expression: expected 5 fields (minute hour day-of-month month day-of-week)")
        #expect(message(" \t ") == message(""))
        #expect(error("0 9 * *")?.field == nil)
    }

    @Test func outOfRangeInEachField() {
        #expect(message("60 * * * *") == #"field 1 (minute): "60" is out of range 0-59"#)
        #expect(message("* 24 * * *") == #"field 2 (hour): "24" is out of range 0-23"#)
        #expect(message("* * 0 * *") == #"field 3 (day of month): "0" is out of range 1-31"#)
        #expect(message("* * 32 * *") == #"field 3 (day of month): "32" is out of range 1-31"#)
        #expect(message("* * * 0 *") == #"field 4 (month): "0" is out of range 1-12"#)
        #expect(message("* * * 13 *") == #"field 4 (month): "13" is out of range 1-12"#)
        #expect(message("* * * * 8") == #"field 5 (day of week): "8" is out of range 0-7 (0 and 7 are Sunday)"#)
        #expect(message("0-60 * * * *") == #"field 1 (minute): "60" is out of range 0-59"#)
        #expect(message("99999999999999999999999 * * * *") == #"field 1 (minute): "99999999999999999999999" is out of range 0-59"#)
        #expect(error("* * * * 8")?.field == 5)
        #expect(error("60 * * * *")?.field == 1)
    }

    @Test func notANumber() {
        #expect(message("x * * * *") == #"field 1 (minute): "x" is not a number (use 0-59)"#)
        #expect(message("jan * * * *") == #"field 1 (minute): "jan" is not a number (use 0-59)"#, "names only where they belong")
        #expect(message("* * * foo *") == #"field 4 (month): "foo" is not a number or a month name (use 1-12 or jan, feb, ..., dec)"#)
        #expect(message("* * * * xyz")
            == #"field 5 (day of week): "xyz" is not a number or a day name (use 0-7, where 0 and 7 are Sunday, or sun, mon, tue, wed, thu, fri, sat)"#)
        #expect(message("-5 * * * *") == #"field 1 (minute): "-5": a range needs a start and an end, as in "1-5""#)
        #expect(message("+5 * * * *") == #"field 1 (minute): "+5" is not a number (use 0-59)"#)
        #expect(message("0 9 L * *") == #"field 3 (day of month): "L" is not a number (use 1-31)"#)
        #expect(message("0 9 * * 1#2") == #"field 5 (day of week): "1#2" is not a number or a day name (use 0-7, where 0 and 7 are Sunday, or sun, mon, tue, wed, thu, fri, sat)"#)
    }

    @Test func fullNamesPointAtTheThreeLetterOnes() {
        #expect(message("0 9 * * monday") == #"field 5 (day of week): "monday": names are three letters (write "mon")"#)
        #expect(message("0 9 * January *") == #"field 4 (month): "January": names are three letters (write "jan")"#)
    }

    @Test func quartzQuestionMark() {
        #expect(message("0 9 ? * mon") == #"field 3 (day of month): "?" is Quartz syntax, not cron: write "*""#)
    }

    @Test func emptyListElements() {
        #expect(message("1,,2 * * * *") == #"field 1 (minute): empty list element in "1,,2" (remove the extra comma)"#)
        #expect(message("1, * * * *") == #"field 1 (minute): empty list element in "1," (remove the extra comma)"#)
        #expect(message("* * ,1 * *") == #"field 3 (day of month): empty list element in ",1" (remove the extra comma)"#)
    }

    @Test func badSteps() {
        #expect(message("*/0 * * * *") == #"field 1 (minute): step "0" in "*/0" must be a whole number from 1 to 59"#)
        #expect(message("*/60 * * * *") == #"field 1 (minute): step "60" in "*/60" must be a whole number from 1 to 59"#)
        #expect(message("* */24 * * *") == #"field 2 (hour): step "24" in "*/24" must be a whole number from 1 to 23"#)
        #expect(message("* * * * */8") == #"field 5 (day of week): step "8" in "*/8" must be a whole number from 1 to 7"#)
        #expect(message("*/x * * * *") == #"field 1 (minute): step "x" in "*/x" must be a whole number from 1 to 59"#)
        #expect(message("*/ * * * *") == #"field 1 (minute): step "" in "*/" must be a whole number from 1 to 59"#)
        #expect(message("*/-1 * * * *") == #"field 1 (minute): step "-1" in "*/-1" must be a whole number from 1 to 59"#)
        #expect(message("1-5/2/3 * * * *") == #"field 1 (minute): "1-5/2/3": more than one "/""#)
        #expect(message("/5 * * * *") == #"field 1 (minute): "/5": a step needs a start before the "/" (write "*/n" or "a-b/n")"#)
    }

    @Test func misplacedStars() {
        let stands = #"stands alone (write "*", "*/n" or a range "a-b")"#
        #expect(message("*5 * * * *") == #"field 1 (minute): "*5": "# + "\"*\" " + stands)
        #expect(message("** * * * *") == #"field 1 (minute): "**": "# + "\"*\" " + stands)
        #expect(message("*-5 * * * *") == #"field 1 (minute): "*-5": "# + "\"*\" " + stands)
    }

    @Test func malformedRanges() {
        #expect(message("5- * * * *") == #"field 1 (minute): "5-": a range needs a start and an end, as in "1-5""#)
        #expect(message("1-2-3 * * * *") == #"field 1 (minute): "1-2-3": a range has exactly one "-""#)
    }

    @Test func backwardsRangesSuggestTheWrap() {
        #expect(message("0 22-2 * * *")
            == #"field 2 (hour): range "22-2" runs backwards; cron ranges do not wrap around (write "22-23,0-2")"#)
        #expect(message("30-10/5 * * * *")
            == #"field 1 (minute): range "30-10/5" runs backwards; cron ranges do not wrap around (write "30-59/5,0-10/5")"#)
        #expect(message("0 9 * nov-feb *")
            == #"field 4 (month): range "nov-feb" runs backwards; cron ranges do not wrap around (write "nov-dec,jan-feb")"#)
        #expect(message("0 9 * 12-1 *")
            == #"field 4 (month): range "12-1" runs backwards; cron ranges do not wrap around (write "12,1")"#)
        #expect(message("0 9 * * sat-mon")
            == #"field 5 (day of week): range "sat-mon" runs backwards; cron ranges do not wrap around (write "sat-sun,mon")"#)
        #expect(message("0 9 * * 6-1")
            == #"field 5 (day of week): range "6-1" runs backwards; cron ranges do not wrap around (write "6-7,1")"#)
        #expect(message("0 9 * * 3-2")
            == #"field 5 (day of week): range "3-2" runs backwards; cron ranges do not wrap around (write "3-7,1-2")"#)
        #expect(message("0 9 31-1 * *")
            == #"field 3 (day of month): range "31-1" runs backwards; cron ranges do not wrap around (write "31,1")"#)
    }

    @Test func macros() {
        #expect(message("@reboot")
            == "@reboot is not supported: the scheduler has no boot event (use catch_up: true to run missed slots at start-up, or a systemd unit for boot-time jobs)")
        #expect(message("@weekdays")
            == #"unknown macro "@weekdays" (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"#)
        #expect(message("@") == #"unknown macro "@" (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"#)
        #expect(message("@daily 5") == #""@daily 5": a macro such as @daily stands alone, without fields after it"#)
        #expect(error("@reboot")?.field == nil)
    }

    @Test func daysThatNeverOccur() {
        #expect(message("0 0 30 2 *")
            == #"field 3 (day of month): "30" never occurs in month "2", so the expression would never fire"#)
        #expect(message("0 0 31 apr,jun,sep,nov *")
            == #"field 3 (day of month): "31" never occurs in month "apr,jun,sep,nov", so the expression would never fire"#)
        #expect(message("0 0 30-31 feb */2")
            == #"field 3 (day of month): "30-31" never occurs in month "feb", so the expression would never fire"#)
        // With the OR rule the day of week still fires; Feb 29 occurs in leap years; Jan has a 31st.
        #expect(error("0 0 30 2 mon") == nil)
        #expect(error("0 0 29 2 *") == nil)
        #expect(error("0 0 31 1,4 *") == nil)
    }

    @Test func wrapSuggestionsAreValidAndSelectTheWrappedValues() throws {
        let hours = try CronExpression(parsing: "0 22-23,0-2 * * *").times.map(\.hour)
        #expect(hours == [0, 1, 2, 22, 23])
        let minutes = try CronExpression(parsing: "30-59/5,0-10/5 9 * * *").times.map(\.minute)
        #expect(minutes == [0, 5, 10, 30, 35, 40, 45, 50, 55])
        let months = try CronExpression(parsing: "0 9 1 nov-dec,jan-feb *")
        #expect((1...12).filter { months.matches(LocalDate(year: 2026, month: $0, day: 1)!) } == [1, 2, 11, 12])
        // Nov 1 2026 is a Sunday: sat-sun,mon selects Sat 7, Sun 1 and 8, Mon 2 and 9 in the first 9 days.
        let weekend = try CronExpression(parsing: "0 9 * * sat-sun,mon")
        #expect((1...9).filter { weekend.matches(LocalDate(year: 2026, month: 11, day: $0)!) } == [1, 2, 7, 8, 9])
        let numeric = try CronExpression(parsing: "0 9 * * 6-7,1")
        #expect((1...9).filter { numeric.matches(LocalDate(year: 2026, month: 11, day: $0)!) } == [1, 2, 7, 8, 9])
        #expect(message("0 9 * * 7-1") == #"field 5 (day of week): range "7-1" runs backwards; cron ranges do not wrap around (write "7,1")"#)
    }
}
