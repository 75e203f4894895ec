/// One value an edit or a reload changed, for the audit: before and after as shown to clients
/// (secrets masked), nil where the key was not set.
public struct ConfigValueChange: Sendable, Equatable, Codable, CustomStringConvertible {
    public var key: String
    public var before: String?
    public var after: String?

    public init(key: String, before: String?, after: String?) {
        self.key = key
        self.before = before
        self.after = after
    }

    /// `scheduler.tasks.collect.timeout_seconds: 600 -> 300`.
    public var description: String { "\(key): \(before ?? "(unset)") -> \(after ?? "(unset)")" }

    /// What differs between two sets of values, in the new values' order, removed keys last.
    /// A secret that changed shows as `******** (changed)`, never in clear.
    public static func changes(from old: [ConfigValue], to new: [ConfigValue]) -> [ConfigValueChange] {
        let before = Dictionary(old.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        let after = Dictionary(new.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        var changes: [ConfigValueChange] = []
        for value in new where before[value.key]?.text != value.text {
            var shown = value.shown
            if let earlier = before[value.key], earlier.shown == shown { shown += " (changed)" }
            changes.append(ConfigValueChange(key: value.key, before: before[value.key]?.shown, after: shown))
        }
        for value in old where after[value.key] == nil {
            changes.append(ConfigValueChange(key: value.key, before: value.shown, after: nil))
        }
        return changes
    }
}
