import Foundation

/// Parses what `v6ctl --json` and the control socket print, for assertions.
public enum JSONText {
    /// `text` as one JSON object; throws `HarnessError` quoting the text when it is not one.
    public static func object(_ text: String) throws -> [String: Any] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
            throw HarnessError("not a JSON object: \(trimmed.prefix(500))")
        }
        return object
    }

    /// Each non-empty line of `text` as a JSON object (JSON lines); throws on the first that is not.
    public static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { try object(String($0)) }
    }

    /// The error code of a control-protocol failure line (`{"ok":false,"error":{"code":...}}`).
    public static func errorCode(_ line: String) -> String? {
        guard let object = try? object(line), object["ok"] as? Bool == false else { return nil }
        return (object["error"] as? [String: Any])?["code"] as? String
    }
}
