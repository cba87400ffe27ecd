"""The transaction service: `python -m services.transaction` (see `services.common`)."""
