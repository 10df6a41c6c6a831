"""Settings read once from the environment, with the deployment guide's variable names.

``Settings.from_env(os.environ)`` is the only place that reads the environment. It
validates every variable and, when something is wrong, raises one ``SettingsError``
that lists **every** bad variable and why, without ever printing a secret value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from typing import Any, Callable, Mapping

ENVIRONMENTS = ("local", "test", "development", "staging", "production")
STRICT_ENVIRONMENTS = ("staging", "production")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
DEV_JWT_SECRET = "chatnomina-local-development-secret-not-for-production"
MIN_SECRET_LENGTH = 32


class Secret:
    """A string that never shows itself in a repr, a log line or an error message."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def get(self) -> str:
        """The secret value, for the one place that needs it."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


class SettingsError(Exception):
    """Every invalid variable at once: ``problems`` maps the variable name to the reason."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        lines = [f"  {name}: {reason}" for name, reason in sorted(problems.items())]
        super().__init__("Configuración inválida:\n" + "\n".join(lines))


@dataclass(frozen=True)
class Settings:
    """The whole configuration of a ChatNomina process."""

    environment: str = "local"
    log_level: str = "info"
    api_version: str = "v1"
    api_port: int = 8000
    db_host: str = "127.0.0.1"
    db_port: int = 5432
    db_name: str = "chatnomina"
    db_user: str = "postgres"
    db_password: Secret = field(default_factory=lambda: Secret(""))
    db_pool_min: int = 1
    db_pool_max: int = 10
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_password: Secret = field(default_factory=lambda: Secret(""))
    redis_db: int = 0
    redis_tls: bool = False
    redis_namespace: str = "chatnomina"
    s3_bucket: str = "chatnomina-local"
    aws_region: str = "us-east-1"
    s3_endpoint_url: str | None = None
    jwt_secret: Secret = field(default_factory=lambda: Secret(DEV_JWT_SECRET))
    jwt_expiration: int = 3600
    jwt_issuer: str = "chatnomina"
    jwt_audience: str = "chatnomina-api"
    cors_origins: tuple[str, ...] = ("http://localhost:3000", "http://127.0.0.1:3000")
    shutdown_grace_seconds: float = 25.0
    max_body_bytes: int = 1_048_576
    upload_max_bytes: int = 200 * 1_048_576
    metrics_port: int = 9191
    worker_processes: int = 2
    worker_threads: int = 4
    worker_heartbeat_seconds: int = 60
    worker_maintenance_chance: int = 10_000
    backup_time: time = time(2, 0)
    today: date | None = None
    rate_limits_enabled: bool = True
    rate_limit_ip: str = "100/minute"
    rate_limit_user: str = "1000/hour;10000/day"
    login_failures_account: str = "5/15minutes"
    login_failures_ip: str = "20/15minutes"
    trusted_proxy_hops: int = 0
    ws_outbound_queue: int = 512
    data_dir: str = ".local"

    @property
    def is_strict(self) -> bool:
        """Staging and production refuse insecure defaults."""
        return self.environment in STRICT_ENVIRONMENTS

    @property
    def api_prefix(self) -> str:
        return f"/api/{self.api_version}"

    @property
    def dsn_display(self) -> str:
        """A connection description safe to log (no password)."""
        return f"postgresql://{self.db_user}@{self.db_host}:{self.db_port}/{self.db_name}"

    def redis_url(self) -> str:
        """The Redis URL including the password; never log it."""
        scheme = "rediss" if self.redis_tls else "redis"
        auth = f":{self.redis_password.get()}@" if self.redis_password else ""
        return f"{scheme}://{auth}{self.redis_host}:{self.redis_port}/{self.redis_db}"

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests, the dev command)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build and validate settings from an environment mapping."""
        reader = _Reader(env)
        environment = reader.choice("ENVIRONMENT", ENVIRONMENTS, cls.environment)
        strict = environment in STRICT_ENVIRONMENTS
        values: dict[str, Any] = dict(
            environment=environment,
            log_level=reader.choice("LOG_LEVEL", LOG_LEVELS, cls.log_level, lower=True),
            api_version=reader.pattern("API_VERSION", r"v[0-9]+", cls.api_version),
            api_port=reader.integer("API_PORT", cls.api_port, minimum=1, maximum=65535),
            db_host=reader.text("DB_HOST", cls.db_host),
            db_port=reader.integer("DB_PORT", cls.db_port, minimum=1, maximum=65535),
            db_name=reader.text("DB_NAME", cls.db_name),
            db_user=reader.text("DB_USER", cls.db_user),
            db_password=reader.secret("DB_PASSWORD", required=strict),
            db_pool_min=reader.integer("DB_POOL_MIN", cls.db_pool_min, minimum=0, maximum=500),
            db_pool_max=reader.integer("DB_POOL_MAX", cls.db_pool_max, minimum=1, maximum=500),
            redis_host=reader.text("REDIS_HOST", cls.redis_host),
            redis_port=reader.integer("REDIS_PORT", cls.redis_port, minimum=1, maximum=65535),
            redis_password=reader.secret("REDIS_PASSWORD", required=strict),
            redis_db=reader.integer("REDIS_DB", cls.redis_db, minimum=0, maximum=15),
            redis_tls=reader.boolean("REDIS_TLS", cls.redis_tls),
            redis_namespace=reader.pattern(
                "REDIS_NAMESPACE", r"[A-Za-z0-9_.\-]{1,40}", cls.redis_namespace
            ),
            s3_bucket=reader.pattern("S3_BUCKET", r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]", cls.s3_bucket),
            aws_region=reader.pattern("AWS_REGION", r"[a-z]{2}(-[a-z]+)+-[0-9]", cls.aws_region),
            s3_endpoint_url=reader.optional_url("S3_ENDPOINT_URL"),
            jwt_secret=reader.jwt_secret(strict),
            jwt_expiration=reader.integer("JWT_EXPIRATION", cls.jwt_expiration, minimum=60, maximum=86400),
            cors_origins=reader.origins("CORS_ORIGINS", cls.cors_origins),
            shutdown_grace_seconds=reader.number(
                "SHUTDOWN_GRACE_SECONDS", cls.shutdown_grace_seconds, minimum=0, maximum=600
            ),
            max_body_bytes=reader.integer("MAX_BODY_BYTES", cls.max_body_bytes, minimum=1024),
            upload_max_bytes=reader.integer("UPLOAD_MAX_BYTES", cls.upload_max_bytes, minimum=1024),
            metrics_port=reader.integer("METRICS_PORT", cls.metrics_port, minimum=0, maximum=65535),
            worker_processes=reader.integer("WORKER_PROCESSES", cls.worker_processes, minimum=1, maximum=64),
            worker_threads=reader.integer("WORKER_THREADS", cls.worker_threads, minimum=1, maximum=64),
            worker_heartbeat_seconds=reader.integer(
                "WORKER_HEARTBEAT_SECONDS", cls.worker_heartbeat_seconds, minimum=2, maximum=3600
            ),
            worker_maintenance_chance=reader.integer(
                "WORKER_MAINTENANCE_CHANCE", cls.worker_maintenance_chance, minimum=1, maximum=1_000_000
            ),
            backup_time=reader.clock("BACKUP_TIME", cls.backup_time),
            today=reader.optional_date("CHATNOMINA_TODAY"),
            rate_limits_enabled=reader.boolean("RATE_LIMITS_ENABLED", cls.rate_limits_enabled),
            rate_limit_ip=reader.rate("RATE_LIMIT_IP", cls.rate_limit_ip),
            rate_limit_user=reader.rate("RATE_LIMIT_USER", cls.rate_limit_user),
            login_failures_account=reader.rate("LOGIN_FAILURES_ACCOUNT", cls.login_failures_account),
            login_failures_ip=reader.rate("LOGIN_FAILURES_IP", cls.login_failures_ip),
            trusted_proxy_hops=reader.integer("TRUSTED_PROXY_HOPS", cls.trusted_proxy_hops, minimum=0, maximum=5),
            ws_outbound_queue=reader.integer("WS_OUTBOUND_QUEUE", cls.ws_outbound_queue, minimum=8, maximum=100_000),
            data_dir=reader.text("CHATNOMINA_DATA_DIR", cls.data_dir),
        )
        if "DB_POOL_MIN" not in reader.problems and "DB_POOL_MAX" not in reader.problems:
            if values["db_pool_min"] > values["db_pool_max"]:
                reader.problems["DB_POOL_MIN"] = "no puede ser mayor que DB_POOL_MAX"
        if reader.problems:
            raise SettingsError(reader.problems)
        return cls(**values)

    def public_view(self) -> dict[str, Any]:
        """Every setting with secrets masked, for the startup log line."""
        return {f.name: repr(getattr(self, f.name)) if isinstance(getattr(self, f.name), Secret)
                else getattr(self, f.name) for f in fields(self)}


class _Reader:
    """Collects problems instead of stopping at the first one."""

    def __init__(self, env: Mapping[str, str]):
        self.env = env
        self.problems: dict[str, str] = {}

    def _raw(self, name: str) -> str | None:
        value = self.env.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def _convert(self, name: str, default: Any, convert: Callable[[str], Any]) -> Any:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            return convert(raw)
        except ValueError as exc:
            self.problems[name] = str(exc)
            return default

    def text(self, name: str, default: str) -> str:
        return self._convert(name, default, lambda raw: raw)

    def choice(self, name: str, options: tuple[str, ...], default: str, lower: bool = False) -> str:
        def convert(raw: str) -> str:
            value = raw.lower() if lower else raw
            if value not in options:
                raise ValueError(f"debe ser uno de: {', '.join(options)}")
            return value

        return self._convert(name, default, convert)

    def pattern(self, name: str, regex: str, default: str) -> str:
        def convert(raw: str) -> str:
            if not re.fullmatch(regex, raw):
                raise ValueError(f"formato inválido (se espera {regex})")
            return raw

        return self._convert(name, default, convert)

    def integer(self, name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
        def convert(raw: str) -> int:
            try:
                value = int(raw)
            except ValueError:
                raise ValueError("debe ser un número entero") from None
            if value < minimum or (maximum is not None and value > maximum):
                upper = f" y {maximum}" if maximum is not None else ""
                raise ValueError(f"debe estar entre {minimum}{upper}" if upper else f"debe ser al menos {minimum}")
            return value

        return self._convert(name, default, convert)

    def number(self, name: str, default: float, *, minimum: float, maximum: float) -> float:
        def convert(raw: str) -> float:
            try:
                value = float(raw)
            except ValueError:
                raise ValueError("debe ser un número") from None
            if not minimum <= value <= maximum:
                raise ValueError(f"debe estar entre {minimum:g} y {maximum:g}")
            return value

        return self._convert(name, default, convert)

    def boolean(self, name: str, default: bool) -> bool:
        def convert(raw: str) -> bool:
            lowered = raw.lower()
            if lowered in ("1", "true", "yes", "on", "si", "sí"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError("debe ser true o false")

        return self._convert(name, default, convert)

    def secret(self, name: str, *, required: bool) -> Secret:
        raw = self._raw(name)
        if raw is None:
            if required:
                self.problems[name] = "es obligatorio en staging y production"
            return Secret("")
        return Secret(raw)

    def jwt_secret(self, strict: bool) -> Secret:
        raw = self._raw("JWT_SECRET")
        if raw is None:
            if strict:
                self.problems["JWT_SECRET"] = "es obligatorio en staging y production"
            return Secret(DEV_JWT_SECRET)
        if len(raw) < MIN_SECRET_LENGTH:
            self.problems["JWT_SECRET"] = f"debe tener al menos {MIN_SECRET_LENGTH} caracteres"
        elif strict and raw == DEV_JWT_SECRET:
            self.problems["JWT_SECRET"] = "no puede ser el secreto de desarrollo"
        return Secret(raw)

    def origins(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        def convert(raw: str) -> tuple[str, ...]:
            items = tuple(item.strip().rstrip("/") for item in raw.split(",") if item.strip())
            bad = [item for item in items if item != "*" and not re.fullmatch(r"https?://[^\s/]+", item)]
            if bad:
                raise ValueError(f"orígenes inválidos: {', '.join(bad)} (se espera https://host[:puerto])")
            return items

        return self._convert(name, default, convert)

    def optional_url(self, name: str) -> str | None:
        def convert(raw: str) -> str:
            if not re.fullmatch(r"https?://\S+", raw):
                raise ValueError("debe ser una URL http(s)://")
            return raw.rstrip("/")

        return self._convert(name, None, convert)

    def clock(self, name: str, default: time) -> time:
        def convert(raw: str) -> time:
            match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", raw)
            if not match:
                raise ValueError("debe tener el formato HH:MM (24 horas)")
            return time(int(match.group(1)), int(match.group(2)))

        return self._convert(name, default, convert)

    def rate(self, name: str, default: str) -> str:
        def convert(raw: str) -> str:
            from limits import parse_many

            try:
                parse_many(raw)
            except ValueError:
                raise ValueError("formato de límite inválido (ej. 100/minute;1000/hour)") from None
            return raw

        return self._convert(name, default, convert)

    def optional_date(self, name: str) -> date | None:
        def convert(raw: str) -> date:
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise ValueError("debe ser una fecha AAAA-MM-DD") from None

        return self._convert(name, None, convert)
