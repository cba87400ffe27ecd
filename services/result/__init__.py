"""The result service: `python -m services.result` (see `services.common`)."""
