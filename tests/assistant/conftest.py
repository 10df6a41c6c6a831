"""Shared fixtures: the trained model and corpus are built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatnomina.assistant.knowledge import KnowledgeBase
from chatnomina.assistant.nlu import NLUModel, load_model

PUBLIC = Path(__file__).resolve().parents[1] / "fixtures" / "intents_public.jsonl"


@pytest.fixture(scope="session")
def model() -> NLUModel:
    return load_model()


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.from_package()


@pytest.fixture(scope="session")
def public_rows() -> list[dict[str, str]]:
    with PUBLIC.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
