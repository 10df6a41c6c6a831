"""structlog configuration: JSON lines on stdout, readable output on a local terminal.

Every process calls ``configure_logging`` once. Context (request id, user, job) is bound
through ``structlog.contextvars`` so it follows the coroutine that handles the request or
job. The standard library's loggers (aiohttp, asyncpg, dramatiq) go through the same
renderer, so an operator reads one format.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}


def _add_trace_id(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Attach the current OpenTelemetry trace id, when a span is recording."""
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict


def configure_logging(level: str = "info", *, environment: str = "local", json: bool | None = None) -> None:
    """Route structlog and stdlib logging to stdout at ``level``."""
    if json is None:
        json = not (environment == "local" and sys.stdout.isatty())
    numeric = _LEVELS.get(level.lower(), logging.INFO)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_id,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=True)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=True,
    )
    final: list[Any] = [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        structlog.processors.format_exc_info if json else _identity,
        renderer,
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=final,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    # The canonical request line replaces aiohttp's access log.
    logging.getLogger("aiohttp.access").disabled = True
    for noisy in ("botocore", "aiobotocore", "urllib3", "asyncio"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))


def _identity(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return event_dict


def get_logger(name: str | None = None) -> Any:
    """A structlog logger; bind fields, log events."""
    return structlog.get_logger(name)
