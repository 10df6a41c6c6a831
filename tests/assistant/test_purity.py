"""The understanding layer, the corpus search and the formatting stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

import chatnomina.assistant

PACKAGE = Path(chatnomina.assistant.__file__).resolve().parent
# The dataset builder is a developer tool that writes the data files; nothing imports it at run time.
EXEMPT = {PACKAGE / "nlu" / "dataset_builder.py"}
FORBIDDEN_MODULES = {
    "logging", "structlog", "asyncio", "aiohttp", "socket", "urllib", "http", "requests",
    "subprocess", "time", "os", "random", "threading",
}  # fmt: skip
FORBIDDEN_CALLS = {"now", "today", "utcnow", "time", "getenv", "system"}


def _pure_files() -> list[Path]:
    files = [*sorted((PACKAGE / "nlu").glob("*.py")), *sorted((PACKAGE / "knowledge").glob("*.py"))]
    files.append(PACKAGE / "formatting.py")
    return [f for f in files if f not in EXEMPT]


def test_no_io_clock_logging_or_async_in_pure_modules():
    problems = []
    for path in _pure_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [(node.module or "").split(".")[0]]
            else:
                names = []
            problems += [f"{path.name}: import {n}" for n in names if n in FORBIDDEN_MODULES]
            if isinstance(node, (ast.AsyncFunctionDef, ast.Await)):
                problems.append(f"{path.name}: async")
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if (
                    name in FORBIDDEN_CALLS
                    or name in {"open", "print"}
                    and isinstance(func, ast.Name)
                ):
                    problems.append(f"{path.name}:{node.lineno}: {name}()")
    assert not problems
