import MarketCalendar
import Scheduling

/// `--format systemd`: a `.timer` and a `.service` per task. The timer's OnCalendar= lines
/// fire at every candidate time; the service's ExecCondition= (`v6ctl gate --check`) keeps the
/// daemon's occurrences, so a holiday shows as a skipped condition, not a failure.
enum SystemdExport {
    static func render(_ firings: [TaskFiring], config: SchedulerConfig, options: ExportOptions) -> (files: [ExportFile], notes: [ExportNote]) {
        var files: [ExportFile] = []
        var notes: [ExportNote] = []
        let configNotes = DaemonOnlyFeatures.configurationNotes(config)
        for firing in firings {
            let taskNotes = Exporter.notes(firing, config, .systemd)
            notes += taskNotes
            let unit = options.prefix + firing.task.name
            let head = Exporter.banner(.systemd, config: config, notes: configNotes) + Exporter.header(firing, notes: taskNotes)
            files.append(ExportFile(name: unit + ".timer", text: (head + timer(firing, unit: unit)).joined(separator: "\n") + "\n"))
            files.append(ExportFile(name: unit + ".service", text: (head + service(firing, config: config, options: options)).joined(separator: "\n") + "\n"))
        }
        return (files, notes)
    }

    static func timer(_ firing: TaskFiring, unit: String) -> [String] {
        var lines = ["[Unit]", "Description=v6-scheduler timer of task \(firing.task.name)", "", "[Timer]"]
        var seen = Set<String>()
        for line in firing.lines {
            for spec in onCalendar(line.pattern) where seen.insert(spec).inserted {
                if line.systemdOnly { lines.append("# a clock-change day: wall time cannot name this run") }
                lines.append("OnCalendar=\(spec)")
            }
        }
        lines += ["AccuracySec=1s", "Persistent=\(firing.task.catchUp ? "true" : "false")", "Unit=\(unit).service",
                  "", "[Install]", "WantedBy=timers.target"]
        return lines
    }

    static func service(_ firing: TaskFiring, config: SchedulerConfig, options: ExportOptions) -> [String] {
        let task = firing.task
        var lines = ["[Unit]", "Description=v6-scheduler task \(task.name)"]
        if task.retries > 0 {
            // At most retries + 1 starts within the shortest time between two firings.
            lines += ["StartLimitIntervalSec=\(max(1, firing.shortestGap - 1))", "StartLimitBurst=\(task.retries + 1)"]
        }
        lines += ["", "[Service]",
                  // Type=exec: RuntimeMaxSec= is ignored for Type=oneshot.
                  "Type=exec",
                  "ExecCondition=" + ([options.v6ctl, "gate", "--check"] + firing.taskGate.arguments).map(Quoting.systemd).joined(separator: " "),
                  "ExecStart=" + task.command.map(Quoting.systemd).joined(separator: " "),
                  "WorkingDirectory=" + config.workingDirectory]
        let env = Exporter.environment(task)
        if !env.isEmpty { lines.append("Environment=" + env.map { Quoting.systemdAssignment($0.0, $0.1) }.joined(separator: " ")) }
        if let user = options.user { lines.append("User=\(user)") }
        lines += ["RuntimeMaxSec=\(task.timeoutSeconds)", "TimeoutStopSec=\(task.killGraceSeconds)"]
        if task.retries > 0 {
            lines += ["Restart=on-failure", "RestartSec=\(task.retryBackoffSeconds)", "RestartPreventExitStatus=2"]
        }
        return lines
    }

    /// The OnCalendar= expressions of a pattern: `Mon..Fri *-*-* 09..15:00/5:00 America/New_York`.
    /// Vixie's OR of the two day fields takes two expressions.
    static func onCalendar(_ pattern: FirePattern) -> [String] {
        let time = NumberList.render(pattern.hours, range: 0...23, style: .systemd, pad: true) + ":"
            + NumberList.render(pattern.minutes, range: 0...59, style: .systemd, pad: true) + ":"
            + NumberList.render(pattern.seconds, range: 0...59, style: .systemd, pad: true)
        func line(_ weekdays: Set<Weekday>, months: [Int], days: [Int]) -> String {
            let w = weekdays.count == 7 ? "" : weekdayList(weekdays) + " "
            let m = NumberList.render(months, range: 1...12, style: .systemd, pad: true)
            let d = NumberList.render(days, range: 1...31, style: .systemd, pad: true)
            return "\(w)*-\(m)-\(d) \(time) \(pattern.zone.rawValue)"
        }
        let all = Set(Weekday.allCases)
        switch pattern.days {
        case .weekdays(let days):
            return [line(days, months: Array(1...12), days: Array(1...31))]
        case .all(let months, let doms, let weekdays):
            return [line(weekdays, months: months, days: doms)]
        case .cron(let cron):
            let weekdays = Set(cron.weekdayNumbers.map { Weekday(rawValue: $0 == 0 ? 7 : $0)! })
            if cron.requiresBothDayFields {
                return [line(weekdays, months: cron.monthNumbers, days: cron.daysOfMonth)]
            }
            return [line(weekdays, months: cron.monthNumbers, days: Array(1...31)),
                    line(all, months: cron.monthNumbers, days: cron.daysOfMonth)]
        }
    }

    /// `Mon..Fri`, `Sat,Sun`, `Mon,Wed`.
    static func weekdayList(_ days: Set<Weekday>) -> String {
        let sorted = days.sorted()
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count, sorted[j + 1].rawValue == sorted[j].rawValue + 1 { j += 1 }
            let name = { (d: Weekday) in d.shortName.capitalized }
            parts.append(j - i >= 2 ? "\(name(sorted[i]))..\(name(sorted[j]))" : sorted[i...j].map(name).joined(separator: ","))
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}

extension TaskFiring {
    /// The shortest time between two consecutive firings of the task's lines (wall time, a day around).
    var shortestGap: Int {
        let times = Set(lines.filter { $0.pattern.zone == .newYork }.flatMap { $0.pattern.timesOfDay }).sorted()
        guard let first = times.first else { return 86_400 }
        var gap = 86_400
        for (a, b) in zip(times, times.dropFirst() + [first + 86_400]) { gap = min(gap, b - a) }
        return gap
    }
}
