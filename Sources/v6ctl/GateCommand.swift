import ArgumentParser
import Foundation
import MarketCalendar
import Scheduling

/// `v6ctl gate`: the calendar check in front of cron jobs, systemd timers and Kubernetes
/// CronJobs (replaces `cron_wrapper.sh`). The decision is `GateRule`'s; this only reads options.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Run a command only when the NYSE calendar, the market phase and the time of day allow it.",
        usage: """
            v6ctl gate [<options>] -- COMMAND [ARGS...]
              v6ctl gate --check [<options>]
            """,
        discussion: """
            If the check passes, v6ctl replaces itself with COMMAND (same pid; its exit code is the result). \
            Otherwise it prints one line to stderr saying why and exits 0, so that cron does not mail a failure for a holiday.

            --check decides without a command: exit 0 when the command would run, 1 when it would be skipped \
            (for systemd's ExecCondition=, where 1 shows as a skipped condition, not a failure). With --check, a usage \
            error exits 255, so that systemd reports it as a failure instead of skipping quietly.

            --days, --ignore-holidays and --phase mean what the YAML's days, force_run and market_phase mean. \
            On a day without a session that --days lets through, the windows of --phase follow regular hours (09:30-16:00 ET), \
            as the daemon's do; --phase closed is the market phase itself.

            --at takes the YAML's at: forms (08:00, 09:35:30, open+5m, close+15m) and may be repeated: the gate passes only \
            when now is within --tolerance of one of that day's times. A job exported for close+15m fires at 13:15 and at \
            16:15; the gate keeps the one that matches the day's close.

            --force, or FORCE_RUN or SCHEDULER_FORCE_RUN set to true, 1 or yes (any case), runs the command without any check; \
            false, 0, no or empty do not, and another value is an error (exit 2), as for the daemon's SCHEDULER_FORCE_RUN.

            Examples (crontab lines with CRON_TZ=America/New_York, a systemd unit line):
              35 9 * * 1-5  v6ctl gate --days trading -- python3 scripts/schedule_935_et.py
              15 13,16 * * 1-5  v6ctl gate --at close+15m -- python3 scripts/final_data_collection.py
              ExecCondition=v6ctl gate --check --days trading --phase market_open
              v6ctl gate --check --at close+15m --now 2026-11-27T13:15; echo $?
            """
    )

    @Option(help: "trading (default), every_day, weekdays, weekends, or weekdays such as mon,wed.") var days: String = "trading"
    @Flag(help: "NYSE closures do not stop the command (a task's force_run: true).") var ignoreHolidays = false
    @Option(help: "pre_market, market_open, after_hours, extended, closed or any (default).") var phase: String = "any"
    @Option(help: "A time of the YAML's at: forms (08:00, close+15m); repeat for several.") var at: [String] = []
    @Option(help: "How far from an --at time now may be (default 60s).") var tolerance: String?
    @Option(help: "A closure the built-in calendar lacks (calendar.extra_closures), YYYY-MM-DD; repeatable.") var extraClosure: [String] = []
    @Option(help: "An early close it lacks (calendar.extra_early_closes), YYYY-MM-DD=HH:MM; repeatable.") var extraEarlyClose: [String] = []
    @Option(help: "Decide as if it were this instant (2026-11-27T13:15 in ET, or with an offset).") var now: String?
    @Flag(help: "Decide only: exit 0 (run) or 1 (skip), no command.") var check = false
    @Flag(help: "Skip the check and run the command.") var force = false
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.") var command: [String] = []

    func run() throws {
        // Without `--`, a first word `--help` is captured as the command: it means help.
        if let first = command.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(self) }
        do {
            try decideAndRun()
        } catch let error as CLIError where check {
            throw CLIError(message: error.message, code: GateCommand.checkUsageError)
        }
    }

    /// A usage error under `--check`: systemd's ExecCondition= treats 1-254 as "skip".
    static let checkUsageError: Int32 = 255

    private func decideAndRun() throws {
        let rule = try self.rule()
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        if check, !argv.isEmpty {
            throw CLIError.usage("--check decides only: remove the command after --, or drop --check")
        }
        if !check, argv.isEmpty { throw CLIError.usage("no command given; usage: v6ctl gate [options] -- COMMAND [ARGS...]") }
        let instant = try nowInstant()

        if !(try force || GateCommand.forcedByEnvironment()) {
            if case .skip(let reason) = rule.decide(at: instant) {
                FileHandle.standardError.write(Data("skipped: \(reason)\n".utf8))
                if check { throw ExitCode(1) }
                return
            }
        }
        if check { return }
        try GateCommand.exec(argv)
    }

    /// The options as a `GateRule`; a bad value is a usage error naming the option.
    func rule() throws -> GateRule {
        func value<T>(_ result: Result<T, GateArgumentError>) throws -> T {
            switch result {
            case .success(let v): return v
            case .failure(let e): throw CLIError.usage(e.message)
            }
        }
        var rule = GateRule()
        rule.days = try value(GateRule.parseDays(days))
        rule.ignoresHolidays = ignoreHolidays
        guard let window = GatePhase(rawValue: phase) else {
            throw CLIError.usage("--phase: '\(phase)' is not one of \(GatePhase.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        rule.phase = window
        rule.at = try at.map { text in
            if case .failure = GateRule.parseAt(text), InstantParser.parse(text, zone: .newYork) != nil {
                throw CLIError.usage("--at: '\(text)' is a date-time; --at takes a time of day such as 09:35 or close+15m "
                                     + "(to decide as if it were that instant, use --now \(text))")
            }
            return try value(GateRule.parseAt(text))
        }
        if let tolerance { rule.tolerance = try value(GateRule.parseTolerance(tolerance)) }
        let extra = try extraClosure.map { try value(GateRule.parseExtraClosure($0)) }
            + extraEarlyClose.map { try value(GateRule.parseExtraEarlyClose($0)) }
        rule.extraDays = SpecialDays(entries: extra)
        return rule
    }

    private func nowInstant() throws -> Instant {
        guard let now else { return Instant(seconds: Int64(Date().timeIntervalSince1970)) }
        guard let parsed = InstantParser.parse(now, zone: .newYork) else {
            throw CLIError.usage("--now: '\(now)' is not a date-time; use 2026-11-27T10:00 (ET) or 2026-11-27T15:00:00Z")
        }
        return parsed
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
