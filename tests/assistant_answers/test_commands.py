"""``chatnomina ask`` prints the chat's JSON; ``chatnomina nlu eval`` prints the intent evaluation."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chatnomina.cli import main
from chatnomina.commands.assistant import ask_as
from chatnomina.settings import Settings
from tests.chat.helpers import make_user
from tests.hr_data.test_self_service import import_sample

DOCUMENT = "1130846901"


def test_nlu_eval_prints_accuracy_macro_f1_and_per_intent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"text": "¿cuánto gano?", "intent": "sueldo_actual"},
            {"text": "¿en qué banco me pagan?", "intent": "datos_bancarios"},
            {"text": "cuéntame un chiste", "intent": "fuera_de_alcance"}]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    assert main(["nlu", "eval", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["count"] == 3 and result["accuracy"] == 1.0 and result["macro_f1"] == 1.0
    assert result["per_intent"]["sueldo_actual"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}


def test_nlu_eval_of_the_heldout_split_meets_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nlu", "eval", "--heldout"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["split"] == "heldout" and result["count"] > 1000
    assert result["macro_f1"] >= 0.95 and set(result) >= {"accuracy", "macro_f1", "per_intent"}


def test_nlu_eval_rejects_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"texto": "hola"}\n', encoding="utf-8")
    assert main(["nlu", "eval", str(bad)]) == 1
    assert "línea 1" in capsys.readouterr().err
    assert main(["nlu", "eval"]) == 2


async def test_ask_persists_through_the_chat_for_a_linked_user(db: Any, settings: Settings) -> None:
    await import_sample(db)
    user = await make_user(db, "mauricio@example.co", ["employee"], DOCUMENT)
    today = settings.with_overrides(today=date(2026, 11, 27))
    first = await ask_as(today, DOCUMENT, "¿cuánto me descontaron de salud en octubre?")
    assert first["persisted"] is True and first["message"]["sender_user_id"] == user.id
    assert first["response"]["intent"] == "deducciones" and "$112.003" in first["response"]["text"]
    assert {"id", "text", "confidence", "intent", "entities", "sources"} <= set(first["response"])
    follow = await ask_as(today, DOCUMENT, "¿y de pensión?", conversation_id=uuid.UUID(first["conversation_id"]))
    assert follow["conversation_id"] == first["conversation_id"] and follow["message"]["seq"] == 3
    assert "Pensión (4 %): $112.003" in follow["response"]["text"]


async def test_ask_without_a_linked_user_answers_without_storing(db: Any, settings: Settings) -> None:
    await import_sample(db)
    result = await ask_as(settings.with_overrides(today=date(2026, 11, 27)), DOCUMENT, "¿cuánto gano?")
    assert result["persisted"] is False and result["conversation_id"] is None
    assert "$2.447.000" in result["response"]["text"]
    assert await db.fetchval("SELECT count(*) FROM conversations") == 0


async def test_ask_command_prints_json(db: Any, service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    await import_sample(db)
    for name, value in service_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CHATNOMINA_TODAY", "2026-11-27")
    capsys.readouterr()  # the import's log lines
    code = await asyncio.to_thread(main, ["ask", "--document", DOCUMENT, "--no-persist",
                                          "¿cuánta plata me consignaron el mes pasao?"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["persisted"] is False and "se pidió --no-persist" in result["note"]
    assert result["response"]["intent"] == "historial_pagos" and "$2.478.157" in result["response"]["text"]
