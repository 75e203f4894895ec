import ArgumentParser
import Foundation
import MarketCalendar

/// `v6ctl gate`: the calendar check for people who keep cron (replaces `cron_wrapper.sh`).
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Run a command only when today (ET) and now pass the NYSE calendar check.",
        discussion: """
            If the check passes, v6ctl replaces itself with COMMAND (same pid; its exit code is
            the result). Otherwise it prints one line to stderr saying why and exits 0, so cron
            does not mail a failure for a holiday.

            --force, or FORCE_RUN or SCHEDULER_FORCE_RUN set to true, 1 or yes (any case), runs
            the command anyway; false, 0, no or empty do not, and another value is an error (exit 2),
            as for the daemon's SCHEDULER_FORCE_RUN.

            Example crontab line (cron's clock must be ET, or use CRON_TZ=America/New_York):
              35 9 * * 1-5  v6ctl gate --days trading -- python3 scripts/schedule_935_et.py
            """
    )

    @Option(help: "trading (default), every_day, weekdays or weekends.") var days: String = "trading"
    @Option(help: "pre_market, market_open, after_hours, extended, closed or any (default).") var phase: String = "any"
    @Flag(help: "Skip the check and run the command.") var force = false
    @Option(help: .hidden) var at: String?  // check as if it were this instant (tests, dry runs)
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.") var command: [String] = []

    func run() throws {
        guard let rule = DayRule(keyword: days) else {
            throw CLIError.usage("--days: '\(days)' is not one of \(DayRule.keywords.joined(separator: ", "))")
        }
        guard let window = PhaseFilter(rawValue: phase) else {
            throw CLIError.usage("--phase: '\(phase)' is not one of \(PhaseFilter.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else { throw CLIError.usage("no command given; usage: v6ctl gate [options] -- COMMAND [ARGS...]") }

        if !(try force || GateCommand.forcedByEnvironment()) {
            let calendar = NYSECalendar()
            var now = Instant(seconds: Int64(Date().timeIntervalSince1970))
            if let at {
                guard let parsed = InstantParser.parse(at, zone: calendar.zone) else {
                    throw CLIError.usage("--at: '\(at)' is not a date-time; use 2026-11-27T10:00 (ET)")
                }
                now = parsed
            }
            if let reason = GateCommand.skipReason(at: now, days: rule, phase: window, calendar: calendar) {
                FileHandle.standardError.write(Data("skipped: \(reason)\n".utf8))
                return
            }
        }
        try GateCommand.exec(argv)
    }

    /// Why a gated command does not run at `now`, or nil when it does.
    static func skipReason(at now: Instant, days: DayRule, phase: PhaseFilter, calendar: NYSECalendar) -> String? {
        let today = calendar.zone.local(now).date
        if case .skip(let why) = days.check(today, calendar: calendar, force: false) { return why }
        let current = calendar.phase(at: now).phase
        if !phase.admits(current) {
            return "market phase at \(calendar.zone.iso8601(now)) is \(current.rawValue), not \(phase.rawValue)"
        }
        return nil
    }

    /// FORCE_RUN or SCHEDULER_FORCE_RUN is a `BooleanWord` for yes (the daemon's spellings); an
    /// empty one is unset, and one that is neither yes nor no is a usage error naming it.
    static func forcedByEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Bool {
        var forced = false
        for name in ["FORCE_RUN", "SCHEDULER_FORCE_RUN"] {
            guard let value = env[name], !value.isEmpty else { continue }
            guard let flag = BooleanWord.parse(value) else {
                throw CLIError.usage("\(name)=\(value) is not true or false (write \(name)=true; \(BooleanWord.spellings) are understood)")
            }
            forced = forced || flag
        }
        return forced
    }

    /// Replaces this process with argv (PATH lookup like a shell); 127 when not found.
    static func exec(_ argv: [String]) throws -> Never {
        let cArgs = argv.map { strdup($0) } + [nil]
        execvp(argv[0], cArgs)
        let err = errno
        let code: Int32 = err == ENOENT ? 127 : 126
        throw CLIError(message: "cannot run \(argv[0]): \(String(cString: strerror(err)))", code: code)
    }
}

/// `--phase` of the gate: a market phase, `extended` (pre-market to end of after-hours), or `any`.
enum PhaseFilter: String, CaseIterable {
    case preMarket = "pre_market", marketOpen = "market_open", afterHours = "after_hours"
    case extended, closed, any

    func admits(_ phase: MarketPhase) -> Bool {
        switch self {
        case .any: true
        case .extended: phase != .closed
        default: phase.rawValue == rawValue
        }
    }
}
