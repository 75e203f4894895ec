import MarketCalendar
import Yams

extension ConfigReader {
    static let taskKeys = [
        "command", "enabled", "frequency", "market_phase", "at", "cron", "days", "timeout_seconds", "retries",
        "retry_backoff_seconds", "overlap", "catch_up", "force_run", "environment", "kill_grace_seconds",
        "history_limit", "on_failure", "notify", "after", "after_wait", "hosts",
    ]
    static let scheduleKeys = ["at", "frequency", "cron"]
    /// A frequency longer than a day would fire at most once a day: that is an `at:` time.
    static let maxFrequencySeconds: Int64 = 86_400

    /// One task, or nil when it has issues (all of them recorded). Environment overrides are
    /// applied later; `enabled` here is the YAML's.
    mutating func readTask(name: String, line: Int, node: Node, path: String, defaults: TaskDefaults) -> TaskConfig? {
        let before = issues.count
        guard let m = mapping(node, path: path, known: Self.taskKeys, expected: "a mapping of task settings (command:, at:, ...)")
        else { return nil }

        let argv = command(m, "command", allowEmpty: false)
        if !m.has("command") {
            error(line, path, "has no command (add command: \"python3 scripts/\(name).py\" or a list of arguments)")
        }
        let schedule = readSchedule(m, line: line, path: path)
        let days = days(m, "days")
        let enabled = bool(m, "enabled")
        let timeout = int(m, "timeout_seconds", in: ConfigRanges.timeoutSeconds, unit: "seconds")
        let retries = int(m, "retries", in: ConfigRanges.retries)
        let backoff = int(m, "retry_backoff_seconds", in: ConfigRanges.retryBackoffSeconds, unit: "seconds")
        let overlap = choice(m, "overlap", OverlapPolicy.allCases.map(\.rawValue), what: "an overlap policy")
        let catchUp = bool(m, "catch_up")
        let forceRun = bool(m, "force_run")
        let environment = readEnvironment(m, "environment")
        let killGrace = int(m, "kill_grace_seconds", in: ConfigRanges.killGraceSeconds, unit: "seconds")
        let historyLimit = int(m, "history_limit", in: ConfigRanges.historyLimit)
        let hook = command(m, "on_failure", allowEmpty: true)
        let notify = channelList(m, "notify", known: defaults.channelNames)
        let dependencies = readDependencies(m, name: name, scheduled: schedule.map { !$0.isEventDriven }, catchUp: catchUp)
        let hosts = hostList(m)

        guard issues.count == before, let argv, let schedule else { return nil }
        var task = TaskConfig(name: name, command: Self.resolveProgram(argv, in: defaults.workingDirectory), schedule: schedule)
        task.line = sources.locate(line).line
        if let enabled {
            task.enabled = enabled
            task.enabledSource = .yaml
        }
        if let days {
            task.days = days
            task.daysExplicit = true
        }
        task.timeoutSeconds = timeout ?? task.timeoutSeconds
        task.retries = retries ?? task.retries
        task.retryBackoffSeconds = backoff ?? task.retryBackoffSeconds
        task.overlap = overlap.flatMap(OverlapPolicy.init(rawValue:)) ?? task.overlap
        task.catchUp = catchUp ?? false
        task.after = dependencies.after
        task.hosts = hosts ?? []
        task.afterWaitSeconds = dependencies.afterWait ?? task.afterWaitSeconds
        task.ignoresHolidays = (forceRun ?? false) || defaults.ignoresHolidays
        task.environment = environment ?? [:]
        task.killGraceSeconds = killGrace ?? defaults.killGraceSeconds
        task.historyLimit = historyLimit ?? defaults.historyLimit
        if let hook {
            task.onFailure = hook.isEmpty ? nil : Self.resolveProgram(hook, in: defaults.workingDirectory)
        } else {
            task.onFailure = defaults.onFailure
        }
        task.notify = notify ?? defaults.notify
        warnAboutOverlap(task, m)
        return task
    }

    private mutating func readSchedule(_ m: MappingNode, line: Int, path: String) -> ScheduleSpec? {
        let given = Self.scheduleKeys.filter { m.has($0) }.sorted { (m.keyLine($0) ?? 0) < (m.keyLine($1) ?? 0) }
        if m.has("market_phase"), !m.has("frequency") {
            error(m.keyLine("market_phase"), m.child("market_phase"),
                  "applies only to frequency: tasks (remove it; for times relative to the session use at: open+5m or close-10m)")
        }
        guard let key = given.first else {
            // `after:` alone: the task runs when its upstreams have succeeded.
            if m.has("after") { return .afterUpstreams }
            error(line, path, "has no schedule (add one of at:, frequency:, cron:; or after: to run once other tasks have succeeded)")
            return nil
        }
        if given.count > 1 {
            error(m.keyLine(given[1]), m.child(given[1]),
                  "\(given.joined(separator: " and ")) are both set (keep exactly one of at, frequency, cron)")
            return nil
        }
        let node = m.value(key)!
        let keyPath = m.child(key)
        switch key {
        case "at":
            return readAt(node, path: keyPath).map(ScheduleSpec.at)
        case "frequency":
            let window = choice(m, "market_phase", Window.allCases.map(\.rawValue), what: "a market phase")
                .flatMap(Window.init(rawValue:))
            guard let text = scalarString(node, path: keyPath, expected: "a duration such as 5min") else { return nil }
            switch DurationSyntax.parse(text) {
            case .failure(let problem):
                error(Self.line(node), keyPath, problem.message)
                return nil
            case .success(let seconds) where seconds > Self.maxFrequencySeconds:
                error(Self.line(node), keyPath, "\"\(text)\" is longer than a day (for once a day use at: \"HH:MM\" instead)")
                return nil
            case .success(let seconds):
                if m.has("market_phase"), window == nil { return nil }
                return .frequency(seconds: seconds, window: window ?? .any)
            }
        default:
            guard let text = scalarString(node, path: keyPath, expected: "a 5-field cron expression such as \"0 8 * * 1-5\"") else {
                return nil
            }
            do {
                return .cron(try CronExpression(parsing: text))
            } catch {
                self.error(Self.line(node), keyPath, "\"\(text)\" is not a valid cron expression: \(error)")
                return nil
            }
        }
    }

    private mutating func readAt(_ node: Node, path: String) -> [AtTime]? {
        let items: [Node]
        switch node {
        case .scalar: items = [node]
        case .sequence(let list) where !list.isEmpty: items = Array(list)
        case .sequence:
            error(Self.line(node), path, "is an empty list (write at least one time, e.g. [\"08:00\"])")
            return nil
        default:
            error(Self.line(node), path, "expects a time or a list of times, found \(Self.describe(node))")
            return nil
        }
        var times: [AtTime] = []
        var valid = true
        for item in items {
            guard let text = scalarString(item, path: path, expected: "a time such as \"08:00\" or \"close+15m\"") else {
                valid = false
                continue
            }
            switch AtSyntax.check(text) {
            case .success(let time) where times.contains(time):
                error(Self.line(item), path, "\(time) is listed twice (remove one)")
                valid = false
            case .success(let time):
                times.append(time)
            case .failure(let problem):
                error(Self.line(item), path, problem.message)
                valid = false
            }
        }
        return valid ? times : nil
    }

    private mutating func readEnvironment(_ m: MappingNode, _ key: String) -> [String: String]? {
        guard let node = m.value(key),
              let env = mapping(node, path: m.child(key), known: nil, expected: "a mapping of variable names to values")
        else { return nil }
        var result: [String: String] = [:]
        for pair in env.pairs {
            let path = env.child(pair.key)
            guard EnvironmentFile.isValidName(pair.key) else {
                error(pair.keyLine, path, "\"\(pair.key)\" is not a variable name (letters, digits and _, not starting with a digit)")
                continue
            }
            if ConfigReader.isNull(pair.value) {
                error(Self.line(pair.value), path, "has no value (write \"\" for an empty value)")
                continue
            }
            guard let value = scalarString(pair.value, path: path, expected: "a string value") else { continue }
            result[pair.key] = value
        }
        return result
    }

    /// A run that may last longer than the period overlaps the next occurrence: say so, since
    /// the default timeout (1 h) is longer than most frequencies.
    private mutating func warnAboutOverlap(_ task: TaskConfig, _ m: MappingNode) {
        guard case .frequency(let seconds, _) = task.schedule, Int64(task.timeoutSeconds) > seconds else { return }
        let line = m.keyLine("timeout_seconds") ?? m.keyLine("frequency")
        let what = m.has("timeout_seconds") ? "timeout_seconds (\(task.timeoutSeconds))" : "the default timeout (\(task.timeoutSeconds)s)"
        warn(line, m.path, "\(what) is longer than the frequency (\(DurationSyntax.compact(seconds))): a slow run overlaps the next occurrences (overlap: \(task.overlap.rawValue)); set timeout_seconds to at most \(seconds)")
    }
}
