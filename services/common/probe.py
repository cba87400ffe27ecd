"""`python -m services.common.probe`: exit 0 when this container's service answers `/readyz` with 200, else 1.

A container's HEALTHCHECK (and anyone at a shell in the container) runs it. It uses the standard library
only and imports nothing else of leanbus, so a check costs tens of milliseconds, not the second the
`leanbus` command takes to import the engine. The URL comes from the same variables the service reads:
`LEANBUS_HTTP_PORT` and `LEANBUS_HTTP_HOST` (a wildcard address is probed on loopback).
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_HTTP_PORT", "ProbeResult", "local_url", "main", "probe"]

DEFAULT_HTTP_PORT = 8080
"""The port of a service's `/metrics`, `/healthz` and `/readyz` unless `LEANBUS_HTTP_PORT` says otherwise."""

_WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})
_BODY_CHARS = 200


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Whether the endpoint answered 200, and a line saying what it answered."""

    healthy: bool
    detail: str


def local_url(environ: Mapping[str, str], path: str = "/readyz") -> str:
    """Return the URL of the service in this container (or on this machine) from its environment."""
    port = environ.get("LEANBUS_HTTP_PORT") or str(DEFAULT_HTTP_PORT)
    host = environ.get("LEANBUS_HTTP_HOST", "")
    host = "127.0.0.1" if host in _WILDCARD_HOSTS else host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}{path}"


def probe(url: str, timeout: float = 3.0) -> ProbeResult:
    """GET `url` and tell whether it answered 200; any other answer, or none, is unhealthy."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = int(response.status)
            body = response.read(_BODY_CHARS)
    except urllib.error.HTTPError as error:  # a 4xx or 5xx answer: the body says why
        status, body = error.code, error.read(_BODY_CHARS)
        error.close()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return ProbeResult(False, f"{url}: no answer ({reason})")
    text = body.decode("utf-8", errors="replace").strip()
    return ProbeResult(status == 200, f"{url}: {status} {text}".rstrip())


def main(argv: Sequence[str] | None = None) -> int:
    """Probe the URL (by default this service's `/readyz`), print the answer, return 0 if it was 200."""
    parser = argparse.ArgumentParser(
        prog="python -m services.common.probe", description="exit 0 if a leanbus service answers 200"
    )
    parser.add_argument("--url", help="the URL to GET (default: this service's address and --path)")
    parser.add_argument("--path", default="/readyz", help="/readyz (default), /healthz or /metrics")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for the answer")
    args = parser.parse_args(argv)
    result = probe(args.url or local_url(os.environ, args.path), args.timeout)
    print(result.detail, file=sys.stdout if result.healthy else sys.stderr)
    return 0 if result.healthy else 1


if __name__ == "__main__":
    sys.exit(main())
