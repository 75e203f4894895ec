// The notify protocol against a real datagram socket, as systemd would receive it, and the
// environment systemd sets (WATCHDOG_USEC/WATCHDOG_PID, LISTEN_FDS/LISTEN_PID). All of these
// read process-wide environment variables, hence one serialized suite.
import Foundation
import Glibc
import SchedulerDaemon
import TestSupport
import Testing

@Suite(.serialized)
struct NotifierTests {
    @Test func sendsEachStateInOrderWithItsContents() throws {
        let directory = try TemporaryDirectory("v6notify")
        let socket = try NotifySocketListener(path: directory.file("notify.sock"))
        let notifier = Notifier()
        var before: UInt64 = 0, after: UInt64 = 0
        withEnvironment(["NOTIFY_SOCKET": socket.path]) {
            #expect(notifier.isSupervised)
            #expect(notifier.ready() == .sent)
            #expect(notifier.status("2 tasks running\nnext: health_check") == .sent)
            #expect(notifier.watchdog() == .sent)
            before = Notifier.monotonicMicroseconds()
            #expect(notifier.reloading() == .sent)
            after = Notifier.monotonicMicroseconds()
            #expect(notifier.ready(status: "reloaded") == .sent)
            #expect(notifier.stopping() == .sent)
        }
        #expect(socket.receive(from: getpid())?.text == "READY=1")
        #expect(socket.receive(from: getpid())?.text == "STATUS=2 tasks running next: health_check")
        #expect(socket.receive(from: getpid())?.text == "WATCHDOG=1")
        let reload = try #require(socket.receive(from: getpid())?.text).split(separator: "\n").map(String.init)
        #expect(reload.count == 2)
        #expect(reload.first == "RELOADING=1")
        let stamp = try #require(reload.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? UInt64($0.dropFirst(15)) : nil },
                                 "second line should be MONOTONIC_USEC=<number>: \(reload)")
        #expect(stamp >= before && stamp <= after, "MONOTONIC_USEC \(stamp) outside [\(before), \(after)]")
        #expect(socket.receive(from: getpid())?.text == "READY=1\nSTATUS=reloaded")
        #expect(socket.receive(from: getpid())?.text == "STOPPING=1")
    }

    @Test func isANoOpWithoutNotifySocket() throws {
        let directory = try TemporaryDirectory("v6notify")
        let socket = try NotifySocketListener(path: directory.file("notify.sock"))
        withEnvironment(["NOTIFY_SOCKET": nil]) {
            let notifier = Notifier()
            #expect(!notifier.isSupervised)
            #expect(notifier.ready() == .notSupervised)
            #expect(notifier.status("idle") == .notSupervised)
            #expect(notifier.watchdog() == .notSupervised)
            #expect(notifier.reloading() == .notSupervised)
            #expect(notifier.stopping() == .notSupervised)
        }
        // Not a wait for something not to come: a datagram to a Unix socket is queued by the time
        // sendmsg returns, so anything sent above would be there already.
        #expect(socket.receive(from: getpid(), timeout: 0.2)?.text == nil)
    }

    @Test func reportsASocketNobodyListensOn() throws {
        let directory = try TemporaryDirectory("v6notify")
        let missing = directory.file("gone.sock")
        let result = withEnvironment(["NOTIFY_SOCKET": missing]) { Notifier().ready() }
        guard case .failed(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.errno == ENOENT)
        #expect(error.description.contains(missing))
    }

    @Test func readsTheWatchdogIntervalSystemdSetForThisProcess() {
        let me = String(getpid())
        withEnvironment(["WATCHDOG_USEC": "4000000", "WATCHDOG_PID": me]) {
            #expect(Notifier().watchdogInterval == 4.0)
        }
        withEnvironment(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": nil]) {
            #expect(Notifier().watchdogInterval == 30.0)
        }
        withEnvironment(["WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "1"]) {
            #expect(Notifier().watchdogInterval == nil, "the interval is meant for another process")
        }
        withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
            #expect(Notifier().watchdogInterval == nil)
        }
        withEnvironment(["WATCHDOG_USEC": "soon", "WATCHDOG_PID": me]) {
            #expect(Notifier().watchdogInterval == nil)
        }
    }

    // sd_listen_fds only touches descriptors 3... when LISTEN_PID is this process and
    // LISTEN_FDS is valid; these cases stay clear of that, since fd 3 belongs to the test
    // runner here. Real activation is the end-to-end tests' (systemd-socket-activate).
    @Test func socketActivationIsAbsentUnlessSystemdPassedSockets() throws {
        try withEnvironment(["LISTEN_FDS": nil, "LISTEN_PID": nil]) { () throws in
            #expect(try ListenFDs.unixSocket() == nil)
        }
        try withEnvironment(["LISTEN_FDS": "1", "LISTEN_PID": "1"]) { () throws in
            #expect(try ListenFDs.unixSocket() == nil, "sockets passed to another process are not ours")
            #expect(getenv("LISTEN_FDS") == nil, "the variables are cleared so tasks do not inherit them")
        }
        withEnvironment(["LISTEN_FDS": "many", "LISTEN_PID": String(getpid())]) {
            #expect(throws: SystemdError.self) { try ListenFDs.unixSocket() }
        }
    }
}
