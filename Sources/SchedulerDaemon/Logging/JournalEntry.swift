// sd_journal_send is variadic and cannot be called from Swift, so entries go through
// sd_journal_sendv: an array of iovecs, one `FIELD=value` each. The fields live in one byte
// buffer (one allocation per entry instead of one per field) because task output lines,
// logged one entry each, are the daemon's hottest path. sd_journal_sendv itself handles
// values containing newlines (it switches those fields to the binary-safe encoding).
import CSystemd
import Glibc

/// The fields of one journal entry, sent with `sd_journal_sendv`.
struct JournalEntry {
    private var bytes: [UInt8] = []
    private var fields: [Range<Int>] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
        fields.reserveCapacity(8)
    }

    /// Adds `name=value`; `name` must already be a valid journal field name.
    mutating func append(_ name: String, _ value: String) {
        let start = bytes.count
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        bytes.append(contentsOf: value.utf8)
        fields.append(start..<bytes.count)
    }

    var count: Int { fields.count }

    /// The fields as (name, value) pairs, in order (for `JournalSink.fields(for:)`).
    var pairs: [(name: String, value: String)] {
        fields.map { range in
            let field = bytes[range]
            let equals = field.firstIndex(of: UInt8(ascii: "="))!
            return (String(decoding: field[..<equals], as: UTF8.self), String(decoding: field[(equals + 1)...], as: UTF8.self))
        }
    }

    /// Sends the entry to journald; 0 on success, else a negative errno (as libsystemd does).
    func send() -> Int32 {
        guard !fields.isEmpty else { return -EINVAL }
        return bytes.withUnsafeBytes { raw -> Int32 in
            let base = UnsafeMutableRawPointer(mutating: raw.baseAddress!)
            var vectors = fields.map { iovec(iov_base: base + $0.lowerBound, iov_len: $0.count) }
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
    }

    /// The journal field for a metadata key: `V6_` + the key uppercased, anything but
    /// ASCII letters and digits as `_` (`run_id` -> `V6_RUN_ID`). Journal field names allow
    /// only A-Z, 0-9 and `_`, at most 64 characters.
    static func fieldName(forMetadataKey key: String) -> String {
        switch key {  // the keys the daemon uses on every run, without the conversion
        case "task": return "V6_TASK"
        case "run_id": return "V6_RUN_ID"
        case "stream": return "V6_STREAM"
        case "outcome": return "V6_OUTCOME"
        case "exit_code": return "V6_EXIT_CODE"
        case "duration_ms": return "V6_DURATION_MS"
        default: break
        }
        var name = "V6_"
        for scalar in key.unicodeScalars.prefix(61) {
            switch scalar.value {
            case 0x61...0x7A: name.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x20)!)
            case 0x41...0x5A, 0x30...0x39: name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        return name
    }
}
