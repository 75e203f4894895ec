import MarketCalendar
import Testing
@testable import Scheduling

/// Durations, `at:` entries and command splitting, value by value.
@Suite struct ConfigSyntaxTests {
    @Test(arguments: [("30s", 30), ("30sec", 30), ("30secs", 30), ("45seconds", 45), ("5m", 300), ("5min", 300),
                      ("5mins", 300), ("1minute", 60), ("10minutes", 600), ("1h", 3600), ("1hr", 3600), ("2hrs", 7200),
                      ("1hour", 3600), ("2hours", 7200), ("90s", 90), ("hourly", 3600), ("1h30m", 5400),
                      ("1h30m15s", 5415), ("2m30s", 150), ("1h5s", 3605)] as [(String, Int64)])
    func acceptedDurations(_ text: String, _ seconds: Int64) {
        #expect(DurationSyntax.seconds(text) == seconds)
    }

    @Test(arguments: ["", "0s", "0h0m", "5", "5 min", " 5min", "5min ", "5MIN", "-5m", "+5m", "1.5h", "5x", "m5",
                      "30m1h", "1h1h", "five minutes", "1d", "hourly ", "Hourly", "12345678s"])
    func rejectedDurations(_ text: String) {
        #expect(DurationSyntax.seconds(text) == nil)
    }

    @Test(arguments: [("5 minutes", "\"5 minutes\" is not a duration (try 5min)"),
                      ("every 5 minutes", "\"every 5 minutes\" is not a duration (try 5min)"),
                      ("5MIN", "\"5MIN\" is not a duration (try 5min)"),
                      ("90 seconds", "\"90 seconds\" is not a duration (try 1m30s)"),
                      ("1.5h", "\"1.5h\" is not a duration (try 1h30m)"),
                      ("2 hours", "\"2 hours\" is not a duration (try 2h)"),
                      ("30m1h", "\"30m1h\" is not a duration (try 1h30m)"),
                      ("every hour", "\"every hour\" is not a duration (write a number and a unit: 30s, 5min, 1h, 1h30m)"),
                      ("Hourly", "\"Hourly\" is not a duration (try hourly)"),
                      ("45", "\"45\" has no unit (write 45s, 45min or 45h)"),
                      ("0min", "\"0min\" is zero (a duration must be at least 1s)"),
                      ("", "is empty (write a duration such as 30s, 5min, 1h or 1h30m)")])
    func durationSuggestions(_ text: String, _ message: String) {
        #expect(DurationSyntax.problem(text) == message)
    }

    @Test func canonicalAndCompactSpellingsParseBack() {
        for seconds: Int64 in [1, 30, 59, 60, 90, 300, 3599, 3600, 3661, 5400, 7200, 86_400] {
            #expect(DurationSyntax.seconds(DurationSyntax.canonical(seconds)) == seconds)
            #expect(DurationSyntax.seconds(DurationSyntax.compact(seconds)) == seconds)
        }
        #expect(DurationSyntax.canonical(300) == "5min")
        #expect(DurationSyntax.compact(300) == "5m")
        #expect(DurationSyntax.canonical(5400) == "1h30m")
    }

    @Test(arguments: [("08:00", AtTime.wall(TimeOfDay(hour: 8, minute: 0)!)),
                      ("23:59:59", .wall(TimeOfDay(hour: 23, minute: 59, second: 59)!)),
                      ("00:00", .wall(TimeOfDay(hour: 0, minute: 0)!)),
                      ("open", .open(offset: 0)), ("open+5m", .open(offset: 300)), ("open-10m", .open(offset: -600)),
                      ("open-9h30m", .open(offset: -34_200)), ("close", .close(offset: 0)),
                      ("close+15m", .close(offset: 900)), ("close-1h", .close(offset: -3600)),
                      ("close+1h30m", .close(offset: 5400)) as (String, AtTime)])
    func acceptedAtTimes(_ text: String, _ time: AtTime) {
        #expect(AtSyntax.parse(text) == time)
    }

    @Test(arguments: ["24:00", "12:60", "12:00:60", "8:00", "0800", "8", "noon", "open+", "open+0", "open 5m",
                      "Open", "close+8h", "close-13h1s", "open-9h31m", "open+14h30m", "close*2", "opening", "close+0s", ""])
    func rejectedAtTimes(_ text: String) {
        #expect(AtSyntax.parse(text) == nil)
    }

    @Test func atTimesPrintAsWritten() {
        for text in ["08:00", "12:00:30", "open", "open+5m", "open-10m", "close", "close+15m", "close-1h"] {
            #expect(AtSyntax.parse(text)?.description == text)
        }
        // The model prints minutes rather than mixed units; that spelling parses back too.
        #expect(AtSyntax.parse("close+1h30m")?.description == "close+90m")
        #expect(AtSyntax.parse("close+90m") == .close(offset: 5400))
        #expect(AtSyntax.check("close+0s") == .failure(SyntaxProblem("\"close+0s\" has a zero offset (write close)")))
    }

    @Test(arguments: [
        ("python3 scripts/job.py", ["python3", "scripts/job.py"]),
        ("  python3\t scripts/job.py  ", ["python3", "scripts/job.py"]),
        ("echo 'a b' \"c d\"", ["echo", "a b", "c d"]),
        ("echo 'it''s'", ["echo", "its"]),
        ("echo \"it's\"", ["echo", "it's"]),
        ("echo 'say \"hi\"'", ["echo", "say \"hi\""]),
        ("echo \"a \\\"b\\\" \\\\ \\$HOME \\n\"", ["echo", "a \"b\" \\ $HOME \\n"]),
        ("echo a\\ b c\\\\d \\'e", ["echo", "a b", "c\\d", "'e"]),
        ("echo '' \"\"", ["echo", "", ""]),
        ("echo pre'mid'post", ["echo", "premidpost"]),
        ("echo 'a|b' \"x > y\" '$HOME' \\; \\|", ["echo", "a|b", "x > y", "$HOME", ";", "|"]),
        ("echo a\\\nb", ["echo", "ab"]),
        ("python3 -c 'print(1)'", ["python3", "-c", "print(1)"]),
        ("cron * * *", ["cron", "*", "*", "*"]),
    ] as [(String, [String])])
    func commandSplitting(_ text: String, _ argv: [String]) {
        #expect(CommandSplitter.split(text) == argv)
    }

    @Test(arguments: [
        ("", "is empty (write the program and its arguments, e.g. \"python3 scripts/job.py\")"),
        ("   ", "is empty (write the program and its arguments, e.g. \"python3 scripts/job.py\")"),
        ("'' x", "the program name is empty in \"'' x\""),
        ("echo 'a", "unbalanced ' in \"echo 'a\" (close the quote, or escape it as \\')"),
        ("echo \"a", "unbalanced \" in \"echo \"a\" (close the quote, or escape it as \\\")"),
        ("echo \"a\\\"", "unbalanced \" in \"echo \"a\\\"\" (close the quote, or escape it as \\\")"),
        ("echo a\\", "\"echo a\\\" ends with a lone backslash (remove it, or write \\\\ for a backslash)"),
        ("a | b", "\"a | b\" uses shell syntax | but commands run without a shell (quote it, or write command: [\"bash\", \"-c\", \"...\"])"),
        ("a && b", "\"a && b\" uses shell syntax & but commands run without a shell (quote it, or write command: [\"bash\", \"-c\", \"...\"])"),
        ("a; b", "\"a; b\" uses shell syntax ; but commands run without a shell (quote it, or write command: [\"bash\", \"-c\", \"...\"])"),
        ("echo $HOME", "\"echo $HOME\" uses shell syntax $ but commands run without a shell (quote it, or write command: [\"bash\", \"-c\", \"...\"])"),
        ("echo `date`", "\"echo `date`\" uses shell syntax ` but commands run without a shell (quote it, or write command: [\"bash\", \"-c\", \"...\"])"),
    ])
    func commandSplittingErrors(_ text: String, _ message: String) {
        #expect(CommandSplitter.check(text) == .failure(SyntaxProblem(message)))
    }

    @Test func suggestionsUseEditDistanceWithTranspositions() {
        #expect(Suggestion.distance(Array("frequency"), Array("frequncy")) == 1)
        #expect(Suggestion.distance(Array("open"), Array("opne")) == 1)
        #expect(Suggestion.distance(Array("kitten"), Array("sitting")) == 3)
        #expect(Suggestion.distance(Array(""), Array("abc")) == 3)
        #expect(Suggestion.closest(to: "retires", in: ConfigReader.taskKeys) == "retries")
        #expect(Suggestion.closest(to: "days", in: ConfigReader.taskKeys) == "days")
        #expect(Suggestion.closest(to: "xyz", in: ConfigReader.taskKeys) == nil)
        #expect(Suggestion.closest(to: "weekday", in: DayRule.keywords) == "weekdays")
        #expect(Suggestion.closest(to: "trading_days", in: DayRule.keywords) == "trading")
        #expect(Suggestion.closest(to: "open", in: Window.allCases.map(\.rawValue)) == "market_open")
        #expect(Suggestion.closest(to: "mon", in: ["monday"]) == nil)  // too short to guess from
    }
}
