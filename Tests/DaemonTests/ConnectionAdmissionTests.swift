import Testing
@testable import SchedulerDaemon

/// Who gets a control connection (the decision alone; the socket tests are in CLITests).
@Suite struct ConnectionAdmissionTests {
    @Test func oneUIDGetsItsShareAndNoMore() {
        var admission = ConnectionAdmission(total: 10, perUID: 3, reserved: 2)
        for _ in 0..<3 { #expect(admission.admit(uid: 1000, privileged: false) == .admitted) }
        guard case .refused(let message) = admission.admit(uid: 1000, privileged: false) else {
            Issue.record("a fourth connection of uid 1000 was admitted")
            return
        }
        #expect(message.contains("from uid 1000 (3)"))
        #expect(admission.admit(uid: 1001, privileged: false) == .admitted)
        admission.release(uid: 1000)
        #expect(admission.admit(uid: 1000, privileged: false) == .admitted)
    }

    @Test func theLastSlotsAreKeptForPeersThatMayChangeThings() {
        var admission = ConnectionAdmission(total: 6, perUID: 2, reserved: 2)
        for uid in [1, 1, 2, 2] as [UInt32] { #expect(admission.admit(uid: uid, privileged: false) == .admitted) }
        guard case .refused(let message) = admission.admit(uid: 3, privileged: false) else {
            Issue.record("an unprivileged peer took a reserved slot")
            return
        }
        #expect(message.contains("kept for root and the control group"))
        #expect(admission.admit(uid: 0, privileged: true) == .admitted)
        #expect(admission.admit(uid: 4, privileged: true) == .admitted)
        // Full: even root is turned away, saying so.
        #expect(admission.admit(uid: 0, privileged: true) == .refused("too many connections (6); try again"))
        admission.release(uid: 2)
        #expect(admission.open == 5)
        #expect(admission.admit(uid: 5, privileged: false) != .admitted, "the freed slot is one of the reserved ones")
        #expect(admission.admit(uid: 0, privileged: true) == .admitted)
    }
}
