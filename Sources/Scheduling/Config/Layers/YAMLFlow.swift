import Yams

/// YAML values as one line of flow text (`300`, `"08:00"`, `[mon, wed]`, `{API_KEY: "********"}`):
/// how `config show` prints a value, what `task set KEY=VALUE` takes back, and what the
/// managed drop-in is written with. Plain scalars stay plain where that reads back the same;
/// the rest is double-quoted.
public enum YAMLFlow {
    /// What a masked secret shows.
    public static let mask = "\"********\""

    /// The node as flow text; `secret` tells which mapping keys (by name) hold secrets, whose
    /// values are shown as `mask`.
    static func text(_ node: Node, secret: (String) -> Bool = { _ in false }) -> String {
        switch node {
        case .scalar(let s):
            return scalar(s.string, plain: s.style == .plain)
        case .sequence(let items):
            return "[" + items.map { text($0, secret: secret) }.joined(separator: ", ") + "]"
        case .mapping(let m):
            return "{" + m.map { pair in
                let key = pair.key.scalar?.string ?? text(pair.key)
                let value = secret(key) ? mask : text(pair.value, secret: secret)
                return scalar(key, plain: true) + ": " + value
            }.joined(separator: ", ") + "}"
        case .alias:
            return "~"
        }
    }

    /// A scalar: plain when it was plain and reads back the same in flow context, else quoted.
    public static func scalar(_ string: String, plain: Bool) -> String {
        plain && isPlainSafe(string) ? string : quoted(string)
    }

    /// `"text"` with YAML's double-quote escapes.
    public static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// True when `string` written plain in a flow collection reads back as the same string.
    static func isPlainSafe(_ string: String) -> Bool {
        guard let first = string.unicodeScalars.first, let last = string.unicodeScalars.last else { return false }
        if first == " " || last == " " || last == ":" { return false }
        if "?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if first == "-", string.unicodeScalars.count == 1 || string.unicodeScalars.dropFirst().first == " " { return false }
        if string.contains(": ") || string.contains(" #") { return false }
        return !string.unicodeScalars.contains { ",[]{}".unicodeScalars.contains($0) || $0.value < 0x20 || $0.value == 0x7F }
    }
}
