"""Answerers are pure functions over the employee's rows: no database, no clock, no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

from chatnomina.assistant import answerers
from chatnomina.assistant.answerers import ANSWERERS, DATA_ANSWERERS, GENERAL_ANSWERERS
from chatnomina.assistant.nlu import INTENTS

PACKAGE = Path(answerers.__file__).resolve().parent
FORBIDDEN = {"asyncpg", "asyncio", "aiohttp", "redis", "logging", "structlog", "os", "time", "random", "socket"}
FORBIDDEN_PACKAGES = ("chatnomina.stores", "chatnomina.services", "chatnomina.web", "chatnomina.db")
FORBIDDEN_CALLS = {"now", "today", "utcnow", "getenv", "open", "print"}


def test_no_io_clock_or_async_in_answerers() -> None:
    problems = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                modules = []
            problems += [f"{path.name}: import {m}" for m in modules
                         if m.split(".")[0] in FORBIDDEN or m.startswith(FORBIDDEN_PACKAGES)]
            if isinstance(node, (ast.AsyncFunctionDef, ast.Await)):
                problems.append(f"{path.name}: async")
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in FORBIDDEN_CALLS:
                    problems.append(f"{path.name}:{node.lineno}: {name}()")
    assert not problems


def test_every_intent_has_one_answerer() -> None:
    assert set(ANSWERERS) == set(INTENTS)
    assert not set(DATA_ANSWERERS) & set(GENERAL_ANSWERERS)
