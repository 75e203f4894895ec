import ControlProtocol

/// SVG charts drawn on the server: pure functions of their data, no script.
public enum Charts {
    /// One bar of a bar chart.
    public struct Bar: Sendable {
        public let value: Double
        public let label: String
        /// A CSS class for the colour (an outcome name).
        public let kind: String
        public init(value: Double, label: String, kind: String) {
            self.value = value
            self.label = label
            self.kind = kind
        }
    }

    static let colours = ["success": "#2e9d4f", "failed": "#d0463b", "fatal": "#8c1d18", "timeout": "#e07b00",
                          "retrying": "#e0b000", "skipped": "#b0b6c2", "abandoned": "#7a5c99", "running": "#1f5fbf",
                          "queued": "#9fb4d9", "count": "#1f5fbf"]

    /// Bars left to right (oldest first), the axis labelled in `unit`; each bar has a tooltip.
    public static func bars(_ bars: [Bar], title: String, unit: String, width: Int = 560, height: Int = 180) -> HTML {
        let left = 48, bottom = 20, top = 22
        let plotW = width - left - 8, plotH = height - top - bottom
        let maxValue = max(bars.map(\.value).max() ?? 0, 1)
        let step = bars.isEmpty ? 0 : Double(plotW) / Double(bars.count)
        var parts: [HTML] = ["<text x=\"4\" y=\"14\">\(title)</text>"]
        for fraction in [0.0, 0.5, 1.0] {
            let y = top + plotH - Int(Double(plotH) * fraction)
            parts.append("<line x1=\"\(left)\" x2=\"\(width - 8)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#e3e6ec\"/>")
            parts.append("<text x=\"2\" y=\"\(y + 4)\">\(format(maxValue * fraction)) \(unit)</text>")
        }
        for (index, bar) in bars.enumerated() {
            let h = max(1, Int(Double(plotH) * bar.value / maxValue))
            let x = Double(left) + Double(index) * step
            parts.append("<rect x=\"\(format(x + 1))\" y=\"\(top + plotH - h)\" width=\"\(format(max(1, step - 2)))\" height=\"\(h)\" fill=\"\(colours[bar.kind] ?? "#888")\"><title>\(bar.label)</title></rect>")
        }
        if bars.isEmpty { parts.append("<text x=\"\(left + 10)\" y=\"\(top + plotH / 2)\">no runs yet</text>") }
        return "<svg role=\"img\" aria-label=\"\(title)\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">\(parts)</svg>"
    }

    /// `12`, `3.5`, `1200`.
    static func format(_ value: Double) -> String {
        if value >= 100 || value == value.rounded() { return String(Int(value.rounded())) }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
