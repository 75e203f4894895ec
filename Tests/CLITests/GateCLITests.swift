import Foundation
import Testing
import TestSupport

/// `v6ctl gate`'s options for the exports, through the real binary.
@Suite struct GateCLITests {
    static let clean = ["FORCE_RUN", "SCHEDULER_FORCE_RUN"]

    @Test(arguments: [["gate", "--help"], ["gate", "--days", "trading", "--help"], ["help", "gate"]])
    func helpPrintsTheHelpInsteadOfRunningIt(_ arguments: [String]) throws {
        let result = try Command.run("v6ctl", arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: v6ctl gate"))
        #expect(result.stdout.contains("--at <at>"))
        #expect(result.stderr.isEmpty)
    }

    @Test func helpParagraphsAreNotBrokenMidSentence() throws {
        // The discussion is written as whole paragraphs: ArgumentParser wraps them at the width,
        // so every line that ends a sentence's middle is followed by its continuation, never by a blank.
        let help = try Command.run("v6ctl", ["help", "gate"]).stdout
        let paragraphs = help.components(separatedBy: "\n\n").filter { $0.hasPrefix("--check") || $0.hasPrefix("--at takes") }
        #expect(paragraphs.count == 2)
        for paragraph in paragraphs { #expect(paragraph.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(".")) }
    }

    @Test(arguments: [
        ("2026-11-27T13:15", Int32(0), ""),     // early close: 13:15 is close+15m
        ("2026-11-25T13:15", Int32(1), "skipped: 2026-11-25T13:15:00-05:00 is not within 1m of close+15m (today: 2026-11-25T16:15:00-05:00)\n"),
        ("2026-11-25T16:15:45", Int32(0), ""),
        ("2026-11-26T16:15", Int32(1), "skipped: 2026-11-26 is an NYSE holiday (Thanksgiving Day)\n"),
    ])
    func checkDecidesWithExitCodes(_ now: String, _ status: Int32, _ stderr: String) throws {
        let result = try Command.run("v6ctl", ["gate", "--check", "--at", "close+15m", "--now", now], removingEnvironment: Self.clean)
        #expect(result.status == status)
        #expect(result.stderr == stderr)
        #expect(result.stdout.isEmpty)
    }

    @Test func atRunsTheCommandOnlyAtItsTime() throws {
        let run = try Command.run("v6ctl", ["gate", "--at", "open+5m", "--now", "2026-11-27T09:35:20", "--", "/bin/sh", "-c", "exit 5"],
                                  removingEnvironment: Self.clean)
        #expect(run.status == 5)
        let skip = try Command.run("v6ctl", ["gate", "--at", "open+5m", "--now", "2026-11-27T09:40", "--", "/bin/sh", "-c", "exit 5"],
                                   removingEnvironment: Self.clean)
        #expect(skip.status == 0)
        #expect(skip.stderr.hasPrefix("skipped: "))
        let wide = try Command.run("v6ctl", ["gate", "--at", "open+5m", "--tolerance", "10m", "--now", "2026-11-27T09:40", "--", "/bin/sh", "-c", "exit 5"],
                                   removingEnvironment: Self.clean)
        #expect(wide.status == 5)
    }

    @Test(arguments: [
        (["gate", "--at", "2026-11-26T09:35", "--", "true"], Int32(2), "use --now 2026-11-26T09:35"),
        (["gate", "--at", "close+15", "--", "true"], Int32(2), "the offset has no unit (try close+15m)"),
        (["gate", "--check", "--at", "noon"], Int32(255), "--at: \"noon\" is not a time"),
        (["gate", "--check", "--bogus"], Int32(255), "v6ctl: "),
        (["gate", "--check", "--", "true"], Int32(255), "--check decides only"),
        (["gate", "--now", "yesterday", "--", "true"], Int32(2), "--now: 'yesterday' is not a date-time"),
        (["gate", "--days", "mon,funday", "--", "true"], Int32(2), "--days: 'mon,funday'"),
        (["gate", "--tolerance", "a while", "--", "true"], Int32(2), "--tolerance: 'a while' is not a duration"),
    ])
    func badValuesAreOneLine(_ arguments: [String], _ status: Int32, _ fragment: String) throws {
        let result = try Command.run("v6ctl", arguments)
        #expect(result.status == status)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func weekdayListsAndIgnoringHolidays() throws {
        let saturday = try Command.run("v6ctl", ["gate", "--check", "--days", "sat,sun", "--now", "2026-11-28T10:00"])
        #expect(saturday.status == 0)
        let friday = try Command.run("v6ctl", ["gate", "--check", "--days", "sat,sun", "--now", "2026-11-27T10:00"], removingEnvironment: Self.clean)
        #expect(friday.status == 1)
        let holiday = try Command.run("v6ctl", ["gate", "--check", "--ignore-holidays", "--at", "close+15m", "--now", "2026-11-26T16:15"])
        #expect(holiday.status == 0)
    }
}
