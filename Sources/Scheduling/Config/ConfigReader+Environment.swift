import MarketCalendar

/// Environment overrides, as in the old cron guide:
/// - `SCHEDULER_<TASK>_ENABLED=true|false`: one task (wins over everything else);
/// - `SCHEDULER_ENABLE_ALL=true|false`: every task without its own variable (wins over YAML);
/// - `SCHEDULER_FORCE_RUN=true`: every task ignores the holiday check.
/// The env file's values win over the process environment's.
extension ConfigReader {
    static let enableAllVariable = "SCHEDULER_ENABLE_ALL"
    static let forceRunVariable = "SCHEDULER_FORCE_RUN"

    /// The variable name that toggles task `name`.
    static func enabledVariable(for name: String) -> String { "SCHEDULER_\(name.uppercased())_ENABLED" }

    private struct Variable {
        let name: String
        let value: String
        let issueFile: String
        let line: Int?
    }

    mutating func applyEnvironment(to config: inout SchedulerConfig, taskNames: [String],
                                   environment: [String: String], envFile: EnvironmentFile?) {
        var variables: [String: Variable] = [:]
        for (name, value) in environment where name.hasPrefix("SCHEDULER_") {
            variables[name] = Variable(name: name, value: value, issueFile: ConfigIssue.environmentFile, line: nil)
        }
        for entry in envFile?.entries ?? [] where entry.name.hasPrefix("SCHEDULER_") {
            variables[entry.name] = Variable(name: entry.name, value: entry.value, issueFile: envFile!.path, line: entry.line)
        }

        let enableAll = variables[Self.enableAllVariable].flatMap { flag($0) }
        let forceRun = variables[Self.forceRunVariable].flatMap { flag($0) }
        let taskVariables = Dictionary(uniqueKeysWithValues: taskNames.map { (Self.enabledVariable(for: $0), $0) })
        var perTask: [String: (Bool, String)] = [:]
        for variable in variables.values.sorted(by: { $0.name < $1.name }) {
            if variable.name == Self.enableAllVariable || variable.name == Self.forceRunVariable { continue }
            if let task = taskVariables[variable.name] {
                if let value = flag(variable) { perTask[task] = (value, variable.name) }
            } else if variable.name.hasSuffix("_ENABLED") {
                let hint = Suggestion.didYouMean(variable.name, in: taskVariables.keys.sorted())
                add(ConfigIssue(file: variable.issueFile, line: variable.line, keyPath: variable.name,
                                message: "names no task in \(file)\(hint)"), warning: true)
            } else if let close = Suggestion.closest(to: variable.name, in: [Self.enableAllVariable, Self.forceRunVariable]) {
                add(ConfigIssue(file: variable.issueFile, line: variable.line, keyPath: variable.name,
                                message: "is not a scheduler variable (did you mean \(close)?)"), warning: true)
            }
        }

        for index in config.tasks.indices {
            let name = config.tasks[index].name
            if let (value, variable) = perTask[name] {
                config.tasks[index].enabled = value
                config.tasks[index].enabledSource = .environment(variable)
            } else if let enableAll {
                config.tasks[index].enabled = enableAll
                config.tasks[index].enabledSource = .environment(Self.enableAllVariable)
            }
            if forceRun == true { config.tasks[index].ignoresHolidays = true }
        }
        config.forceAll = forceRun == true
    }

    /// `BooleanWord`s (true/false, 1/0, yes/no in any case, as `v6ctl gate` reads them too); anything
    /// else is an error naming the variable.
    private mutating func flag(_ variable: Variable) -> Bool? {
        if let value = BooleanWord.parse(variable.value) { return value }
        add(ConfigIssue(file: variable.issueFile, line: variable.line, keyPath: variable.name,
                        message: "\"\(variable.value)\" is not true or false (write \(variable.name)=true or \(variable.name)=false)"))
        return nil
    }
}
