/// A Time Zone Information Format file (RFC 8536), as `zic` writes them under /usr/share/zoneinfo.
///
/// Only what a UTC-offset table needs is kept: the transition times, the offset each one
/// switches to, the offset before the first, and the footer's TZ string, which gives the rule
/// for instants after the last transition. Version 1 files have no 64-bit data and no footer
/// and are refused: their table stops in 2037.
public struct TZifFile: Sendable, Equatable {
    /// The format version: 2, 3 or 4 (version 1 is refused).
    public let version: Int
    /// Transition instants (UTC seconds), ascending, each with the offset (seconds east of UTC)
    /// in force from it on.
    public let transitions: [(at: Int64, offset: Int)]
    /// The offset of local time type 0, in force before the first transition (RFC 8536, 3.2).
    public let initialOffset: Int
    /// The POSIX TZ string of the footer (e.g. `EST5EDT,M3.2.0,M11.1.0`); empty when the zone
    /// has no rule for later instants.
    public let footer: String

    public static func == (a: TZifFile, b: TZifFile) -> Bool {
        a.version == b.version && a.initialOffset == b.initialOffset && a.footer == b.footer
            && a.transitions.elementsEqual(b.transitions) { $0.at == $1.at && $0.offset == $1.offset }
    }

    /// Parses a whole file; throws on anything RFC 8536 does not allow.
    public static func parse(_ bytes: [UInt8]) throws(TZifError) -> TZifFile {
        var reader = Reader(bytes: bytes)
        let first = try Header(&reader)
        guard first.version >= 2 else {
            throw TZifError("version 1 file: it has no 64-bit data and no footer rule, so it ends in 2037")
        }
        try reader.skip(first.dataLength(timeSize: 4))  // the version 1 block
        let header = try Header(&reader)
        guard header.version == first.version else {
            throw TZifError("the second header says version \(header.version), the first \(first.version)")
        }
        var times: [Int64] = []
        times.reserveCapacity(header.timecnt)
        for _ in 0..<header.timecnt {
            let t = Int64(bitPattern: try reader.uint64())
            if let last = times.last, t <= last { throw TZifError("transition times are not ascending at \(t)") }
            times.append(t)
        }
        var indices: [Int] = []
        for _ in 0..<header.timecnt {
            let i = Int(try reader.byte())
            guard i < header.typecnt else { throw TZifError("transition type \(i) is not one of the \(header.typecnt) types") }
            indices.append(i)
        }
        var offsets: [Int] = []
        for _ in 0..<header.typecnt {
            let utoff = Int(Int32(bitPattern: try reader.uint32()))
            let isdst = try reader.byte(), desig = Int(try reader.byte())
            // -2^31 is forbidden; real zones stay within a day (RFC 8536 suggests -25 h to +26 h).
            guard utoff > -93_600, utoff < 93_600, isdst <= 1, desig < max(header.charcnt, 1) else {
                throw TZifError("local time type with offset \(utoff), isdst \(isdst), designation \(desig) is invalid")
            }
            offsets.append(utoff)
        }
        try reader.skip(header.charcnt + header.leapcnt * 12 + header.isstdcnt + header.isutcnt)
        guard try reader.byte() == 0x0A else { throw TZifError("no newline before the footer") }
        guard let end = reader.bytes[reader.offset...].firstIndex(of: 0x0A) else {
            throw TZifError("the footer does not end with a newline")
        }
        let footer = String(decoding: reader.bytes[reader.offset..<end], as: UTF8.self)
        return TZifFile(version: header.version,
                        transitions: zip(times, indices).map { ($0, offsets[$1]) },
                        initialOffset: offsets[0], footer: footer)
    }

    /// The 44-byte header (RFC 8536, 3.1).
    private struct Header {
        let version: Int
        let isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: Int

        init(_ reader: inout Reader) throws(TZifError) {
            guard try reader.take(4).elementsEqual("TZif".utf8) else { throw TZifError("not a TZif file (no TZif magic)") }
            let v = try reader.byte()
            switch v {
            case 0: version = 1
            case UInt8(ascii: "2")...UInt8(ascii: "9"): version = Int(v - UInt8(ascii: "0"))
            default: throw TZifError("unknown version byte \(v)")
            }
            try reader.skip(15)
            var counts: [Int] = []
            for _ in 0..<6 { counts.append(Int(try reader.uint32())) }
            (isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt) = (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
            guard typecnt >= 1, isutcnt == 0 || isutcnt == typecnt, isstdcnt == 0 || isstdcnt == typecnt,
                  timecnt < 1 << 20, typecnt <= 256, charcnt < 1 << 16, leapcnt < 1 << 16 else {
                throw TZifError("implausible counts: \(counts) (isut, isstd, leap, time, type, char)")
            }
        }

        func dataLength(timeSize: Int) -> Int {
            timecnt * timeSize + timecnt + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt
        }
    }

    /// Big-endian reads that fail, rather than trap, at the end of the bytes.
    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ n: Int) throws(TZifError) -> ArraySlice<UInt8> {
            guard n >= 0, bytes.count - offset >= n else { throw TZifError("truncated at byte \(offset)") }
            defer { offset += n }
            return bytes[offset..<offset + n]
        }

        mutating func skip(_ n: Int) throws(TZifError) { _ = try take(n) }
        mutating func byte() throws(TZifError) -> UInt8 { try take(1).first! }
        mutating func uint32() throws(TZifError) -> UInt32 { try take(4).reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func uint64() throws(TZifError) -> UInt64 { try take(8).reduce(0) { $0 << 8 | UInt64($1) } }
    }
}

/// What is wrong with a TZif file or its footer rule.
public struct TZifError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
