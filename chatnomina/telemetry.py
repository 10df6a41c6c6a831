"""OpenTelemetry traces: off by default, exported over OTLP when the standard variables say so.

Tracing turns on when ``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``
is set and ``OTEL_SDK_DISABLED`` is not ``true``; every other ``OTEL_*`` variable
(service name, resource attributes, sampler, headers) is honoured by the SDK itself. The
log processor in ``chatnomina.logs`` adds the trace id to every log line of a traced request.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

from opentelemetry import trace

_enabled = False


def tracing_requested(env: Mapping[str, str]) -> bool:
    """True when an OTLP endpoint is configured and the SDK is not disabled."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def setup_tracing(service_name: str, env: Mapping[str, str] | None = None) -> bool:
    """Install the tracer provider and the asyncpg/Redis instrumentations; idempotent."""
    global _enabled
    env = os.environ if env is None else env
    if _enabled or not tracing_requested(env):
        return _enabled
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.aiohttp_server import AioHttpServerInstrumentor
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME", service_name)})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    # Patches web.Application so apps created from now on get the server-span middleware.
    AioHttpServerInstrumentor().instrument()
    AsyncPGInstrumentor().instrument()
    RedisInstrumentor().instrument()
    _enabled = True
    return True


tracer = trace.get_tracer("chatnomina")


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[Any]:
    """A span around a unit of work (an actor, an S3 call); a no-op when tracing is off."""
    with tracer.start_as_current_span(
        name, attributes={k: v for k, v in attributes.items() if v is not None}
    ) as current:
        yield current
