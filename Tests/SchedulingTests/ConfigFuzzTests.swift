import MarketCalendar
import Testing
import TestSupport
@testable import Scheduling

/// 100,000 mutated configuration files (V6_FAULT_SCALE=quick: 10,000): the loader never traps;
/// a file it refuses gets messages that each name the file, a line inside it and a reason; a file
/// it accepts can be planned for a day. Seeded, so a failure reproduces.
@Suite struct ConfigFuzzTests {
    static let files = FaultScale.pick(quick: 10_000, full: 100_000)

    /// Small files that between them use every kind of setting.
    static let seeds = [
        """
        scheduler:
          max_concurrent_tasks: 4
          kill_grace_seconds: 5
          calendar:
            extra_closures: ["2027-03-03"]
            extra_early_closes: {"2027-03-04": "13:00"}
          tasks:
            collect:
              command: ["/bin/true", "--all"]
              frequency: 5min
              market_phase: market_open
              retries: 2
              retry_backoff_seconds: 30
            report:
              command: /bin/echo done
              at: [close+15m, "18:30"]
              days: trading
              overlap: queue
        """,
        """
        scheduler:
          history_limit: 50
          tasks:
            nightly:
              command: ["/bin/true"]
              cron: "*/10 1-3 * * mon-fri"
              days: [mon, wed]
              timeout_seconds: 60
              environment: {MODE: fast, LEVEL: "3"}
              on_failure: ["/bin/echo", "failed"]
            weekend:
              command: ["/bin/true"]
              at: "09:30:15"
              days: weekends
              force_run: true
              catch_up: true
              enabled: no
        """,
        """
        scheduler:
          tasks:
            tick: {command: ["/bin/true"], frequency: "1h30m", market_phase: any, days: every_day, overlap: replace}
            open: {command: ["/bin/true"], at: open-5m, days: weekdays}
        """,
    ]

    /// Tokens that YAML or the checker treat specially.
    static let tokens = [
        "", " ", "\t", "\n", ":", "- ", "[", "]", "{", "}", ",", "#", "&a ", "*a", "!!binary ", "!!int ", "<<: ", "|",
        ">", "'", "\"", "~", "null", "yes", "0", "-1", "99999999999999999999", "1e9", "0x1f", "NaN", ".inf",
        "24:00", "23:59:60", "close+25h", "open-0m", "0s", "59 23 31 2 *", "@reboot", "*/0", "mon-sun", "tasks:",
        "command:", "at:", "cron:", "frequency:", "days:", "\u{0}", "\u{FEFF}", "é", "😀", "\\", "%", "@",
        "2027-02-29", "2026-13-01", "---", "...", "? ", "scheduler:",
    ]

    func mutate(_ seed: String, _ rng: inout SplitMix64) -> String {
        var text = Array(seed.utf8)
        for _ in 0..<(1 + rng.next() % 4) {
            let at = text.isEmpty ? 0 : Int(rng.next() % UInt64(text.count))
            switch rng.next() % 7 {
            case 0 where !text.isEmpty: text[at] = UInt8(truncatingIfNeeded: rng.next())
            case 1 where !text.isEmpty: text.removeSubrange(at..<min(text.count, at + 1 + Int(rng.next() % 8)))
            case 2: text.insert(contentsOf: Array(Self.tokens[Int(rng.next() % UInt64(Self.tokens.count))].utf8), at: at)
            case 3 where !text.isEmpty: text.insert(contentsOf: text[at...].prefix(Int(rng.next() % 40)), at: at)
            case 4:
                // Swap two lines, or indent one more or less.
                var lines = String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let i = Int(rng.next() % UInt64(lines.count)), j = Int(rng.next() % UInt64(lines.count))
                if rng.next() % 2 == 0 { lines.swapAt(i, j) } else { lines[i] = (rng.next() % 2 == 0 ? "  " : "") + lines[i].dropFirst(2) }
                text = Array(lines.joined(separator: "\n").utf8)
            case 5:
                // Replace a value after a colon with a token.
                if let colon = text[at...].firstIndex(of: UInt8(ascii: ":")) {
                    let end = text[colon...].firstIndex(of: 0x0A) ?? text.count
                    text.replaceSubrange((colon + 1)..<end, with: Array((" " + Self.tokens[Int(rng.next() % UInt64(Self.tokens.count))]).utf8))
                }
            default:
                text.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Lines as YAML counts them: \n, \r, \r\n, NEL, LS and PS all break a line.
    static func yamlLines(_ text: String) -> Int {
        var lines = 1
        var previous: Unicode.Scalar? = nil
        for c in text.unicodeScalars {
            switch c {
            case "\n": if previous != "\r" { lines += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": lines += 1
            default: break
            }
            previous = c
        }
        return lines
    }

    // Long and synchronous: it yields now and then, so that it does not hold one of the few threads
    // Swift Testing runs every suite's async tests on (other suites' waits would time out).
    @Test func mutatedFilesNeverCrashTheLoaderAndEveryRefusalNamesItsLine() async {
        var rng = SplitMix64(seed: 0xC0FF_EE16)
        var accepted = 0, refused = 0, planned = 0, messages = 0
        let day = LocalDate(year: 2026, month: 11, day: 27)!
        for n in 0..<Self.files {
            if n % 200 == 0 { await Task.yield() }
            let yaml = mutate(Self.seeds[n % Self.seeds.count], &rng)
            let lineCount = Self.yamlLines(yaml)
            do {
                let loaded = try ConfigLoader.parse(yaml: yaml, path: "fuzz.yaml", environment: [:], currentDirectory: "/srv/app")
                accepted += 1
                // Every few accepted files, the schedule maths runs over them for a day.
                if accepted % 20 == 0 {
                    _ = Planner.plan(loaded.config, from: day, through: day)
                    planned += 1
                }
            } catch {
                refused += 1
                #expect(!error.issues.isEmpty, "file \(n) refused without a message:\n\(yaml)")
                for issue in error.issues {
                    messages += 1
                    let placed = issue.file == "fuzz.yaml" && (issue.line.map { (1...lineCount + 1).contains($0) } ?? true)
                    if !placed || issue.message.isEmpty {
                        Issue.record("file \(n): \(issue) (the file has \(lineCount) lines):\n\(yaml)")
                        return
                    }
                }
            }
        }
        #expect(accepted > Self.files / 50, "some mutations keep the file valid")
        #expect(refused > Self.files / 2)
        print("FIGURE: fuzz config files scale=\(FaultScale.name) files=\(Self.files) accepted=\(accepted) refused=\(refused) messages=\(messages) planned=\(planned) crashes=0")
    }
}
