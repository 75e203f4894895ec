import CoreMetrics
import Foundation
import MarketCalendar
import Monitoring
import Prometheus
import Scheduling
import Synchronization

/// The daemon's metrics, through the swift-metrics API, kept in a swift-prometheus registry of
/// its own (no process-global bootstrap: two daemons in one test process do not mix). Events
/// (runs, alerts, reloads, requests) count as they happen; state gauges are refreshed from the
/// daemon just before each exposition. Thread-safe: the control server counts requests from
/// its event loop.
final class DaemonMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: CatalogMetricsFactory
    /// Tasks whose per-task gauges exist, to drop them when a reload removes the task.
    private let gaugedTasks = Mutex(Set<String>())

    init(version: String, tzdata: String) {
        factory = CatalogMetricsFactory(registry: registry)
        gauge(MetricCatalog.buildInfo, [("version", version), ("tzdata", tzdata)]).record(1)
        for result in ["success", "failure"] { _ = counter(MetricCatalog.configReloads, [("result", result)]) }
    }

    // MARK: - Events

    func runFinished(task: String, outcome: Outcome, durationMs: Int64?, usage: RunUsage?) {
        counter(MetricCatalog.taskRuns, [("task", task), ("outcome", outcome.rawValue)]).increment()
        if let durationMs {
            CoreMetrics.Timer(label: MetricCatalog.taskDuration.name, dimensions: [("task", task)], factory: factory)
                .recordMilliseconds(durationMs)
        }
        if let usage {
            gauge(MetricCatalog.taskCPU, [("task", task)]).record(usage.cpuSeconds)
            gauge(MetricCatalog.taskMaxRSS, [("task", task)]).record(Double(usage.maxRSSBytes))
        }
    }

    func lateness(task: String, seconds: Double) {
        Recorder(label: MetricCatalog.taskLateness.name, dimensions: [("task", task)], aggregate: true, factory: factory)
            .record(max(0, seconds))
    }

    func notification(channel: String, result: String) {
        counter(MetricCatalog.notifications, [("channel", channel), ("result", result)]).increment()
    }

    func reload(succeeded: Bool) {
        counter(MetricCatalog.configReloads, [("result", succeeded ? "success" : "failure")]).increment()
    }

    func controlRequest(command: String, result: String) {
        counter(MetricCatalog.controlRequests, [("command", command), ("result", result)]).increment()
    }

    // MARK: - State

    /// What the state gauges show, taken on the daemon's actor.
    struct Snapshot {
        struct TaskState {
            let name: String
            let enabled: Bool
            let running: Bool
            let nextRun: Instant?
            let lastSuccess: Instant?
            let usage: RunUsage?
        }

        let tasks: [TaskState]
        let phase: MarketPhase
        let tradingDay: Bool
    }

    func refresh(_ snapshot: Snapshot) {
        for task in snapshot.tasks {
            let labels = [("task", task.name)]
            gauge(MetricCatalog.taskEnabled, labels).record(task.enabled ? 1 : 0)
            gauge(MetricCatalog.taskRunning, labels).record(task.running ? 1 : 0)
            gauge(MetricCatalog.taskNextRun, labels).record(Double(task.nextRun?.seconds ?? 0))
            gauge(MetricCatalog.taskLastSuccess, labels).record(Double(task.lastSuccess?.seconds ?? 0))
            if let usage = task.usage {
                gauge(MetricCatalog.taskCPU, labels).record(usage.cpuSeconds)
                gauge(MetricCatalog.taskMaxRSS, labels).record(Double(usage.maxRSSBytes))
            }
        }
        let names = Set(snapshot.tasks.map(\.name))
        let gone = gaugedTasks.withLock { seen -> Set<String> in
            defer { seen = names }
            return seen.subtracting(names)
        }
        for task in gone {
            for spec in [MetricCatalog.taskEnabled, MetricCatalog.taskRunning, MetricCatalog.taskNextRun,
                         MetricCatalog.taskLastSuccess, MetricCatalog.taskCPU, MetricCatalog.taskMaxRSS] {
                gauge(spec, [("task", task)]).destroy()
            }
        }
        for phase in MarketPhase.allCases {
            gauge(MetricCatalog.marketPhase, [("phase", phase.rawValue)]).record(phase == snapshot.phase ? 1 : 0)
        }
        gauge(MetricCatalog.tradingDay, []).record(snapshot.tradingDay ? 1 : 0)
    }

    /// The Prometheus text exposition.
    func exposition() -> String { registry.emitToString() }

    // MARK: - Helpers

    private func counter(_ spec: MetricSpec, _ labels: [(String, String)]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: spec.name, dimensions: labels, factory: factory)
    }

    private func gauge(_ spec: MetricSpec, _ labels: [(String, String)]) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: spec.name, dimensions: labels, factory: factory)
    }
}
