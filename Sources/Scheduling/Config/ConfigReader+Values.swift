import MarketCalendar
import Yams

extension ConfigReader {
    /// argv from a YAML list of strings, or from a string split like a shell would.
    /// An empty list gives `[]` when `allowEmpty` (an `on_failure: []` that turns a default off).
    mutating func command(_ m: MappingNode, _ key: String, allowEmpty: Bool) -> [String]? {
        guard let node = m.value(key) else { return nil }
        let path = m.child(key)
        switch node {
        case .scalar(let s):
            switch CommandSplitter.check(s.string) {
            case .success(let argv): return argv
            case .failure(let problem): error(Self.line(node), path, problem.message); return nil
            }
        case .sequence(let items):
            if items.isEmpty {
                if allowEmpty { return [] }
                error(Self.line(node), path, "is empty (write the program and its arguments, e.g. [\"python3\", \"scripts/job.py\"])")
                return nil
            }
            var argv: [String] = []
            for item in items {
                guard case .scalar(let s) = item, !ConfigReader.isNull(item) else {
                    error(Self.line(item), path, "arguments must be strings, found \(Self.describe(item))")
                    return nil
                }
                argv.append(s.string)
            }
            if argv[0].isEmpty {
                error(Self.line(node), path, "the program name (first item) is empty")
                return nil
            }
            return argv
        default:
            error(Self.line(node), path, "expects a command: a list of arguments or a string, found \(Self.describe(node))")
            return nil
        }
    }

    /// `days:` a keyword or a non-empty list of weekday names without duplicates.
    mutating func days(_ m: MappingNode, _ key: String) -> DayRule? {
        guard let node = m.value(key) else { return nil }
        let path = m.child(key)
        let keywordHint = "use trading, every_day, weekdays, weekends, or a list of weekdays such as [mon, wed]"
        switch node {
        case .scalar(let s):
            if let rule = DayRule(keyword: s.string) { return rule }
            if let day = Weekday(name: s.string) {
                error(Self.line(node), path, "\"\(s.string)\" is not a days rule (for one weekday write a list: [\(day.shortName)])")
            } else {
                let hint = Suggestion.closest(to: s.string, in: DayRule.keywords).map { "did you mean \($0)?" } ?? keywordHint
                error(Self.line(node), path, "\"\(s.string)\" is not a days rule (\(hint))")
            }
            return nil
        case .sequence(let items):
            guard !items.isEmpty else {
                error(Self.line(node), path, "is an empty list (\(keywordHint))")
                return nil
            }
            var days = Set<Weekday>()
            var valid = true
            for item in items {
                guard case .scalar(let s) = item else {
                    error(Self.line(item), path, "expects weekday names, found \(Self.describe(item))")
                    valid = false
                    continue
                }
                guard let day = Weekday(name: s.string) else {
                    let names = Weekday.allCases.flatMap { [$0.description, $0.shortName] }
                    let hint = Suggestion.closest(to: s.string.lowercased(), in: names).map { "did you mean \($0)?" }
                        ?? "use mon, tue, wed, thu, fri, sat, sun or the full names"
                    error(Self.line(item), path, "\"\(s.string)\" is not a weekday (\(hint))")
                    valid = false
                    continue
                }
                if !days.insert(day).inserted {
                    error(Self.line(item), path, "\(day.description) is listed twice (remove one)")
                    valid = false
                }
            }
            return valid ? .list(days) : nil
        default:
            error(Self.line(node), path, "expects a days rule, found \(Self.describe(node)) (\(keywordHint))")
            return nil
        }
    }

    /// A path, absolute, resolved against `base` when relative, with `.` and `..` removed.
    mutating func path(_ m: MappingNode, _ key: String, base: String) -> String? {
        guard let node = m.value(key), let text = string(m, key) else { return nil }
        guard !text.isEmpty else {
            error(Self.line(node), m.child(key), "is empty (write a path, or remove the key for the default)")
            return nil
        }
        return ConfigPaths.resolve(text, against: base)
    }
}
