import MarketCalendar
@testable import ScheduleExport
import Scheduling
import Testing

/// The small renderers the exports are made of.
@Suite struct RenderingTests {
    @Test(arguments: [
        ([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55], 0...59, "*/5", "00/5"),
        ([30, 35, 40, 45, 50, 55], 0...59, "30-55/5", "30/5"),
        ([9, 10, 11, 12, 13, 14, 15], 0...23, "9-15", "09..15"),
        ([13, 16], 0...23, "13,16", "13,16"),
        ([1, 2, 3, 4, 5], 0...6, "1-5", "01..05"),
        (Array(0...59), 0...59, "*", "*"),
        ([0, 2, 3, 4, 10], 0...59, "0,2-4,10", "00,02..04,10"),
    ])
    func numberLists(_ values: [Int], _ range: ClosedRange<Int>, _ cron: String, _ systemd: String) {
        #expect(NumberList.render(values, range: range, style: .cron) == cron)
        #expect(NumberList.render(values, range: range, style: .systemd, pad: true) == systemd)
    }

    @Test func aRestrictedDayFieldNeverBecomesAStar() throws {
        // `1-31` restricts (Vixie's OR with the weekday), `*` would not.
        let cron = try CronExpression(parsing: "0 12 1-31 * mon")
        #expect(CrontabExport.dayFields(cron) == "1-31 * 1")
        #expect(CrontabExport.dayFields(try CronExpression(parsing: "0 12 */2 * mon")) == "*/2 * 1")
        #expect(SystemdExport.onCalendar(FirePattern(seconds: [0], minutes: [0], hours: [12], days: .cron(try CronExpression(parsing: "0 12 13 * fri"))))
                == ["Fri *-*-* 12:00:00 America/New_York", "*-*-13 12:00:00 America/New_York"])
    }

    @Test func quotingForEachTarget() {
        let words = ["sh", "-c", "date +%s > 'out file' && echo $HOME"]
        #expect(Quoting.crontab(words) == #"sh -c 'date +\%s > '\''out file'\'' && echo $HOME'"#)
        #expect(words.map(Quoting.systemd).joined(separator: " ") == #"sh -c "date +%%s > 'out file' && echo $$HOME""#)
        #expect(Quoting.yaml("a \"b\"\\\n") == #""a \"b\"\\\n""#)
        #expect(Quoting.shell("") == "''")
    }
}
