/// Splits a command string into argv the way a POSIX shell would split words, without running
/// a shell: single quotes keep everything; double quotes keep everything except that a
/// backslash escapes `$`, `` ` ``, `"`, `\` and newline; outside quotes a backslash escapes any
/// character. Unquoted shell operators (`|`, `;`, `>`, `&&`, `$VAR`, ...) are rejected: no shell
/// would interpret them, so they would reach the program as literal arguments.
public enum CommandSplitter {
    /// argv, or nil for an empty or malformed command.
    public static func split(_ text: String) -> [String]? { try? check(text).get() }

    static func check(_ text: String) -> Result<[String], SyntaxProblem> {
        var words: [String] = []
        var word = ""
        var inWord = false
        var chars = text.unicodeScalars.map(Character.init).makeIterator()
        while let c = chars.next() {
            switch c {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(word); word = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let q = chars.next() {
                    if q == "'" { closed = true; break }
                    word.append(q)
                }
                if !closed { return .failure(SyntaxProblem("unbalanced ' in \(shown(text)) (close the quote, or escape it as \\')")) }
            case "\"":
                inWord = true
                var closed = false
                while let q = chars.next() {
                    if q == "\"" { closed = true; break }
                    if q == "\\" {
                        guard let next = chars.next() else { break }
                        switch next {
                        case "$", "`", "\"", "\\": word.append(next)
                        case "\n": break
                        default: word.append("\\"); word.append(next)
                        }
                    } else {
                        word.append(q)
                    }
                }
                if !closed { return .failure(SyntaxProblem("unbalanced \" in \(shown(text)) (close the quote, or escape it as \\\")")) }
            case "\\":
                guard let next = chars.next() else {
                    return .failure(SyntaxProblem("\(shown(text)) ends with a lone backslash (remove it, or write \\\\ for a backslash)"))
                }
                if next != "\n" { word.append(next); inWord = true }
            case "|", "&", ";", "<", ">", "(", ")", "$", "`":
                return .failure(SyntaxProblem("\(shown(text)) uses shell syntax \(c) but commands run without a shell (quote it, or write command: [\"bash\", \"-c\", \"...\"])"))
            default:
                word.append(c)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        guard let first = words.first else {
            return .failure(SyntaxProblem("is empty (write the program and its arguments, e.g. \"python3 scripts/job.py\")"))
        }
        if first.isEmpty { return .failure(SyntaxProblem("the program name is empty in \(shown(text))")) }
        return .success(words)
    }

    private static func shown(_ text: String) -> String { "\"\(text)\"" }
}
