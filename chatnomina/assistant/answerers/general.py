"""Answers that need no employee data: small talk, help, a human, out of scope, the law. Pure."""

from __future__ import annotations

from chatnomina.assistant.answerers.base import HR_CONTACT, Answer, Ask, passage_source

GREETING = (
    "¡Hola! Soy el asistente de nómina. Puedo contarte tu salario, tus pagos y descuentos, tu "
    "retención en la fuente, tus vacaciones y novedades, explicarte tu desprendible, simular un "
    "aumento y responder preguntas sobre la ley laboral. ¿En qué te ayudo?"
)
SHORT_GREETING = "¡Hola!"
FAREWELL = "¡Con gusto! Si necesitas algo más sobre tu nómina, aquí estaré."
SHORT_FAREWELL = "¡Con gusto!"
HELP = (
    "Te ayudo con tu propia información de nómina y con la ley laboral colombiana. Por ejemplo:\n"
    "- «¿Cuánto gano?» o «¿cómo ha cambiado mi sueldo?»\n"
    "- «¿Cuánto me consignaron el mes pasado?» o «compara septiembre con octubre»\n"
    "- «¿Qué me descontaron en octubre?» o «¿cuánto me retienen en la fuente?»\n"
    "- «¿Qué novedades tengo?» (horas extra, libranzas, bonificaciones)\n"
    "- «¿Cuántos días de vacaciones me quedan?» o «¿cómo pido vacaciones?»\n"
    "- «¿En qué banco me pagan?» o «¿cuál es mi EPS?»\n"
    "- «¿Cuánto me quedaría si me suben a 5 millones?»\n"
    "- «Explícame mi desprendible» o «¿qué es el FSP?»\n"
    "- «¿Qué dice la ley de las horas extras?»\n"
    f"Y si prefieres, te comunico con una persona de {HR_CONTACT}."
)
HUMAN = f"Claro, te comunico con una persona de {HR_CONTACT}."
OUT_OF_SCOPE = (
    "Solo puedo ayudarte con temas de nómina, prestaciones y normativa laboral colombiana. "
    "¿Tienes alguna pregunta sobre tu pago, tus descuentos o tus vacaciones?"
)
OTHER_PERSON = (
    "Solo puedo consultar tu propia información de nómina: no puedo darte datos de otras "
    "personas. Si tienes una pregunta sobre tu salario, tus pagos o tus vacaciones, con gusto te ayudo."
)
NOT_UNDERSTOOD = (
    "No estoy seguro de haber entendido. ¿Puedes decirlo de otra forma? Si prefieres, te comunico "
    f"con una persona de {HR_CONTACT}."
)
NO_DOCUMENT = (
    "Tu usuario no está vinculado a ningún empleado, así que no tengo datos de nómina tuyos para "
    "responder eso. Puedo ayudarte con preguntas generales de normativa laboral."
)
NO_DATA = (
    "No encuentro datos de nómina a tu nombre en los registros importados. Si crees que es un "
    f"error, te comunico con una persona de {HR_CONTACT}."
)
LAW_UNKNOWN = (
    "No lo sé con certeza: no encuentro esa pregunta en la normativa que conozco y prefiero no "
    f"adivinar. ¿Quieres que te comunique con una persona de {HR_CONTACT}?"
)


def saludo(ask: Ask) -> Answer:
    """Greeting and what the assistant can do."""
    return Answer(GREETING)


def despedida(ask: Ask) -> Answer:
    """Goodbye."""
    return Answer(FAREWELL)


def ayuda(ask: Ask) -> Answer:
    """What the assistant can do, with examples."""
    return Answer(HELP)


def hablar_con_humano(ask: Ask) -> Answer:
    """Hand the conversation over to HR."""
    return Answer(HUMAN, handoff=True)


def fuera_de_alcance(ask: Ask) -> Answer:
    """Polite refusal of anything that is not payroll or labour law (no data is read)."""
    return Answer(OUT_OF_SCOPE)


def other_person(ask: Ask) -> Answer:
    """Refusal of questions about someone else, revealing nothing (not even whether they exist)."""
    return Answer(OTHER_PERSON)


def not_understood(ask: Ask) -> Answer:
    """Low confidence: ask to rephrase and offer a person."""
    return Answer(NOT_UNDERSTOOD, offered_human=True)


def no_document(ask: Ask) -> Answer:
    """A data question from a user without a linked employee (e.g. HR staff)."""
    return Answer(NO_DOCUMENT)


def no_data(ask: Ask) -> Answer:
    """A data question from an employee the exports never mentioned."""
    return Answer(NO_DATA, offered_human=True)


def normativa(ask: Ask) -> Answer:
    """The best labour-law passage with its citation; below the threshold, "no lo sé" and a person."""
    match = ask.knowledge.best(ask.text)
    if match is None:
        return Answer(LAW_UNKNOWN, offered_human=True)
    passage = match.passage
    source = passage_source(passage) | {"score": round(match.score, 3)}
    return Answer(f"{passage.title}.\n{passage.text}\n\nFuente: {passage.citation}.", (source,))
