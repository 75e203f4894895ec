import MarketCalendar
import Scheduling

/// One write of the daemon's run path, handed to the store through `StoreLane` and committed in a
/// batch with whatever else was queued meanwhile (one transaction, one fsync).
public enum StoreWrite: Sendable {
    /// Claims these slots ahead of their instant (each for its planned run id); result `.claims`.
    case reserve([PlannedStart], evidence: ClockEvidence, at: Instant)
    /// Claims the run's slot and records the run (a start nobody reserved); result `.claimed`.
    case claim(RunRecord)
    /// Records (inserts or updates) a run; a reservation of its run id is settled with it.
    case record(RunRecord, historyLimit: Int)
    /// Reservations the daemon did not use (the task was disabled or reloaded away by its
    /// instant, or its start waits for upstreams): released, since their runs never started.
    case release([PlannedStart])
}

/// What a `StoreWrite` came to.
public enum StoreWriteResult: Sendable, Equatable {
    case done
    /// Per reserved run id: the slot is this daemon's (true) or was claimed before (false).
    case claims([String: Bool])
    /// The slot was this daemon's and the run is recorded (true), or it was claimed before (false).
    case claimed(Bool)
}
