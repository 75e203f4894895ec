import Foundation
import MarketCalendar
import Scheduling

/// The rows of `plan` in its output format, written to stdout in 64 KiB pieces as they come.
struct PlanWriter {
    private let format: PlanCommand.PlanFormat
    private var writer: ISO8601Writer
    private var out: [UInt8] = []
    private var rows = 0
    static let chunkBytes = 65_536

    init(format: PlanCommand.PlanFormat, zone: ZoneRules) {
        self.format = format
        writer = ISO8601Writer(zone: zone)
        out.reserveCapacity(Self.chunkBytes + 256)
        switch format {
        case .csv: out += Array("time,task\n".utf8)
        case .table: out += Array("TIME                       TASK\n".utf8)
        case .json: out.append(UInt8(ascii: "["))
        }
    }

    mutating func row(_ entry: Planner.Entry) {
        switch format {
        case .csv:
            writer.append(entry.time, to: &out)
            out.append(UInt8(ascii: ","))
            out += entry.task.utf8
            out.append(10)
        case .table:
            writer.append(entry.time, to: &out)
            out += Array("  ".utf8)
            out += entry.task.utf8
            out.append(10)
        case .json:
            out += Array((rows == 0 ? "\n  {\"time\":\"" : ",\n  {\"time\":\"").utf8)
            writer.append(entry.time, to: &out)
            out += Array("\",\"task\":\"".utf8)
            out += entry.task.utf8
            out += Array("\"}".utf8)
        }
        rows += 1
        if out.count >= Self.chunkBytes { flush() }
    }

    mutating func finish() {
        if format == .json { out += Array((rows == 0 ? "]\n" : "\n]\n").utf8) }
        flush()
    }

    private mutating func flush() {
        FileHandle.standardOutput.write(Data(out))
        out.removeAll(keepingCapacity: true)
    }
}
