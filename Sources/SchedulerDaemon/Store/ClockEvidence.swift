import Foundation
import Glibc

/// What a reservation records about the wall clock, so that a later start can tell whether the
/// wall clock can have reached the reserved instant since: the kernel's boot id, and the offset of
/// CLOCK_REALTIME from CLOCK_BOOTTIME (which counts the time since boot, suspends included, and is
/// never stepped). In one boot, the offset changes only when the wall clock is set (a step) or
/// slewed (NTP: at most 0.5 ms a second); a step back would hide that an instant already came.
public struct ClockEvidence: Sendable, Equatable {
    /// `/proc/sys/kernel/random/boot_id` (empty when unreadable: then nothing is inferred).
    public let bootID: String
    /// CLOCK_REALTIME − CLOCK_BOOTTIME, in milliseconds.
    public let offsetMs: Int64

    /// The largest change of the offset still taken as "not stepped": slewing between a reservation
    /// and a restart seconds later moves it by well under a millisecond.
    public static let toleranceMs: Int64 = 500

    public init(bootID: String, offsetMs: Int64) {
        self.bootID = bootID
        self.offsetMs = offsetMs
    }

    /// Read now.
    public static func current() -> ClockEvidence {
        var real = timespec(), boot = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        clock_gettime(CLOCK_BOOTTIME, &boot)
        let offset = (Int64(real.tv_sec) - Int64(boot.tv_sec)) * 1000 + (Int64(real.tv_nsec) - Int64(boot.tv_nsec)) / 1_000_000
        return ClockEvidence(bootID: bootID, offsetMs: offset)
    }

    /// True when `later` is of the same boot and the wall clock was not stepped between the two:
    /// then an instant still ahead of the wall clock at `later` was ahead of it all along.
    public func unsteppedUntil(_ later: ClockEvidence) -> Bool {
        !bootID.isEmpty && bootID == later.bootID && abs(later.offsetMs - offsetMs) <= Self.toleranceMs
    }

    private static let bootID: String = {
        guard let bytes = ProcFiles.read("/proc/sys/kernel/random/boot_id", limit: 64) else { return "" }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }()
}
