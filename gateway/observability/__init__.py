"""What operators see: traces (`tracing`, OpenTelemetry over OTLP) and metrics (`metrics`,
Prometheus). The bottom layer beside the errors: every other layer may record here, and this
package imports nothing else of the gateway's."""
