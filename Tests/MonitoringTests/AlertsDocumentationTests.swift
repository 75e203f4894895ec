import Foundation
import Testing
@testable import Monitoring
@testable import Scheduling

/// docs/alerts.md lists every metric (name, type, labels) and every channel key the code knows.
@Suite struct AlertsDocumentationTests {
    static let document: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/alerts.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    @Test func everyMetricIsDocumentedWithItsTypeAndLabels() {
        for spec in MetricCatalog.all {
            let labels = spec.labels.map { "`\($0)`" }.joined(separator: ", ")
            let row = "| `\(spec.name)` | \(spec.kind.rawValue) | " + (labels.isEmpty ? "|" : "\(labels) |")
            #expect(Self.document.contains(row), "\(spec.name)")
        }
    }

    @Test func everyChannelKeyAndEventIsDocumented() {
        let keys = ConfigReader.channelCommonKeys + ConfigReader.channelKeysByType.values.joined()
        for key in Set(keys) {
            let rows = Self.document.split(separator: "\n").filter { $0.hasPrefix("| `") }
            #expect(rows.contains { $0.split(separator: "|").first?.contains("`\(key)`") == true }, "\(key)")
        }
        for key in ConfigReader.notifySchedulerKeys { #expect(Self.document.contains("| `\(key)` |"), "\(key)") }
        for event in AlertEventKind.allCases { #expect(Self.document.contains("| `\(event.rawValue)` |"), "\(event)") }
    }
}
