#!/usr/bin/env python3
"""Container health check with the standard library only (the image has no curl).

Usage: chatnomina-healthcheck [URL ...]

Exits 0 as soon as one URL answers 2xx, else 1. Without URLs it tries
http://127.0.0.1:$API_PORT/health (web) and then http://127.0.0.1:$METRICS_PORT/health
(worker, scheduler), so the image's single HEALTHCHECK fits every process type. Proxies
from the environment are ignored: the check always talks to the local process.
"""

from __future__ import annotations

import http.client
import os
import sys
import urllib.request


def default_urls() -> list[str]:
    """The local /health URLs of the web and of the worker/scheduler processes."""
    api_port = os.environ.get("API_PORT") or "8000"
    metrics_port = os.environ.get("METRICS_PORT") or "9191"
    return [
        f"http://127.0.0.1:{api_port}/health",
        f"http://127.0.0.1:{metrics_port}/health",
    ]


def healthy(url: str, timeout: float) -> bool:
    """True when GET url answers with a 2xx status within timeout seconds."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (OSError, ValueError, http.client.HTTPException):
        return False


def main(argv: list[str]) -> int:
    """Check the given URLs (or the defaults) and return the process exit status."""
    timeout = float(os.environ.get("HEALTHCHECK_TIMEOUT") or "3")
    urls = argv or default_urls()
    for url in urls:
        if healthy(url, timeout):
            return 0
    print(f"unhealthy: {', '.join(urls)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
