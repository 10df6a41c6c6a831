"""``chatnomina migrate``: ``alembic upgrade head`` under an advisory lock."""

from __future__ import annotations

import argparse
import sys

from chatnomina.cli import load_settings
from chatnomina.logs import configure_logging


def migrate(args: argparse.Namespace) -> int:
    """Bring the database to the newest revision; a second run changes nothing."""
    settings = load_settings()
    configure_logging(settings.log_level, environment=settings.environment)
    from chatnomina.migrate import upgrade_head

    try:
        upgrade_head(settings)
    except OSError as exc:
        print(f"No se pudo conectar a PostgreSQL ({settings.dsn_display}): {exc}", file=sys.stderr)
        return 1
    print("Migraciones aplicadas: la base de datos está al día.")
    return 0
