"""Shared fixtures of the HR export tests: the sample exports and their truth file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE_DIR = FIXTURES / "hr_exports"
TRUTH_FILE = FIXTURES / "hr_exports_truth.json"


def sample_files() -> dict[str, bytes]:
    """The nine sample files, name → bytes."""
    return {p.name: p.read_bytes() for p in sorted(SAMPLE_DIR.iterdir())}


@pytest.fixture(scope="session")
def sample() -> dict[str, bytes]:
    """The nine sample export files."""
    return sample_files()


@pytest.fixture(scope="session")
def truth() -> dict[str, Any]:
    """What a correct import must answer (``employees[documento]``)."""
    return json.loads(TRUTH_FILE.read_text(encoding="utf-8"))
