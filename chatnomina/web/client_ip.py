"""The caller's IP address, trusting only as many proxies as configured."""

from __future__ import annotations

from aiohttp import web


def client_ip(request: web.Request, trusted_hops: int) -> str:
    """``request.remote``, or the address ``trusted_hops`` proxies back in X-Forwarded-For."""
    if trusted_hops > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= trusted_hops:
            return forwarded[-trusted_hops]
    return request.remote or "unknown"
