import Foundation
import Testing
import TestSupport

/// `v6ctl calendar` and `v6ctl gate` as an operator runs them: the real binary, real exit codes.
@Suite struct CalendarCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func sessionsCSVEqualsTheXNYSFixtureByteForByte() throws {
        let result = try Command.run("v6ctl", ["calendar", "sessions", "--from", "1990-01-01", "--to", "2099-12-31", "--format", "csv"])
        #expect(result.status == 0)
        let fixture = try String(contentsOf: Self.fixtures.appendingPathComponent("xnys-sessions.csv"), encoding: .utf8)
        #expect(result.stdout == fixture)
    }

    @Test func holidaysCSV() throws {
        let result = try Command.run("v6ctl", ["calendar", "holidays", "--year", "2026", "--format", "csv"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "date,name")
        #expect(lines.contains("2026-07-03,Independence Day (observed)"))
        #expect(lines.count == 11)
    }

    @Test func sessionsBothEndsInclusiveAndJSON() throws {
        let csv = try Command.run("v6ctl", ["calendar", "sessions", "--from", "2026-11-27", "--to", "2026-11-30", "--format", "csv"])
        #expect(csv.stdout == "date,open,close,early_close\n2026-11-27,09:30,13:00,1\n2026-11-30,09:30,16:00,0\n")
        let json = try Command.run("v6ctl", ["calendar", "sessions", "--from", "2026-11-27", "--to", "2026-11-27", "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["close_at"] as? String == "2026-11-27T13:00:00-05:00")
    }

    @Test func dayExplainsAHoliday() throws {
        let result = try Command.run("v6ctl", ["calendar", "day", "2026-11-26"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("an NYSE holiday (Thanksgiving Day)"))
        #expect(result.stdout.contains("next session: 2026-11-27"))
    }

    @Test func phaseFirstTokenIsThePhase() throws {
        let result = try Command.run("v6ctl", ["calendar", "phase", "--at", "2026-11-27T13:30"])
        #expect(result.stdout.split(separator: " ").first == "after_hours")
        #expect(result.stdout.contains("until 2026-11-27T17:00:00-05:00"))
    }

    @Test(arguments: [
        ["calendar", "sessions", "--from", "2026-02-30", "--to", "2026-03-01"],
        ["calendar", "sessions", "--from", "2026-03-02", "--to", "2026-03-01"],
        ["calendar", "holidays", "--year", "abc"],
        ["calendar", "day", "yesterday"],
        ["calendar", "phase", "--at", "noon"],
        ["gate", "--phase", "lunch", "--", "true"],
        ["gate", "--days", "sometimes", "--", "true"],
        ["calendar", "sessions", "--from", "2026-01-01"],
    ])
    func badInputIsOneLineAndExitTwo(_ arguments: [String]) throws {
        let result = try Command.run("v6ctl", arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func gateSkipsAHolidayWithOneLineAndExitZero() throws {
        let result = try Command.run("v6ctl", ["gate", "--now", "2026-11-26T09:35", "--", "false"],
                                     removingEnvironment: ["FORCE_RUN", "SCHEDULER_FORCE_RUN"])
        #expect(result.status == 0)
        #expect(result.stderr == "skipped: 2026-11-26 is an NYSE holiday (Thanksgiving Day)\n")
    }

    @Test func gateChecksThePhase() throws {
        let result = try Command.run("v6ctl", ["gate", "--now", "2026-11-27T13:30", "--phase", "market_open", "--", "false"])
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("skipped: market phase at 2026-11-27T13:30:00-05:00 is after_hours"))
    }

    @Test func gateExecsInPlaceAndPassesTheExitCode() throws {
        let result = try Command.run("v6ctl", ["gate", "--now", "2026-11-27T10:00", "--", "/bin/sh", "-c", "echo $$; exit 7"])
        #expect(result.status == 7)
        #expect(result.stdout == "\(result.pid)\n")  // same pid: exec, not a child
    }

    @Test func gateForceFromFlagOrEnvironment() throws {
        let flag = try Command.run("v6ctl", ["gate", "--now", "2026-11-26T10:00", "--force", "--", "/bin/sh", "-c", "exit 3"])
        #expect(flag.status == 3)
        // The daemon's spellings of SCHEDULER_FORCE_RUN (BooleanWord), for both variables.
        for variable in ["FORCE_RUN", "SCHEDULER_FORCE_RUN"] {
            for yes in ["true", "1", "yes", "YES", " True "] {
                let env = try Command.run("v6ctl", ["gate", "--now", "2026-11-26T10:00", "--", "/bin/sh", "-c", "exit 4"],
                                          environment: [variable: yes], removingEnvironment: ["FORCE_RUN", "SCHEDULER_FORCE_RUN"])
                #expect(env.status == 4, "\(variable)=\(yes): \(env.stderr)")
            }
            for no in ["false", "0", "no", ""] {
                let env = try Command.run("v6ctl", ["gate", "--now", "2026-11-26T10:00", "--", "/bin/sh", "-c", "exit 4"],
                                          environment: [variable: no], removingEnvironment: ["FORCE_RUN", "SCHEDULER_FORCE_RUN"])
                #expect(env.status == 0 && env.stderr.hasPrefix("skipped: "), "\(variable)=\(no): \(env.stderr)")
            }
            let typo = try Command.run("v6ctl", ["gate", "--now", "2026-11-26T10:00", "--", "/bin/sh", "-c", "exit 4"],
                                       environment: [variable: "maybe"], removingEnvironment: ["FORCE_RUN", "SCHEDULER_FORCE_RUN"])
            #expect(typo.status == 2 && typo.stderr.contains("\(variable)=maybe is not true or false"), "\(typo.stderr)")
        }
    }

    @Test func gateReportsAMissingCommand() throws {
        let result = try Command.run("v6ctl", ["gate", "--days", "every_day", "--", "/nonexistent/v6-missing"])
        #expect(result.status == 127)
        #expect(result.stderr.contains("/nonexistent/v6-missing"))
    }
}
