"""Fixtures of the engine tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engine.builders import load_golden_cases


@pytest.fixture(scope="session")
def golden_cases() -> list[dict[str, Any]]:
    """The fixture's cases, loaded once."""
    return load_golden_cases()
