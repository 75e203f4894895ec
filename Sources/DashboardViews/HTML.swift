/// A piece of markup whose text is already escaped.
///
/// Written as a string literal with interpolations: a `String` interpolated into an `HTML` is
/// escaped (`<script>` shows as text), an `HTML` is inserted as it is. Escaping is the default,
/// so a task name, a config value or an output line cannot become markup by mistake.
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var rendered: String

    public init(stringLiteral value: String) { rendered = value }
    public init(stringInterpolation: StringInterpolation) { rendered = stringInterpolation.out }
    /// Markup from a trusted source (our own constants): not escaped.
    public init(trusted: String) { rendered = trusted }

    public static let empty = HTML(trusted: "")

    public var description: String { rendered }

    public static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.rendered + rhs.rendered) }

    /// The pieces one after the other.
    public static func join(_ parts: [HTML], separator: HTML = .empty) -> HTML {
        HTML(trusted: parts.map(\.rendered).joined(separator: separator.rendered))
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var out = ""
        public init(literalCapacity: Int, interpolationCount: Int) { out.reserveCapacity(literalCapacity + interpolationCount * 16) }
        public mutating func appendLiteral(_ literal: String) { out += literal }
        /// Text: escaped for both element content and quoted attribute values.
        public mutating func appendInterpolation(_ text: String) { HTML.escape(text, into: &out) }
        public mutating func appendInterpolation(_ text: Substring) { HTML.escape(String(text), into: &out) }
        public mutating func appendInterpolation(_ text: String?) { if let text { HTML.escape(text, into: &out) } }
        public mutating func appendInterpolation(_ markup: HTML) { out += markup.rendered }
        public mutating func appendInterpolation(_ markup: HTML?) { if let markup { out += markup.rendered } }
        public mutating func appendInterpolation(_ parts: [HTML]) { for part in parts { out += part.rendered } }
        public mutating func appendInterpolation(_ number: Int) { out += String(number) }
        public mutating func appendInterpolation(_ number: Int64) { out += String(number) }
        public mutating func appendInterpolation(_ number: Double) { out += String(number) }
    }

    /// `&`, `<`, `>`, `"` and `'` as character references; everything else as it is.
    public static func escape(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }

    static func escape(_ text: String, into out: inout String) {
        out.reserveCapacity(out.utf8.count + text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}

/// Query strings for links: percent-encoding of values.
public enum URLText {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// `value` percent-encoded for a path segment or a query value.
    public static func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if unreserved.contains(byte) { out.unicodeScalars.append(Unicode.Scalar(byte)) } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// `path?k=v&...` with the empty values left out.
    public static func link(_ path: String, _ query: [(String, String?)]) -> String {
        let parts = query.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : "\(key)=\(encode($0))" } }
        return parts.isEmpty ? path : path + "?" + parts.joined(separator: "&")
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
