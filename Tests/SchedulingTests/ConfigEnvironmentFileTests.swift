import Testing
@testable import Scheduling

/// systemd `EnvironmentFile=` syntax, as `--env-file` reads it.
@Suite struct ConfigEnvironmentFileTests {
    @Test func fullSyntax() throws {
        let text = """
            # comment
            ; another comment
               # indented comment

            PLAIN=value
              SPACED  =   spaced value with inner  spaces   
            EMPTY=
            SINGLE='single # not a comment $HOME \\n'
            DOUBLE="double \\"quoted\\" \\\\ \\$HOME \\n"
            MIXED=a"b c"'d e'f
            ESCAPED=a\\ b\\#c
            CONTINUED=first \\
            second
            MULTI="line one
            line two"
            DUP=first
            DUP=second
            HASH=value # kept, as systemd keeps it
            _UNDER_9=ok
            WINDOWS=crlf\r
            LAST=no newline at end
            """
        let file = try EnvironmentFile(parsing: text, path: "/etc/v6/env")
        #expect(file.values == [
            "PLAIN": "value",
            "SPACED": "spaced value with inner  spaces",
            "EMPTY": "",
            "SINGLE": "single # not a comment $HOME \\n",
            "DOUBLE": "double \"quoted\" \\ $HOME \\n",
            "MIXED": "ab cd ef",
            "ESCAPED": "a b#c",
            "CONTINUED": "first second",
            "MULTI": "line one\nline two",
            "DUP": "second",
            "HASH": "value # kept, as systemd keeps it",
            "_UNDER_9": "ok",
            "WINDOWS": "crlf",
            "LAST": "no newline at end",
        ])
        #expect(file.entry("PLAIN")?.line == 5)
        #expect(file.entry("DUP")?.line == 17)
        #expect(file.entry("MULTI")?.line == 14)
        #expect(file.entry("HASH")?.line == 18)
        #expect(try EnvironmentFile.parse(text, path: "/etc/v6/env") == file.values)
    }

    @Test func emptyFileHasNoValues() throws {
        #expect(try EnvironmentFile.parse("", path: "env").isEmpty)
        #expect(try EnvironmentFile.parse("\n\n# only comments\n", path: "env").isEmpty)
    }

    @Test func everyMalformedLineIsReported() throws {
        let text = """
            GOOD=1
            not a key value line
            9LIVES=cat
            BAD-NAME=x
            ALSO_GOOD=2
            OPEN="never closed
            """
        let error = try #require(throws: ConfigErrors.self) { try EnvironmentFile.parse(text, path: "/etc/v6/env") }
        #expect(error.issues.map(\.description) == [
            "/etc/v6/env:2: \"not a key value line\" is not a KEY=VALUE line (add =VALUE, or start the line with # to comment it out)",
            "/etc/v6/env:3: \"9LIVES\" is not a variable name (letters, digits and _, not starting with a digit)",
            "/etc/v6/env:4: \"BAD-NAME\" is not a variable name (letters, digits and _, not starting with a digit)",
            "/etc/v6/env:6: OPEN: unbalanced \" in the value (close the quote)",
        ])
    }

    @Test func unclosedSingleQuote() throws {
        let error = try #require(throws: ConfigErrors.self) { try EnvironmentFile.parse("A='x\nB=2\n", path: "env") }
        #expect(error.description == "env:1: A: unbalanced ' in the value (close the quote)")
    }
}
