"""Whether a Docker daemon is there: the integration tests' NATS container and the image build need one."""

from __future__ import annotations

import gc
import warnings


def docker_is_available() -> bool:
    """Return whether a Docker daemon answers; a docker CLI without a daemon does not count."""
    # When the daemon is absent the docker SDK drops its Unix socket unclosed; with warnings as
    # errors that ResourceWarning would fail the session later, far from here. Collect it now.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            import docker

            docker.from_env(timeout=2).ping()
        except Exception:  # no SDK, no socket, no permission: all mean "use the binary"
            return False
        finally:
            gc.collect()
    return True
