/// Writes instants as ET ISO-8601 bytes (`2026-11-27T09:30:00-05:00`) into a buffer,
/// reusing the date and offset of the previous instant when they are the same: bulk
/// output (`plan`, `calendar sessions`) writes hundreds of thousands of them.
public struct ISO8601Writer {
    public let zone: ZoneRules
    private var cachedDay = Int.min
    private var cachedOffset = Int.min
    private var datePrefix: [UInt8] = []   // "2026-11-27T"
    private var offsetSuffix: [UInt8] = [] // "-05:00"

    public init(zone: ZoneRules) { self.zone = zone }

    public mutating func append(_ instant: Instant, to buffer: inout [UInt8]) {
        let offset = zone.offset(at: instant)
        let local = instant.seconds + Int64(offset)
        let day = Int(floorDiv(local, 86_400))
        if day != cachedDay || offset != cachedOffset {
            cachedDay = day
            cachedOffset = offset
            datePrefix = Array((LocalDate(dayNumber: day).description + "T").utf8)
            offsetSuffix = Array(ZoneRules.offsetString(offset).utf8)
        }
        let seconds = Int(local - Int64(day) * 86_400)
        buffer.append(contentsOf: datePrefix)
        Self.twoDigits(seconds / 3600, &buffer)
        buffer.append(58)
        Self.twoDigits(seconds / 60 % 60, &buffer)
        buffer.append(58)
        Self.twoDigits(seconds % 60, &buffer)
        buffer.append(contentsOf: offsetSuffix)
    }

    @inline(__always)
    private static func twoDigits(_ value: Int, _ buffer: inout [UInt8]) {
        buffer.append(UInt8(48 + value / 10))
        buffer.append(UInt8(48 + value % 10))
    }
}
