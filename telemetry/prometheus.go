package telemetry

// PrometheusAddr is the host:port the Prometheus /metrics endpoint listens
// on when OTEL_METRICS_EXPORTER includes prometheus, useful with
// OTEL_EXPORTER_PROMETHEUS_PORT=0 (any free port); "" otherwise.
func (t *Telemetry) PrometheusAddr() string {
	if t == nil || t.pipelines == nil {
		return ""
	}
	return t.pipelines.PrometheusAddr()
}
