"""Implementations of the ``chatnomina`` subcommands; ``registry`` adds the domain ones."""

from __future__ import annotations

import argparse
from typing import Callable

Register = Callable[[argparse._SubParsersAction], None]


def registry() -> list[Register]:
    """Functions that add subcommands of the domain modules to the parser."""
    from chatnomina.commands import accounts, assistant, imports, operations, payroll

    return [accounts.register, imports.register, operations.register, payroll.register, assistant.register]
