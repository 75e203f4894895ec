import CoreMetrics
import Monitoring
import Prometheus

/// swift-metrics' factory over a swift-prometheus registry, which gives every metric the help
/// text and buckets of its `MetricCatalog` entry (the stock `PrometheusMetricsFactory` leaves
/// help empty, and `promtool check metrics` wants it). Labels not in the catalog are a bug.
struct CatalogMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    private func spec(_ label: String) -> MetricSpec {
        guard let spec = MetricCatalog.spec(named: label) else { preconditionFailure("metric \(label) is not in MetricCatalog") }
        return spec
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: spec(label).help)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: spec(label).help)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let spec = spec(label)
        guard aggregate else { return registry.makeGauge(name: label, labels: dimensions, help: spec.help) }
        return registry.makeValueHistogram(name: label, labels: dimensions, buckets: spec.buckets, help: spec.help)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(name: label, labels: dimensions, help: spec(label).help)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let spec = spec(label)
        let buckets = spec.buckets.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        return registry.makeDurationHistogram(name: label, labels: dimensions, buckets: buckets, help: spec.help)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
