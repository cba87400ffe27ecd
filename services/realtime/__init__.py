"""The realtime service: `python -m services.realtime` (see `services.common`)."""
