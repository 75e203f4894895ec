import Foundation
import Logging
import MarketCalendar
import Scheduling

/// Reservations: the slots of the next due instant are claimed before it comes, all in one
/// durable write on the store lane, `reservationLead` seconds ahead (or at once, when the instant
/// is nearer). At the instant only the spawn remains. A reservation the daemon does not use is
/// released; one left when the daemon dies is settled at the next start (`settleReservations`).
extension Daemon {
    /// How far ahead of their instants slots are claimed: every occurrence due within the next
    /// `reservationLead` seconds is reserved, so a commit that stalls for a few seconds (an fsync
    /// behind someone else's write-back, a database fail-over) still finds the next instants
    /// claimed. A daemon killed meanwhile and restarted before those instants releases them (the
    /// wall clock did not reach them); after them, they are recorded abandoned (they may have run).
    static let reservationLead: Int64 = 5

    /// `reservationLead`, or a fault test's `V6_FAULT_RESERVATION_LEAD` (seconds; unset in production).
    var reservationLead: Int64 {
        options.environment["V6_FAULT_RESERVATION_LEAD"].flatMap { Int64($0) }.map { max(1, $0) } ?? Self.reservationLead
    }

    /// Reserves the occurrences due within `reservationLead` seconds that are not reserved yet,
    /// and arms the reserve timer for the next one beyond. Called whenever the timer is re-armed.
    func planReservation() {
        // With the shared store every start claims at its instant (a claim there is one round
        // trip; reservations across hosts are not built).
        guard let lane, !shuttingDown, cluster == nil else { return }
        let lead = reservationLead
        let horizon = clock.now() + lead
        if horizon > reservations.reservedThrough {
            let planned = core.planStarts(after: reservations.reservedThrough, through: horizon)
            reservations.begin(planned, through: horizon)
            if !planned.isEmpty {
                lane.submit(.reserve(planned, evidence: .current(), at: clock.now())) { [weak self] result in
                    Task(priority: .high) { await self?.reserved(planned, result) }
                }
            }
        }
        if let next = core.nextOccurrence(after: reservations.reservedThrough) {
            reserveTimer?.arm(at: next - lead)
        } else {
            reserveTimer?.arm(at: nil)
        }
    }

    /// A reservation came back: starts that waited for it go on.
    func reserved(_ planned: [PlannedStart], _ result: Result<StoreWriteResult, StoreError>) {
        var claims: [String: Bool]? = nil
        if case .success(.claims(let won)) = result { claims = won }
        let lost = claims.map { won in planned.filter { won[$0.runID] != true } } ?? []
        for slot in lost {
            logger.info("slot claimed before: it does not run here", metadata: ["task": "\(slot.task)", "run_id": "\(slot.runID)",
                                                                               "scheduled_at": "\(core.calendar.zone.iso8601(slot.scheduledAt))"])
        }
        if claims?.values.contains(true) == true { pauseForFaultTest(at: "after-reserve") }
        for (run, claim) in reservations.settle(planned, claims: claims) { resume(run, claim: claim) }
        if shuttingDown { releaseAllReservations() } else { releaseUnusedReservations(upTo: processedInstant) }
    }

    /// The last instant the core has handled (occurrences at or before it are taken).
    var processedInstant: Instant { core.processedUntil }

    /// Releases the reservations of instants already handled that no run used.
    func releaseUnusedReservations(upTo now: Instant) {
        let unused = reservations.unused(upTo: now)
        guard !unused.isEmpty, let lane else { return }
        lane.submit(.release(unused))
    }

    /// The reserve timer fired: reserve what is now within the lead.
    func reserveDue() {
        planReservation()
    }

    /// At a stop: the reservations of runs that never started are released.
    func releaseAllReservations() {
        let unused = reservations.drain()
        guard !unused.isEmpty, let lane else { return }
        lane.submit(.release(unused))
    }

    /// At start: reservations an earlier daemon left are released (their instant never came) or
    /// recorded abandoned (it may have started them); returns the abandoned runs.
    func settleReservations(store: RunStore, now: Instant) throws(StoreError) -> [RunRecord] {
        let settled = try store.settleReservations(now: clock.currentDate().timeIntervalSince1970, at: now, evidence: .current())
        for slot in settled.released {
            logger.info("reservation released: the daemon stopped before its instant came", metadata: [
                "task": "\(slot.task)", "run_id": "\(slot.runID)", "scheduled_at": "\(core.calendar.zone.iso8601(slot.scheduledAt))"])
        }
        return settled.abandoned
    }
}
