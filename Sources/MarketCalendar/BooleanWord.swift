/// The spellings of yes and no that an operator may write in an environment variable
/// (`SCHEDULER_FORCE_RUN`, `FORCE_RUN`, `SCHEDULER_<TASK>_ENABLED`, ...): one list for the daemon
/// and for `v6ctl gate`, so the same line means the same thing to both.
public enum BooleanWord {
    /// `true`, `1`, `yes` and `false`, `0`, `no`, in any case, with blanks around them ignored;
    /// nil for anything else (callers say so: a typo must not silently mean "no").
    public static func parse(_ text: String) -> Bool? {
        let word = text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
        switch String(word).lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: return nil
        }
    }

    /// How `parse` spells its words, for messages.
    public static let spellings = "true, 1, yes or false, 0, no"
}
