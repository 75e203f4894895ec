import MarketCalendar
import Scheduling

/// The daemon's account of the slots it claims ahead of their instant (reservations): which
/// instants it asked for, which claims are still being written, which are its own and which were
/// claimed before (by an earlier run of this daemon or, with a shared database, another host),
/// and the starts that came due while their reservation was still being written.
///
/// Keyed by run id: the core hands out a reserved occurrence's run id ahead (`planStarts`), and
/// its start or skip carries it.
struct ReservationBook {
    enum Claim: Equatable {
        /// Being written.
        case pending
        /// This daemon's: at the instant, spawn at once.
        case won
        /// Claimed before: the run must not start here.
        case lost
        /// The write failed: claim at the start instead.
        case failed
    }

    struct Entry {
        let slot: PlannedStart
        var claim: Claim
        /// The run waits for a free slot (queued): its start comes later, with this reservation.
        var held = false
    }

    private(set) var entries: [String: Entry] = [:]
    /// Occurrences up to this instant have been planned (reserved, or found to need none).
    private(set) var reservedThrough = Instant(seconds: 0)
    /// Starts that came due while their claim was `pending`, by run id.
    private(set) var waiting: [String: RunStart] = [:]

    var isEmpty: Bool { entries.isEmpty }

    /// A reservation of `planned` (the occurrences due up to `horizon`) is being written.
    mutating func begin(_ planned: [PlannedStart], through horizon: Instant) {
        reservedThrough = max(reservedThrough, horizon)
        for slot in planned { entries[slot.runID] = Entry(slot: slot, claim: .pending) }
    }

    /// The reservation's claims came back (`claims` by run id; nil: the write failed). Returns the
    /// starts that waited for them, with their claims (taken: they leave the book).
    mutating func settle(_ planned: [PlannedStart], claims: [String: Bool]?) -> [(RunStart, Claim)] {
        var ready: [(RunStart, Claim)] = []
        for slot in planned where entries[slot.runID]?.claim == .pending {
            let claim: Claim = claims.map { $0[slot.runID] == true ? .won : .lost } ?? .failed
            entries[slot.runID]?.claim = claim
            if let start = waiting.removeValue(forKey: slot.runID) {
                entries[slot.runID] = nil
                ready.append((start, claim))
            }
        }
        return ready
    }

    /// The claim of a start (or skip) that came due, taken out of the book; nil when the run was not
    /// reserved. A `pending` one keeps its place and the start waits in `waiting`.
    mutating func take(_ start: RunStart) -> Claim? {
        guard let entry = entries[start.runID] else { return nil }
        if entry.claim == .pending {
            waiting[start.runID] = start
            return .pending
        }
        entries[start.runID] = nil
        return entry.claim
    }

    /// The reservation of `runID` is used by a record (a skip): it leaves the book.
    mutating func consume(_ runID: String) -> Claim? {
        entries.removeValue(forKey: runID)?.claim
    }

    /// The run waits for a free slot: keep its reservation for its start.
    mutating func hold(_ runID: String) {
        entries[runID]?.held = true
    }

    /// After the instants up to `now` were handled: the reservations of this daemon that no start,
    /// skip or queued run used (the task was disabled or reloaded away, or its start waits for
    /// upstreams). They leave the book; the daemon releases them. Pending ones stay until settled.
    mutating func unused(upTo now: Instant) -> [PlannedStart] {
        var unused: [PlannedStart] = []
        for (runID, entry) in entries where entry.slot.scheduledAt <= now && !entry.held && entry.claim != .pending
            && waiting[runID] == nil {
            entries[runID] = nil
            if entry.claim == .won { unused.append(entry.slot) }
        }
        return unused.sorted { ($0.scheduledAt, $0.task) < ($1.scheduledAt, $1.task) }
    }

    /// At a stop: every reservation of this daemon that no run took (none of their runs started).
    /// Those still being written, and starts waiting for them, stay until they are settled.
    mutating func drain() -> [PlannedStart] {
        var unused: [PlannedStart] = []
        for (runID, entry) in entries where entry.claim != .pending && waiting[runID] == nil {
            entries[runID] = nil
            if entry.claim == .won { unused.append(entry.slot) }
        }
        return unused
    }
}
