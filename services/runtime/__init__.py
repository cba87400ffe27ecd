"""What every service process shares: a nats-server to run, HTTP probes, metrics, logs, shutdown."""
