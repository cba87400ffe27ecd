"""What every service process shares, one concept per module.

- `nats_server`: a real nats-server with JetStream, for tests and `leanbus stack`.
- `health`: /metrics, /healthz and /readyz over a small asyncio HTTP server.
- `probe`: a container's health check, `python -m services.common.probe` (standard library only).
- `metrics`: `ServiceMetrics`, a service's Prometheus metrics in a registry of its own.
- `log_setup`: JSON logs for structlog and stdlib records alike, with secrets masked.
- `shutdown`: SIGTERM and SIGINT as an `asyncio.Event`, so a service drains before it exits.
"""
