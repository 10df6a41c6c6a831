"""The assistant as the chat sees it: understand the message, answer, keep the context.

The NLU and the knowledge base are pure and loaded once per process; answering may read
the employee's own data through the stores.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from chatnomina.assistant.knowledge import KnowledgeBase, default_knowledge
from chatnomina.assistant.nlu import NLUModel, Understanding, default_model, understand
from chatnomina.auth.principal import Principal
from chatnomina.services.chat import Reply
from chatnomina.settings import Settings

BOGOTA = ZoneInfo("America/Bogota")

GREETING = (
    "¡Hola! Soy el asistente de nómina. Puedo contarte tu salario, tus pagos y descuentos, tu "
    "retención en la fuente, tus vacaciones y novedades, explicarte tu desprendible, simular un "
    "aumento y responder preguntas sobre la ley laboral. ¿En qué te ayudo?"
)
FAREWELL = "¡Con gusto! Si necesitas algo más sobre tu nómina, aquí estaré."
NOT_UNDERSTOOD = (
    "No estoy seguro de haber entendido. ¿Puedes decirlo de otra forma? Si prefieres, te comunico "
    "con una persona de Gestión Humana."
)
OUT_OF_SCOPE = (
    "Solo puedo ayudarte con temas de nómina, prestaciones y normativa laboral colombiana. "
    "¿Tienes alguna pregunta sobre tu pago, tus descuentos o tus vacaciones?"
)
HUMAN = "Claro, te comunico con una persona de Gestión Humana."


class Assistant:
    """Understands Spanish payroll questions and answers them."""

    def __init__(self, settings: Settings, model: NLUModel, knowledge: KnowledgeBase):
        self.settings = settings
        self.model = model
        self.knowledge = knowledge

    @classmethod
    async def load(cls, settings: Settings) -> Assistant:
        """Train the classifier and index the corpus off the event loop (about a second)."""
        model, knowledge = await asyncio.gather(
            asyncio.to_thread(default_model), asyncio.to_thread(default_knowledge)
        )
        return cls(settings, model, knowledge)

    def today(self) -> date:
        """``CHATNOMINA_TODAY`` when set (demos, evaluations), else today in Bogotá."""
        return self.settings.today or datetime.now(BOGOTA).date()

    def understand(self, text: str) -> Understanding:
        return understand(text, today=self.today(), model=self.model)

    async def respond(
        self, db: asyncpg.Pool, *, principal: Principal, text: str, context: dict[str, Any]
    ) -> Reply:
        """Answer one message of ``principal``."""
        reading = self.understand(text)
        intent = reading.intent
        entities = [reading.entities.as_dict()] if reading.entities else []
        if not reading.confident:
            return Reply(
                NOT_UNDERSTOOD, intent, reading.confidence, entities, [], {"intent": intent}
            )
        if intent == "saludo":
            return Reply(GREETING, intent, reading.confidence, entities, [], {})
        if intent in ("despedida",):
            return Reply(FAREWELL, intent, reading.confidence, entities, [], {})
        if intent == "hablar_con_humano":
            return Reply(HUMAN, intent, reading.confidence, entities, [], {}, handoff=True)
        if intent == "normativa":
            match = self.knowledge.best(text) if hasattr(self.knowledge, "best") else None
            if match is not None:
                passage = match.passage
                return Reply(
                    f"{passage.text}\n\nFuente: {passage.citation}.",
                    intent,
                    reading.confidence,
                    entities,
                    [{"title": passage.title, "citation": passage.citation}],
                    {"intent": intent},
                )
        if intent == "fuera_de_alcance":
            return Reply(OUT_OF_SCOPE, intent, reading.confidence, entities, [], {})
        return Reply(GREETING, intent, reading.confidence, entities, [], {"intent": intent})
