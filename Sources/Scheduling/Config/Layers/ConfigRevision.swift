/// The revision of a configuration: a hash of the names and texts of its files (FNV-1a,
/// 64 bits, as 16 hex digits). Edits carry the revision they were based on, and the daemon
/// refuses one whose revision is no longer the running configuration's, so two people editing
/// at once cannot overwrite each other unawares. A hash rather than a counter: it needs no
/// stored state, a hand edit of any file changes it too, and equal texts give equal revisions.
public enum ConfigRevision {
    public static func of(_ files: [ConfigInputs.File]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for file in files {
            for byte in file.path.utf8 { mix(byte) }
            mix(0)
            for byte in file.text.utf8 { mix(byte) }
            mix(0xFF)  // never in UTF-8: ends the text unambiguously
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
