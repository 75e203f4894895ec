import ControlProtocol
import DashboardViews
import Testing

/// The forms as configuration edits, without a daemon: the checker's lines back to fields, what
/// a form sends, and the history's position in links.
@Suite struct ConfigFormTests {
    @Test func theCheckersLinesGoBesideTheirFields() {
        let message = """
            config/x.yaml.d/90-runtime.yaml:11: scheduler.tasks.x1.at: "25:00" is out of range (hours 00-23, minutes and seconds 00-59)
            config/x.yaml.d/90-runtime.yaml:12: scheduler.tasks.x1.timeout_seconds: 0 is out of range (from 1 to 604800 seconds)
            config/x.yaml.d/90-runtime.yaml:12: scheduler.tasks.x1.timeout_seconds: a second complaint
            config/x.yaml.d/90-runtime.yaml:13: scheduler.tasks.x1.overlap: "x" is not an overlap policy
            task heartbeat already exists (defined in config/demo.yaml)
            """
        let refusal = ConfigForm.refusal(message, task: "x1") { ["at", "timeout_seconds"].contains($0) ? $0 : nil }
        #expect(refusal.fields == ["at": "\"25:00\" is out of range (hours 00-23, minutes and seconds 00-59)",
                                   "timeout_seconds": "0 is out of range (from 1 to 604800 seconds); a second complaint"])
        #expect(refusal.general == "overlap: \"x\" is not an overlap policy\ntask heartbeat already exists (defined in config/demo.yaml)")
        // A bad name belongs to the name field; the Settings form's keys are scheduler keys.
        let name = ConfigForm.refusal("c.yaml.d/90-runtime.yaml:9: scheduler.tasks.Bad Name: task names use only a-z, 0-9 and _ (try bad_name)",
                                      task: "Bad Name") { $0 == "name" ? $0 : nil }
        #expect(name == ConfigForm.Refusal(fields: ["name": "task names use only a-z, 0-9 and _ (try bad_name)"]))
        let setting = ConfigForm.refusal("c.yaml.d/90-runtime.yaml:8: scheduler.enable_holiday_check: expects true or false, found \"maybe\"",
                                         task: nil) { $0 }
        #expect(setting == ConfigForm.Refusal(fields: ["enable_holiday_check": "expects true or false, found \"maybe\""]))
        // Another task's line is never put beside this form's fields.
        let other = ConfigForm.refusal("c.yaml:4: scheduler.tasks.x10.at: bad", task: "x1") { $0 }
        #expect(other == ConfigForm.Refusal(general: "scheduler.tasks.x10.at: bad"))
    }

    @Test func aNewTaskIsSentAsV6ctlSendsIt() throws {
        let (name, settings) = try ConfigForm.newTask(["name": " eod ", "command": "python3 \"eod.py\"", "frequency": "5min",
                                                       "market_phase": "market_open", "retries": "-1", "cron": " "]).get()
        #expect(name == "eod")
        #expect(settings == EditSetting.newTask(command: "python3 \"eod.py\"", every: "5min", phase: "market_open", retries: "-1"))
        #expect(settings.map(\.value) == [#""python3 \"eod.py\"""#, #""5min""#, #""market_open""#, "-1"])
        #expect(YAMLText.list("12:00, close+15m") == #"["12:00", "close+15m"]"#)
        #expect(YAMLText.days("mon,wed") == #"["mon", "wed"]"# && YAMLText.days("[mon]") == "[mon]" && YAMLText.days("trading") == #""trading""#)
        #expect(YAMLText.word("5min") == "5min" && YAMLText.word("-") == #""-""# && YAMLText.word("5 min") == #""5 min""#)
        #expect(YAMLText.quoted("a\nb\u{1}") == #""a\nb\u0001""#)
    }

    @Test func theEditFormSendsOnlyWhatChanged() throws {
        let current = TaskDetail(status: TaskStatus(name: "x", enabled: true, enabledSource: "yaml", schedule: "at 09:35", days: "trading days"),
                                 command: ["true"], timeoutSeconds: 60, retries: 1, retryBackoffSeconds: 5, overlap: "skip", catchUp: false,
                                 forceRun: false, lastRuns: [], nextRuns: [])
        #expect(try ConfigForm.taskChanges(["timeout_seconds": "60", "retries": "1", "schedule": ""], current: current).get().isEmpty)
        #expect(try ConfigForm.taskChanges(["timeout_seconds": "2min", "schedule": "at: 09:35, close+15m"], current: current).get()
            == [EditSetting(key: "timeout_seconds", value: "2min"), EditSetting(key: "at", value: #"["09:35", "close+15m"]"#)])
        #expect(try ConfigForm.taskChanges(["schedule": "cron: */10 * * * *"], current: current).get() == [EditSetting(key: "cron", value: #""*/10 * * * *""#)])
        #expect(throws: ConfigForm.Refusal.self) { try ConfigForm.taskChanges(["schedule": "daily"], current: current).get() }
        #expect(ConfigForm.settingsChanges(["enable_logging": "false", "enable_holiday_check": "true"], current: ["enable_holiday_check": "true"])
            == [EditSetting(key: "enable_logging", value: "false")])
    }

    @Test func theHistoryRemembersThePagesBefore() {
        let first = HistoryPage.Position(query: [:])
        #expect(first.cursor == nil && first.previous.isEmpty)
        let third = HistoryPage.Position(query: ["cursor": "20", "prev": "-,70"])
        #expect(third.cursor == 20 && third.previous == [nil, 70])
        #expect(HistoryPage.Position(query: ["cursor": "0", "prev": "-"]) == HistoryPage.Position())
        let long = HistoryPage.Position(query: ["cursor": "5", "prev": (1...80).map(String.init).joined(separator: ",")])
        #expect(long.previous.count == HistoryPage.Position.maxPrevious && long.previous.last == 80)
    }
}
