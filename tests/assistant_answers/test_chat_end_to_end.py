"""The assistant through ``POST /api/v1/chat/message`` over the imported sample exports."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from chatnomina.app import create_app
from chatnomina.settings import Settings
from chatnomina.stores import hr as hr_store
from chatnomina.stores import vacations as vacation_store
from tests.chat.helpers import bearer, make_user
from tests.hr_data.test_self_service import import_sample

DOCUMENT = "1130846901"
MONEY = re.compile(r"\$\s?\d")


@pytest.fixture
async def users(db: Any) -> dict[str, Any]:
    await import_sample(db)
    return {
        "employee": await make_user(db, "mauricio@example.co", ["employee"], DOCUMENT, "Mauricio"),
        "stranger": await make_user(db, "nadie@example.co", ["employee"], "999999999", "Sin datos"),
        "hr": await make_user(db, "rrhh@example.co", ["hr_agent"], None, "Marta (RRHH)"),
    }


@pytest.fixture
def client_on(aiohttp_client: Any, settings: Settings) -> Any:
    """``await client_on(date)``: the app with "today" fixed (``CHATNOMINA_TODAY``)."""

    async def start(today: date = date(2026, 11, 27)) -> Any:
        return await aiohttp_client(create_app(settings.with_overrides(today=today)))

    return start


class Chat:
    """One conversation of one user."""

    def __init__(self, client: Any, headers: dict[str, str]):
        self.client, self.headers = client, headers
        self.conversation_id: str | None = None

    async def say(self, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"message": text}
        if self.conversation_id:
            body["conversation_id"] = self.conversation_id
        response = await self.client.post("/api/v1/chat/message", json=body, headers=self.headers)
        assert response.status == 200, await response.text()
        turn = await response.json()
        self.conversation_id = turn["conversation_id"]
        return turn["response"]

    async def conversation(self) -> dict[str, Any]:
        listing = await (await self.client.get("/api/v1/chat/conversations", headers=self.headers)).json()
        return next(c for c in listing["items"] if c["id"] == self.conversation_id)

    async def messages(self) -> list[dict[str, Any]]:
        path = f"/api/v1/chat/conversations/{self.conversation_id}/messages"
        return (await (await self.client.get(path, headers=self.headers)).json())["items"]


async def chat_as(client_on: Any, settings: Settings, user: Any, today: date = date(2026, 11, 27)) -> Chat:
    return Chat(await client_on(today), bearer(settings, user))


async def test_someone_elses_pay_is_refused_without_revealing_anything(client_on: Any, settings: Settings,
                                                                     users: Any) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    response = await chat.say("¿cuánto gana Pedro?")
    assert response["intent"] == "fuera_de_alcance"
    assert "otras personas" in response["text"] and not MONEY.search(response["text"])
    assert response["sources"] == []


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents whose rows were read from PostgreSQL, in order."""
    calls: list[str] = []
    original = hr_store.load_person

    async def counting(db: Any, document: str) -> Any:
        calls.append(document)
        return await original(db, document)

    monkeypatch.setattr(hr_store, "load_person", counting)
    return calls


async def test_out_of_scope_is_answered_without_reading_data(client_on: Any, settings: Settings, users: Any,
                                                             loads: list[str]) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    response = await chat.say("¿Cuál es la capital de Francia?")
    assert response["intent"] == "fuera_de_alcance" and response["sources"] == []
    assert not MONEY.search(response["text"]) and loads == []
    await chat.say("¿cuánto me pagaron en octubre y cuánto me descontaron?")
    assert loads == [DOCUMENT]  # one load for the two data parts of the message


async def test_rows_are_read_again_only_after_an_import_finishes(client_on: Any, settings: Settings, users: Any,
                                                                db: Any, loads: list[str]) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    await chat.say("Hola")  # the first turn creates the conversation
    assert "$2.447.000" in (await chat.say("¿cuál es mi salario actual?"))["text"]
    assert "$2.447.000" in (await chat.say("¿y cuál es mi sueldo?"))["text"]
    await chat.say("¿en qué banco me consignan la nómina?")
    assert loads == [DOCUMENT]  # three data turns, one read

    # A raise arrives with the next import: its rows commit before the import finishes.
    await db.execute("""UPDATE hr_salary_periods SET sueldo = 2600000
                        WHERE documento = $1 AND fecha_fin_sueldo IS NULL""", DOCUMENT)
    await db.execute("INSERT INTO hr_imports (source, status, finished_at) VALUES ('cli', 'completed', now())")
    assert "$2.600.000" in (await chat.say("¿cuál es mi salario actual?"))["text"]
    assert loads == [DOCUMENT, DOCUMENT]


async def test_rows_are_not_reused_while_an_import_runs(client_on: Any, settings: Settings, users: Any, db: Any,
                                                       loads: list[str]) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    await chat.say("Hola")
    await db.execute("INSERT INTO hr_imports (source, status) VALUES ('cli', 'running')")
    for _ in range(2):
        assert "$2.447.000" in (await chat.say("¿cuál es mi salario actual?"))["text"]
    assert loads == [DOCUMENT, DOCUMENT]


async def test_the_first_turn_of_a_conversation_reads_the_rows(client_on: Any, settings: Settings, users: Any,
                                                                loads: list[str]) -> None:
    first = await chat_as(client_on, settings, users["employee"])
    second = Chat(first.client, first.headers)
    for chat in (first, second):
        assert "$2.447.000" in (await chat.say("¿cuál es mi salario actual?"))["text"]
    # creating a conversation does not read the data version, so nothing is reused
    assert loads == [DOCUMENT, DOCUMENT]


async def test_compound_question_gets_both_answers(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    response = await chat.say("¿cuánto me pagaron en octubre y cuánto me descontaron?")
    assert "$2.478.157" in response["text"] and "$571.006" in response["text"]
    assert {"type": "hr_export", "file": "CONSIGNACIONES_HM", "period": "202610M"} in response["sources"]
    assert {"type": "concept", "value": "salud"} not in response["entities"]
    assert any(e["type"] == "period" and e["label"] == "octubre de 2026" for e in response["entities"])


async def test_follow_ups_use_the_conversation_context(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    first = await chat.say("¿cuánto me descontaron de salud en octubre?")
    assert first["intent"] == "deducciones" and "$112.003" in first["text"]
    pension = await chat.say("¿y de pensión?")
    assert pension["intent"] == "deducciones" and "Pensión (4 %): $112.003" in pension["text"]
    earlier = await chat.say("¿y el mes anterior?")
    assert "septiembre de 2026" in earlier["text"] and "$97.880" in earlier["text"]
    payments = await chat.say("¿cuánto me consignaron el mes pasado?")
    again = await chat.say("¿y el mes anterior?")
    assert "$2.478.157" in payments["text"] and "$2.153.335" in again["text"]


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 11, 27), ["octubre de 2026", "$2.478.157"]),
    (date(2026, 1, 5), ["diciembre de 2025", "$2.718.820"]),
    (date(2027, 1, 5), ["diciembre de 2026"]),
])
async def test_last_month_depends_on_today(client_on: Any, settings: Settings, users: Any, today: date,
                                           expected: list[str]) -> None:
    chat = await chat_as(client_on, settings, users["employee"], today)
    response = await chat.say("¿cuánta plata me consignaron el mes pasao?")
    period = next(e for e in response["entities"] if e["type"] == "period")
    assert period["label"] == expected[0]
    for value in expected:
        assert value in response["text"]


async def test_simulation_of_five_million(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    response = await chat.say("¿cuánto me quedaría si me suben a 5 millones?")
    assert response["intent"] == "simulacion" and "$5.000.000" in response["text"]
    assert {"type": "amount", "value": "5000000", "currency": "COP"} in response["entities"]
    engine = next(s for s in response["sources"] if s["type"] == "engine")
    assert any(p["name"] == "smmlv" and p["value"] == "1750905" for p in engine["parameters"])


async def test_payslip_line_is_explained(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    response = await chat.say("¿de dónde sale el descuento de salud de mi desprendible?")
    assert response["intent"] == "explicar_nomina"
    assert "$112.003" in response["text"] and "IBC $2.800.068 × 4 %" in response["text"]
    assert any(s["type"] == "engine" for s in response["sources"])


async def test_asking_for_a_person_requests_a_handoff(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    response = await chat.say("quiero hablar con una persona")
    assert response["intent"] == "hablar_con_humano"
    assert (await chat.conversation())["handoff_state"] == "requested"
    assert [m["sender"] for m in await chat.messages()] == ["user", "assistant", "system"]


async def test_yes_after_an_offer_requests_a_handoff(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    unknown = await chat.say("¿qué dice la ley sobre el teletrabajo en Marte?")
    assert unknown["intent"] == "normativa" and unknown["text"].startswith("No lo sé")
    assert unknown["sources"] == [] and (await chat.conversation())["handoff_state"] == "none"
    yes = await chat.say("sí, por favor")
    assert yes["intent"] == "hablar_con_humano"
    assert (await chat.conversation())["handoff_state"] == "requested"


async def test_law_answer_carries_its_citation(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["employee"])
    response = await chat.say("¿Cuánto es el recargo dominical?")
    assert response["intent"] == "normativa"
    (source,) = response["sources"]
    assert source["type"] == "law" and source["citation"] in response["text"]


async def test_staff_without_employee_get_law_but_no_data(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["hr"])
    salary = await chat.say("¿cuánto gano?")
    assert "no está vinculado" in salary["text"] and not MONEY.search(salary["text"])
    law = await chat.say("¿qué son las cesantías?")
    assert law["intent"] == "normativa" and law["sources"][0]["type"] == "law"


async def test_employee_without_imported_data(client_on: Any, settings: Settings, users: Any) -> None:
    chat = await chat_as(client_on, settings, users["stranger"])
    response = await chat.say("¿cuánto me pagaron el mes pasado?")
    assert "No encuentro datos de nómina" in response["text"] and response["sources"] == []


async def test_vacation_balance_counts_approved_requests(client_on: Any, settings: Settings, users: Any,
                                                         db: Any) -> None:
    request = await vacation_store.create_request(
        db, documento=DOCUMENT, num_vinculacion=1158, start_date=date(2026, 12, 14), end_date=date(2026, 12, 16),
        working_days=Decimal(3), reason=None, approver_document=None, requested_by=users["employee"].id)
    await vacation_store.decide(db, request.id, status="approved", decided_by=users["hr"].id, note=None)
    await vacation_store.create_request(
        db, documento=DOCUMENT, num_vinculacion=1158, start_date=date(2027, 2, 1), end_date=date(2027, 2, 2),
        working_days=Decimal(2), reason=None, approver_document=None, requested_by=users["employee"].id)
    chat = await chat_as(client_on, settings, users["employee"])
    response = await chat.say("¿cuántos días de vacaciones me quedan y cuándo las puedo tomar?")
    assert "5,13 días" in response["text"] and "2 días esperando aprobación" in response["text"]
    assert "POST /api/v1/benefits/vacation/request" in response["text"]
