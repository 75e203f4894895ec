/// Shell-style name patterns for `TaskFilter`: `*` (any run of characters), `?` (one character),
/// `[abc]`, `[a-z]`, `[!a-z]` (one character of, or not of, a set). A pattern without any of them
/// matches names that contain it.
enum Glob {
    static func hasWildcards(_ pattern: String) -> Bool {
        pattern.unicodeScalars.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// Refuses a `[` without its `]`.
    static func validate(_ pattern: String) throws(ProtocolError) {
        let p = Array(pattern.unicodeScalars)
        var i = 0
        while i < p.count {
            if p[i] == "[" {
                guard let end = bracketEnd(p, from: i) else {
                    throw ProtocolError(.invalidValue, "\"filter\": \"[\" without \"]\" in the pattern \"\(RequestDecoder.shown(pattern))\"")
                }
                i = end
            }
            i += 1
        }
    }

    static func matches(_ pattern: String, _ name: String) -> Bool {
        guard hasWildcards(pattern) else { return name.contains(pattern) }
        return match(Array(pattern.unicodeScalars), Array(name.unicodeScalars))
    }

    /// Iterative matching with one backtrack point (the last `*`): linear in practice.
    private static func match(_ p: [Unicode.Scalar], _ s: [Unicode.Scalar]) -> Bool {
        var pi = 0, si = 0
        var star: (p: Int, s: Int)? = nil
        while si < s.count {
            if pi < p.count {
                switch p[pi] {
                case "*":
                    star = (pi, si)
                    pi += 1
                    continue
                case "?":
                    pi += 1
                    si += 1
                    continue
                case "[":
                    if let end = bracketEnd(p, from: pi), bracket(p[(pi + 1)..<end], contains: s[si]) {
                        pi = end + 1
                        si += 1
                        continue
                    }
                default:
                    if p[pi] == s[si] {
                        pi += 1
                        si += 1
                        continue
                    }
                }
            }
            guard let back = star else { return false }
            star = (back.p, back.s + 1)
            pi = back.p + 1
            si = back.s + 1
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Index of the `]` closing the bracket at `start` (a `]` right after `[` or `[!` is literal).
    private static func bracketEnd(_ p: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        if i < p.count, p[i] == "!" || p[i] == "^" { i += 1 }
        if i < p.count, p[i] == "]" { i += 1 }
        while i < p.count {
            if p[i] == "]" { return i }
            i += 1
        }
        return nil
    }

    private static func bracket(_ set: ArraySlice<Unicode.Scalar>, contains c: Unicode.Scalar) -> Bool {
        var items = set[...]
        var negated = false
        if let first = items.first, first == "!" || first == "^" {
            negated = true
            items = items.dropFirst()
        }
        var found = false
        var i = items.startIndex
        while i < items.endIndex {
            let low = items[i]
            if i + 2 < items.endIndex, items[i + 1] == "-" {
                if low.value <= c.value, c.value <= items[i + 2].value { found = true }
                i += 3
            } else {
                if low == c { found = true }
                i += 1
            }
        }
        return found != negated
    }
}
