"""The data-feed service: `python -m services.data_feed` (see `services.common`)."""
