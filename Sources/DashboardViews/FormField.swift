/// A form input that shows the validator's message beside it and keeps what was typed.
public struct FormField: Sendable {
    public let name: String
    public let label: String
    public let value: String
    public let error: String?
    public let hint: String?
    public let type: String

    public init(_ name: String, _ label: String, value: String?, error: String?, hint: String? = nil, type: String = "text") {
        self.name = name
        self.label = label
        self.value = value ?? ""
        self.error = error
        self.hint = hint
        self.type = type
    }

    public var html: HTML {
        let errorHTML: HTML = error.map { "<span class=\"field-error\" id=\"\(name)-error\" role=\"alert\">\($0)</span>" } ?? .empty
        let invalid: HTML = error == nil ? .empty : " aria-invalid=\"true\" aria-describedby=\"\(name)-error\""
        let hintHTML: HTML = hint.map { " <span class=\"muted\">\($0)</span>" } ?? .empty
        return "<label for=\"f-\(name)\">\(label)\(errorHTML)</label><input id=\"f-\(name)\" name=\"\(name)\" type=\"\(type)\" value=\"\(value)\"\(invalid)>\(hintHTML)"
    }

    /// A checkbox (`value` "true" when checked).
    public static func checkbox(_ name: String, _ label: String, checked: Bool, error: String?) -> HTML {
        let errorHTML: HTML = error.map { "<span class=\"field-error\" role=\"alert\">\($0)</span>" } ?? .empty
        return "<label><input type=\"hidden\" name=\"\(name)\" value=\"false\"><input type=\"checkbox\" name=\"\(name)\" value=\"true\"\(checked ? HTML(trusted: " checked") : .empty)> \(label)\(errorHTML)</label>"
    }
}
