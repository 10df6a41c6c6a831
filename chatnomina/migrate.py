"""Running the alembic migrations from code (``chatnomina migrate``, tests, ``dev``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations
from chatnomina.settings import Settings


def alembic_config(settings: Settings | None = None) -> Config:
    """An alembic configuration pointing at the packaged revisions."""
    root = Path(migrations.__file__).resolve().parent
    ini = root.parent / "alembic.ini"
    config = Config(str(ini)) if ini.exists() else Config()
    config.set_main_option("script_location", str(root))
    if settings is not None:
        config.attributes["settings"] = settings
    return config


def upgrade_head(settings: Settings | None = None) -> None:
    """``alembic upgrade head``; safe to run twice and from two processes at once."""
    command.upgrade(alembic_config(settings), "head")


def current_revision_heads(settings: Settings | None = None) -> list[str]:
    """The revision ids of the head(s) shipped with this code."""
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(alembic_config(settings)).get_heads())
