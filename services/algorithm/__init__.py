"""The algorithm service: `python -m services.algorithm` (see `services.common`)."""
