/// Writes sets of numbers compactly, for cron (`1-5`, `*/5`, `30-55/5`) and systemd (`1..5`, `00/5`).
enum NumberList {
    enum Style { case cron, systemd }

    /// `values` (sorted, within `range`) as one field; `*` when it is the whole range.
    /// `star: false` never writes `*` (a cron day field that must count as restricted).
    static func render(_ values: [Int], range: ClosedRange<Int>, style: Style, pad: Bool = false, star: Bool = true) -> String {
        let text = { (v: Int) in pad && v < 10 ? "0\(v)" : String(v) }
        if values == Array(range) {
            if star { return "*" }
            return "\(range.lowerBound)-\(range.upperBound)"
        }
        if values.count >= 3, let step = commonStep(values), step > 1 {
            let reachesEnd = values.last! + step > range.upperBound
            switch style {
            case .cron:
                if star, values.first == range.lowerBound && reachesEnd { return "*/\(step)" }
                return "\(values.first!)-\(values.last!)/\(step)"
            case .systemd:
                if reachesEnd { return "\(text(values.first!))/\(step)" }
            }
        }
        var parts: [String] = []
        var i = 0
        while i < values.count {
            var j = i
            while j + 1 < values.count, values[j + 1] == values[j] + 1 { j += 1 }
            if j - i >= 2 {
                parts.append(text(values[i]) + (style == .cron ? "-" : "..") + text(values[j]))
            } else {
                parts += values[i...j].map(text)
            }
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    private static func commonStep(_ values: [Int]) -> Int? {
        let step = values[1] - values[0]
        for k in 1..<values.count where values[k] - values[k - 1] != step { return nil }
        return step
    }
}
