"""The assistant as the chat sees it: understand the message, answer each question, keep the context.

A turn: read the stored context (the previous turn, whether a person was offered); a "sí"
after an offer hands over to a human. Otherwise the NLU reads the message (follow-ups
resolved against the previous turn, compound questions split into parts); each part goes to
its answerer. When a part asks about the employee's own records, the employee's rows are
loaded once for the whole message (one ``load_person`` on one pooled connection; vacation
requests only for vacation questions). Questions about someone else are refused before any
data is read, and a user without a linked employee (HR staff) gets law and general answers.

The NLU model and the corpus are loaded once per process (:meth:`Assistant.load`); the
answerers (``chatnomina.assistant.answerers``) are pure.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from chatnomina.assistant.answerers import (
    DATA_ANSWERERS,
    GENERAL_ANSWERERS,
    Answer,
    Ask,
    Employee,
    VacationRequests,
    general,
)
from chatnomina.assistant.answerers.base import merge_sources
from chatnomina.assistant.answerers.computed import ComputedLine, ComputedPayslip
from chatnomina.assistant.context import ConversationContext
from chatnomina.assistant.knowledge import KnowledgeBase, default_knowledge
from chatnomina.assistant.nlu import (
    CONFIDENCE_THRESHOLD,
    Entities,
    NLUModel,
    Part,
    Turn,
    Understanding,
    carry_context,
    understand,
)
from chatnomina.assistant.nlu.text import normalize
from chatnomina.assistant.people_cache import PersonCache
from chatnomina.assistant.training import process_model
from chatnomina.auth.principal import Principal
from chatnomina.engine.trace import render_stored
from chatnomina.hr import facts
from chatnomina.hr.values import PayrollPeriod
from chatnomina.services.chat import Reply
from chatnomina.settings import Settings
from chatnomina.stores import hr as hr_store
from chatnomina.stores import payroll as payroll_store
from chatnomina.stores import vacations as vacation_store

BOGOTA = ZoneInfo("America/Bogota")

#: Intents whose answer reads the employee's own records.
DATA_INTENTS = frozenset(DATA_ANSWERERS)
#: Intents that need the ChatNomina vacation requests besides the exports.
_VACATION_INTENTS = frozenset({"vacaciones_saldo", "vacaciones_solicitar"})
#: questions answered from computed payslips when a payroll run has them
_PAYSLIP_INTENTS = frozenset({"explicar_nomina", "deducciones", "retencion_fuente"})
#: Intents whose answer also reads ChatNomina's own tables (requests, computed payslips).
_OUTSIDE_HR_INTENTS = _VACATION_INTENTS | _PAYSLIP_INTENTS
#: Intents where naming someone else means asking for their data.
_GUARDED = DATA_INTENTS | {"normativa", "fuera_de_alcance"}
_SOCIAL = frozenset({"saludo", "despedida"})
#: A message that continues the previous turn usually starts with "y", "¿y…", "entonces"...
_CONTINUES = re.compile(r"^\W*(?:y|e|ahora|entonces|pero|tambien|igual|ok|listo|bueno|vale|que tal|lo mismo)\b")
#: The classifier's own reading wins over a follow-up when it is at least this sure.
_FRESH_WINS = 0.95
OUT_OF_SCOPE = "fuera_de_alcance"
#: A message that opens with a greeting gets one back, even when the NLU folded it into a question.
_GREETS = re.compile(r"^(?:hola|holi|buenas|buenos dias|buen dia|buenas tardes|buenas noches|quiubo|que mas)\b")
#: Below this confidence an out-of-scope reading of a payroll-worded message is reconsidered...
_RESCUE_BELOW = 0.75
#: ...in favour of a runner-up payroll intent at least this likely.
_RESCUE_MIN = 0.15
#: Words that only payroll questions use, and the marks of a question about oneself.
_PAYROLL_WORDS = re.compile(
    r"[^a-z](?:afp|eps|arl|cesantias|fondo de pensiones|caja de compensacion|desprendible|colilla|libranza|"
    r"retefuente|retencion en la fuente|nomina|consignaron|consignacion|quincena)[^a-z]"
)
_ABOUT_ME = re.compile(r"[^a-z](?:mi|mis|me|yo|tengo|estoy|cotizo|afiliado|afiliada|aporto)[^a-z]")
_YES = re.compile(
    r"^(?:si|sip|sii|claro|dale|ok|okay|listo|bueno|de una|hagale|por favor|porfa|afirmativo|vale|"
    r"por supuesto|obvio|me parece|perfecto)\b"
)

#: Words that make a short reply more than a "yes" (a refusal or a new question).
_NOT_JUST_YES = frozenset({"no", "cuanto", "cuanta", "cuantos", "cuantas", "cual", "cuales", "que", "como", "cuando",
                           "donde", "quien", "por que", "porque"})


def is_yes(text: str) -> bool:
    """A short affirmative reply ("sí", "dale, por favor")."""
    words = normalize(text, numbers=False).replace("?", " ").replace("que si", "si").split()
    if not 0 < len(words) <= 6 or not _YES.match(" ".join(words)):
        return False
    return not set(words) & _NOT_JUST_YES


def read(text: str, *, today: date, previous: Turn | None = None, model: NLUModel) -> Understanding:
    """The NLU's reading, with two corrections for the conversation.

    * A "follow-up" the classifier confidently reads as a new question is one: "¿Cuál es mi
      EPS?" after a question about the salud deduction names the same concept, so it looks
      like a follow-up, but it does not start like one and the classifier is sure it is a
      question about personal data.
    * An unsure "out of scope" for a message full of payroll words ("¿a qué AFP cotizo?") goes
      to the runner-up payroll intent instead of a refusal (never when someone else is named).
    """
    reading = understand(text, today=today, previous=previous, model=model)
    folded = normalize(text, numbers=False)
    if reading.is_followup and reading.alternatives and not _CONTINUES.match(folded):
        fresh_intent, probability = reading.alternatives[0]
        if fresh_intent != reading.intent and probability >= _FRESH_WINS:
            reading = understand(text, today=today, previous=None, model=model)
    if (
        reading.intent == OUT_OF_SCOPE and reading.rule is None and not reading.is_compound
        and reading.confidence < _RESCUE_BELOW and not reading.entities.other_person
        and _PAYROLL_WORDS.search(f" {folded} ") and _ABOUT_ME.search(f" {folded} ")
    ):
        for intent, probability in reading.alternatives[1:3]:
            if probability >= _RESCUE_MIN and (intent in DATA_INTENTS or intent == "normativa"):
                confidence = max(probability, CONFIDENCE_THRESHOLD)
                part = replace(reading.parts[0], intent=intent, confidence=confidence)
                return replace(reading, intent=intent, confidence=confidence, parts=(part,), rule="payroll_words")
    return reading


def entity_list(parts: Sequence[Entities]) -> list[dict[str, Any]]:
    """The entities of the answered parts as a flat, typed, JSON-safe list without repeats."""
    out: list[dict[str, Any]] = []

    def add(item: dict[str, Any]) -> None:
        if item not in out:
            out.append(item)

    for entities in parts:
        for period in entities.periods:
            add({"type": "period", **period.as_dict()})
        for amount in entities.amounts:
            add({"type": "amount", "value": str(amount), "currency": "COP"})
        for value in entities.percentages:
            add({"type": "percentage", "value": str(value)})
        for value in entities.day_counts:
            add({"type": "day_count", "value": str(value)})
        for concept in entities.concepts:
            add({"type": "concept", "value": concept})
        if entities.other_person:
            add({"type": "other_person", "value": entities.other_person})
    return out


@dataclass(frozen=True)
class Step:
    """One question of the message and how it will be answered."""

    part: Part
    #: "answer" (its intent's answerer), "other_person", "not_understood", "social_short"
    kind: str
    entities: Entities


def plan(reading: Understanding) -> list[Step]:
    """The steps for a message: a refusal for someone else's data, low-confidence parts dropped."""
    parts = reading.parts
    compound = len(parts) > 1
    steps: list[Step] = []
    inherited: Entities | None = None
    for part in parts:
        entities = part.entities
        if compound and inherited is not None and not entities.periods and inherited.periods:
            # "¿cuánto me pagaron en octubre y cuánto me descontaron?": the month applies to both.
            entities = Entities(inherited.periods, entities.amounts, entities.percentages, entities.day_counts,
                                entities.concepts, entities.other_person, entities.spans)
        if entities.periods:
            inherited = entities
        if (entities.other_person and part.intent in _GUARDED) or (not compound and reading.rule == "other_person"):
            steps.append(Step(part, "other_person", entities))
        elif (part.confidence if compound else reading.confidence) < CONFIDENCE_THRESHOLD:
            if not compound:
                steps.append(Step(part, "not_understood", entities))
        elif compound and part.intent in _SOCIAL:
            steps.append(Step(part, "social_short", entities))
        else:
            steps.append(Step(part, "answer", entities))
    if all(step.kind == "social_short" for step in steps):
        steps = [Step(s.part, "answer", s.entities) for s in steps[:1]]
    if not steps:
        first = parts[0]
        steps = [Step(first, "not_understood", first.entities)]
    return steps


def answer_step(step: Step, *, today: date, knowledge: KnowledgeBase, employee: Employee | None,
                has_document: bool) -> Answer:
    """The answer to one step (pure: the employee's rows are already loaded)."""
    part = step.part
    ask = Ask(part.text, part.intent, step.entities, today, knowledge, employee)
    if step.kind == "other_person":
        return general.other_person(ask)
    if step.kind == "not_understood":
        return general.not_understood(ask)
    if step.kind == "social_short":
        return Answer(general.SHORT_GREETING if part.intent == "saludo" else general.SHORT_FAREWELL)
    if part.intent in DATA_ANSWERERS:
        if not has_document:
            return general.no_document(ask)
        if employee is None:
            return general.no_data(ask)
        return DATA_ANSWERERS[part.intent](ask)
    return GENERAL_ANSWERERS.get(part.intent, general.not_understood)(ask)


def compose(answers: Sequence[Answer]) -> Answer:
    """The answers of every part as one message."""
    if len(answers) == 1:
        return answers[0]
    texts = []
    for answer in answers:
        if answer.text not in texts:
            texts.append(answer.text)
    return Answer(
        "\n\n".join(texts),
        merge_sources(*(a.sources for a in answers)),
        handoff=any(a.handoff for a in answers),
        offered_human=any(a.offered_human for a in answers),
    )


def answer_steps(text: str, steps: Sequence[Step], *, today: date, knowledge: KnowledgeBase,
                 employee: Employee | None, has_document: bool) -> Answer:
    """The whole answer to a message (pure): every step answered, joined, a greeting returned."""
    answer = compose([answer_step(step, today=today, knowledge=knowledge, employee=employee,
                                  has_document=has_document) for step in steps])
    if _GREETS.match(normalize(text, numbers=False)) and all(s.part.intent not in _SOCIAL for s in steps):
        answer = replace(answer, text=f"{general.SHORT_GREETING} {answer.text}")
    return answer


@asynccontextmanager
async def _connection(db: Any) -> AsyncIterator[Any]:
    """One pooled connection for the whole load (a connection or executor is used as it is)."""
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn:
            yield conn
    else:
        yield db


async def load_employee(
    db: Any, document: str, intents: frozenset[str], *, people: PersonCache | None = None,
    hr_version: str | None = None,
) -> Employee | None:
    """The employee's rows and, for vacation questions, their open requests.

    The rows come from one ``load_person``, or from ``people`` when this process read them
    at the HR data version ``hr_version`` (which the turn read before the assistant ran).
    """
    person = people.get(document, hr_version) if people is not None else None
    if person is not None and not intents & _OUTSIDE_HR_INTENTS:
        return Employee(person, VacationRequests(), {})
    async with _connection(db) as conn:
        if person is None:
            person = await hr_store.load_person(conn, document)
            if person is None:
                return None
            if people is not None:
                people.put(document, hr_version, person)
        requests = VacationRequests()
        if intents & _VACATION_INTENTS:
            contract = facts.current_contract(person)
            approved = (await vacation_store.approved_not_imported_days(conn, document, contract)
                        if contract is not None else Decimal(0))
            requests = VacationRequests(Decimal(approved), Decimal(await vacation_store.pending_days(conn, document)))
        payslips = await computed_payslips(conn, document) if intents & _PAYSLIP_INTENTS else {}
    return Employee(person, requests, payslips)


async def computed_payslips(db: Any, document: str, latest: int = 2) -> dict[PayrollPeriod, ComputedPayslip]:
    """The payroll runs' payslips of the ``latest`` computed periods, with rendered traces."""
    found: dict[PayrollPeriod, ComputedPayslip] = {}
    for row in (await payroll_store.computed_periods(db, document))[-latest:]:
        stored = await payroll_store.latest_payslip(db, document, row["period"])
        if stored is None:
            continue
        year, month = (int(part) for part in stored["period"].split("-"))
        payroll = PayrollPeriod(year, month, "M")
        lines = tuple(
            ComputedLine.from_trace(line["code"], line["label"], line["category"], line["amount"],
                                    render_stored(line["trace"]))
            for line in stored["lines"]
        )
        found[payroll] = ComputedPayslip(payroll, stored["gross"], stored["deductions"], stored["net"], lines,
                                         source="payroll_run")
    return found


class Assistant:
    """Understands Spanish payroll questions and answers them from the employee's own data."""

    def __init__(self, settings: Settings, model: NLUModel, knowledge: KnowledgeBase):
        self.settings = settings
        self.model = model
        self.knowledge = knowledge
        self.people = PersonCache()

    @classmethod
    async def load(cls, settings: Settings) -> Assistant:
        """Train the classifier and index the corpus off the event loop (about a second, cached per process)."""
        model, knowledge = await asyncio.gather(
            asyncio.to_thread(process_model), asyncio.to_thread(default_knowledge)
        )
        return cls(settings, model, knowledge)

    def today(self) -> date:
        """``CHATNOMINA_TODAY`` when set (demos, evaluations), else today in Bogotá."""
        return self.settings.today or datetime.now(BOGOTA).date()

    def understand(self, text: str, context: dict[str, Any] | None = None) -> Understanding:
        """The NLU's reading of ``text`` in the conversation's context."""
        remembered = ConversationContext.from_dict(context or {})
        return read(text, today=self.today(), previous=remembered.turn, model=self.model)

    async def respond(
        self, db: asyncpg.Pool, *, principal: Principal, text: str, context: dict[str, Any],
        hr_version: str | None = None,
    ) -> Reply:
        """Answer one message of ``principal`` (their document comes from the token, never the text).

        ``hr_version``: the HR data version the turn read, when it did (see ``load_employee``).
        """
        remembered = ConversationContext.from_dict(context)
        if remembered.offered_human and is_yes(text):
            answer = general.hablar_con_humano(Ask(text, "hablar_con_humano", Entities(), self.today(), self.knowledge))
            return Reply(answer.text, "hablar_con_humano", 1.0, [], [],
                         ConversationContext(remembered.turn).as_dict(), handoff=True)
        today = self.today()
        reading = read(text, today=today, previous=remembered.turn, model=self.model)
        steps = plan(reading)
        document = principal.document
        wanted = frozenset(s.part.intent for s in steps if s.kind == "answer" and s.part.intent in DATA_INTENTS)
        employee = (await load_employee(db, document, wanted, people=self.people, hr_version=hr_version)
                    if wanted and document else None)
        answer = answer_steps(text, steps, today=today, knowledge=self.knowledge, employee=employee,
                              has_document=bool(document))
        refused = all(step.kind == "other_person" for step in steps)
        intent = "fuera_de_alcance" if refused else reading.intent
        turn = carry_context(remembered.turn, reading)
        return Reply(
            text=answer.text,
            intent=intent,
            confidence=reading.confidence,
            entities=entity_list([step.entities for step in steps]),
            sources=list(answer.sources),
            context=ConversationContext(turn, answer.offered_human).as_dict(),
            handoff=answer.handoff,
        )
