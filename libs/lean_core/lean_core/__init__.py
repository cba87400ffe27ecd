"""lean_core: the pure domain logic of leanbus (no NATS, no global state)."""

__version__ = "0.1.0"
