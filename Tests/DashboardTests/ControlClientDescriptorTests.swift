import Foundation
import Testing
import TestSupport

/// The control client closes each descriptor once, also when it cannot connect. A failed
/// connect used to close its socket in `init` and again in `deinit`: in the dashboard (calls on
/// many threads) the second close could take another thread's descriptor, a client's HTTP
/// connection or a pipe. Audited with a preloaded `close` that records EBADF (`CloseAudit`).
@Suite struct ControlClientDescriptorTests {
    @Test func v6ctlClosesEachDescriptorOnceWhenTheDaemonIsUnreachable() throws {
        let dir = try TemporaryDirectory("v6fd")
        guard let audit = try CloseAudit.build(in: dir) else {
            Issue.record("no C compiler (clang, cc or gcc) to build the close audit; the Swift toolchain has clang")
            return
        }
        try "not a socket".write(toFile: dir.file("file.sock"), atomically: true, encoding: .utf8)
        let long = dir.file(String(repeating: "x", count: 120) + ".sock")
        for socket in [dir.file("missing.sock"), dir.file("file.sock"), long] {
            let result = try Command.run("v6ctl", ["status", "--socket", socket], environment: audit.environment)
            #expect(result.status != 0, "v6ctl status --socket \(socket) must fail: \(result.stdout)")
        }
        let records = audit.doubleCloses(by: "/v6ctl")
        #expect(records.isEmpty, "\(records.count) processes closed a descriptor twice; first: \(records.first?.prefix(600) ?? "")")
    }

    @Test func theDashboardClosesEachDescriptorOnceWhenTheDaemonIsDown() throws {
        let dir = try TemporaryDirectory("v6fd")
        guard let audit = try CloseAudit.build(in: dir) else {
            Issue.record("no C compiler (clang, cc or gcc) to build the close audit; the Swift toolchain has clang")
            return
        }
        let dashboard = try DashboardProcess(socket: dir.file("missing.sock"), directory: dir, environment: audit.environment)
        defer { _ = dashboard.stop() }
        let (cookie, _) = try dashboard.signIn()
        for page in ["/", "/history", "/calendar", "/api/v1/status"] {
            let response = try dashboard.request(page, headers: ["Cookie: \(cookie)"])
            #expect(response.status != 0, "\(page) answered")
        }
        #expect(dashboard.stop() == 0)
        let records = audit.doubleCloses(by: "/v6-dashboard")
        #expect(records.isEmpty, "the dashboard closed a descriptor twice: \(records.first?.prefix(600) ?? "")")
    }
}
