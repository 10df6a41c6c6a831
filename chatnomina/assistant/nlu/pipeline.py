"""One message in, one ``Understanding`` out: intent, confidence, entities, parts, follow-up.

``understand(text, today=..., previous=...)`` is the single entry point. It classifies the
message, splits compound questions, extracts entities for the whole message and for each part,
applies two safety rules (questions about *another person's* pay or data are out of scope;
text made of unfamiliar character sequences is gibberish) and, when the previous turn is given,
reads short follow-ups ("¿y el mes anterior?", "¿y de pensión?") as that turn's intent with the
new or shifted entity.

The model is trained once per process (``load_model``); ``understand`` uses a cached default
unless a ``model`` is passed in (the web app keeps its own under an AppKey).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from chatnomina.assistant.nlu.classifier import INTENTS, IntentClassifier, Prediction
from chatnomina.assistant.nlu.compound import split_compound
from chatnomina.assistant.nlu.entities import Entities, Prefer, extract_entities, uncovered_words
from chatnomina.assistant.nlu.text import fold, normalize

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "NLUModel",
    "Part",
    "Turn",
    "Understanding",
    "carry_context",
    "default_model",
    "evaluate",
    "load_model",
    "resolve_followup",
    "understand",
]

#: Below this confidence the caller should say it did not understand and offer a person.
CONFIDENCE_THRESHOLD = 0.5
#: Both halves of a compound question must be at least this confident.
SPLIT_CONFIDENCE = 0.6
#: Share of familiar character trigrams under which a message is treated as gibberish.
GIBBERISH_FAMILIARITY = 0.5

OUT_OF_SCOPE = "fuera_de_alcance"
_SOCIAL = frozenset({"saludo", "despedida"})
#: Intents about the employee's own records: asking them about someone else is refused.
PERSONAL_INTENTS = frozenset(
    {
        "sueldo_actual",
        "historial_sueldo",
        "ultima_consignacion",
        "historial_pagos",
        "comparar_pagos",
        "deducciones",
        "retencion_fuente",
        "novedades",
        "vacaciones_saldo",
        "vacaciones_historial",
        "vacaciones_solicitar",
        "datos_bancarios",
        "datos_personales",
        "simulacion",
        "explicar_nomina",
    }
)
#: Intents a follow-up can continue (a greeting cannot be "continued" with a month).
_CONTINUABLE = PERSONAL_INTENTS | {"normativa"}
#: With a specific period, "what is my salary" becomes "what was my salary" and so on.
_WITH_PERIOD = {
    "sueldo_actual": "historial_sueldo",
    "ultima_consignacion": "historial_pagos",
}
#: Words that carry no meaning of their own in a follow-up ("¿y qué tal en septiembre?").
_FILLER_TEXT = """
    y e o de del la el los las en para por con a al lo que tal como cuanto cuanta cuantos
    cuantas mismo misma eso esto sobre pero entonces ahora tambien igual ok bueno listo vale
    pues ve porfa favor plis gracias seria fue es era fueron son quedaria quedo ahi mi mis me
    cual cuales pasa paso hay dime y? ya otra vez ese esa este esta fue el? num
"""
_FILLER = frozenset(_FILLER_TEXT.split())
_LEADING_CONJUNCTION = re.compile(
    r"^\s*(?:y|e|ahora|entonces|pero|tambien|igual|ok\s+y|listo\s+y|bueno\s+y|vale\s+y|"
    r"y\s+que\s+tal|que\s+tal|lo\s+mismo)\b"
)
_FOLLOWUP_CONFIDENCE = 0.75
#: Confidence given to a bare follow-up ("¿y de pensión?") that has no previous turn to continue.
_ORPHAN_CONFIDENCE = 0.3


@dataclass(frozen=True)
class Turn:
    """What the assistant understood in the previous turn: enough to read a follow-up."""

    intent: str
    entities: Entities = field(default_factory=Entities)


@dataclass(frozen=True)
class Part:
    """One question of a compound message."""

    text: str
    intent: str
    confidence: float
    entities: Entities

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": self.entities.as_dict(),
        }


@dataclass(frozen=True)
class Understanding:
    """The reading of one message.

    ``intent``/``confidence``/``entities`` describe the message as a whole (for a compound
    message: its first substantive part, and the entities of the whole text); ``parts`` has one
    element per question, a single one when the message is not compound.
    """

    text: str
    intent: str
    confidence: float
    entities: Entities
    parts: tuple[Part, ...]
    is_followup: bool = False
    #: the classifier's ranking (intent, probability), best first, before any rule applied
    alternatives: tuple[tuple[str, float], ...] = ()
    #: why the intent differs from the classifier's choice, if it does
    rule: str | None = None

    @property
    def confident(self) -> bool:
        """True when the caller may answer without offering a person."""
        return self.confidence >= CONFIDENCE_THRESHOLD

    @property
    def is_compound(self) -> bool:
        """True when the message holds more than one question."""
        return len(self.parts) > 1

    @property
    def turn(self) -> Turn:
        """The context to pass as ``previous`` with the next message."""
        return Turn(self.intent, self.entities)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "confident": self.confident,
            "entities": self.entities.as_dict(),
            "parts": [p.as_dict() for p in self.parts],
            "is_followup": self.is_followup,
            "alternatives": [[i, round(p, 4)] for i, p in self.alternatives[:3]],
            "rule": self.rule,
        }


class NLUModel:
    """The trained pieces ``understand`` needs (today only the intent classifier)."""

    def __init__(self, classifier: IntentClassifier) -> None:
        self.classifier = classifier

    def classify(self, text: str) -> Prediction:
        """Classifier prediction for one text."""
        return self.classifier.classify(text)

    def classify_many(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(intent, confidence) for each text."""
        return self.classifier.best(texts)


def load_model() -> NLUModel:
    """Train the intent classifier on the packaged data (about a second)."""
    return NLUModel(IntentClassifier.from_package())


@functools.cache
def default_model() -> NLUModel:
    """The process-wide model, trained on first use (pure and deterministic, so shareable)."""
    return load_model()


# --------------------------------------------------------------------------------------------


def _entities_for(text: str, intent: str, today: date, anchor: Any = None) -> Entities:
    prefer: Prefer = "future" if intent == "vacaciones_solicitar" else "past"
    return extract_entities(
        text, today, prefer=prefer, anchor=anchor, compare=intent == "comparar_pagos"
    )


def _apply_rules(
    intent: str, confidence: float, entities: Entities, familiarity: float
) -> tuple[str, float, str | None]:
    """Safety rules over the classifier's choice: someone else's data, gibberish."""
    if entities.other_person and intent in PERSONAL_INTENTS | {"normativa"}:
        # "¿qué salario tiene la de contabilidad?" is not a law question either.
        return OUT_OF_SCOPE, max(confidence, 0.9), "other_person"
    has_entities = bool(entities.periods or entities.amounts or entities.concepts)
    if familiarity < GIBBERISH_FAMILIARITY and not has_entities:
        return OUT_OF_SCOPE, 1.0 - familiarity, "gibberish"
    return intent, confidence, None


def _fresh(text: str, today: date, model: NLUModel) -> Understanding:
    """Understand ``text`` on its own, without conversation context."""
    if not normalize(text):
        empty = Entities()
        return Understanding(text, OUT_OF_SCOPE, 0.0, empty, (Part(text, OUT_OF_SCOPE, 0.0, empty),),
                             rule="empty")  # fmt: skip
    prediction = model.classify(text)
    pieces = split_compound(
        text,
        model.classify_many,
        min_confidence=SPLIT_CONFIDENCE,
        whole=(prediction.intent, prediction.confidence),
    )
    parts: list[Part] = []
    rule: str | None = None
    for piece_text, piece_intent, piece_conf in pieces:
        entities = _entities_for(piece_text, piece_intent, today)
        familiarity = prediction.familiarity if len(pieces) == 1 else 1.0
        intent, conf, piece_rule = _apply_rules(piece_intent, piece_conf, entities, familiarity)
        rule = rule or piece_rule
        parts.append(Part(piece_text, intent, conf, entities))
    primary = next((p for p in parts if p.intent not in _SOCIAL), parts[0])
    if len(parts) == 1:
        entities = parts[0].entities
    else:
        entities = _entities_for(text, primary.intent, today)
    return Understanding(
        text=text,
        intent=primary.intent,
        confidence=primary.confidence,
        entities=entities,
        parts=tuple(parts),
        alternatives=prediction.ranking,
        rule=rule,
    )


def _is_bare(text: str, entities: Entities) -> bool:
    """True when everything but filler words in ``text`` is an entity ("¿y en septiembre?")."""
    if not (entities.periods or entities.concepts or entities.amounts or entities.percentages
            or entities.day_counts):  # fmt: skip
        return False
    leftover = [w for w in uncovered_words(text, entities) if w not in _FILLER and not w.isdigit()]
    return not leftover


def resolve_followup(
    text: str, previous: Turn | None, today: date, *, model: NLUModel | None = None
) -> Understanding:
    """Read ``text`` in the context of the previous turn.

    A follow-up (only entities and filler, or a leading "y …" that is not confidently a new
    question) keeps the previous intent; its entities replace those of the same kind and the
    rest are inherited. "el mes anterior" / "el siguiente" shift the previous period. Anything
    else is understood as a new question (``is_followup`` False).
    """
    model = model or default_model()
    fresh = _fresh(text, today, model)
    folded = fold(text).strip()
    leading = bool(_LEADING_CONJUNCTION.match(folded))
    if previous is None or previous.intent not in _CONTINUABLE or fresh.is_compound:
        if leading and _is_bare(text, fresh.entities) and fresh.rule is None:
            # "¿y en septiembre?" with nothing to continue: the words carry no intent of their own.
            return replace(fresh, confidence=min(fresh.confidence, _ORPHAN_CONFIDENCE),
                           rule="followup_without_context")  # fmt: skip
        return fresh
    anchor = previous.entities.period
    anchored = _entities_for(text, previous.intent, today, anchor=anchor)
    bare = _is_bare(text, anchored)
    continues = bare or (
        leading
        and (fresh.intent == previous.intent or fresh.confidence < _FOLLOWUP_CONFIDENCE)
        and fresh.rule is None
    )
    if not continues:
        return fresh
    entities = anchored.over(previous.entities, concepts=bare)
    intent = previous.intent
    if anchored.periods and intent in _WITH_PERIOD:
        intent = _WITH_PERIOD[intent]
    if anchored.other_person and intent in PERSONAL_INTENTS:
        intent = OUT_OF_SCOPE
    part = Part(text, intent, max(fresh.confidence, 0.8), entities)
    return replace(
        fresh,
        intent=intent,
        confidence=part.confidence,
        entities=entities,
        parts=(part,),
        is_followup=True,
        rule="followup",
    )


def carry_context(previous: Turn | None, current: Understanding) -> Turn | None:
    """The context for the next message: this one's, unless it was small talk or not understood.

    After "¿cuánto me pagaron en marzo?" → "gracias" → "¿y en abril?", the question about
    April still follows the one about March.
    """
    if current.intent in _CONTINUABLE and current.confident:
        return current.turn
    return previous


def understand(
    text: str, *, today: date, previous: Turn | None = None, model: NLUModel | None = None
) -> Understanding:
    """Intent, confidence, entities, parts and follow-up status of one employee message.

    ``today`` is the date in America/Bogota when the message was sent; ``previous`` is the
    ``turn`` of the last understanding in the same conversation, if any.
    """
    return resolve_followup(text, previous, today, model=model)


# --------------------------------------------------------------------------------------------

#: Entities do not affect the intent, so evaluation can use any fixed date.
_EVALUATION_DAY = date(2026, 11, 27)


def evaluate(
    lines: Iterable[dict[str, Any]], *, model: NLUModel | None = None, today: date = _EVALUATION_DAY
) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-intent precision/recall/F1 of ``understand`` on labelled rows.

    Each row is ``{"text", "intent"}`` (as in the jsonl files). The result also lists the
    misclassified rows under ``errors``.
    """
    model = model or default_model()
    truth: list[str] = []
    predicted: list[str] = []
    errors: list[dict[str, Any]] = []
    for row in lines:
        result = understand(row["text"], today=today, model=model)
        truth.append(row["intent"])
        predicted.append(result.intent)
        if result.intent != row["intent"]:
            errors.append(
                {
                    "text": row["text"],
                    "expected": row["intent"],
                    "predicted": result.intent,
                    "confidence": round(result.confidence, 4),
                }
            )
    labels = sorted(set(truth) | set(predicted), key=lambda i: (i not in INTENTS, i))
    per_intent: dict[str, dict[str, float | int]] = {}
    f1_values: list[float] = []
    for label in labels:
        tp = sum(1 for t, p in zip(truth, predicted) if t == label and p == label)
        fp = sum(1 for t, p in zip(truth, predicted) if t != label and p == label)
        fn = sum(1 for t, p in zip(truth, predicted) if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1_values.append(f1)
        per_intent[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    total = len(truth)
    accuracy = sum(1 for t, p in zip(truth, predicted) if t == p) / total if total else 0.0
    macro = sum(f1_values) / len(f1_values) if f1_values else 0.0
    return {
        "count": total,
        "accuracy": round(accuracy, 4),
        "macro_f1": round(macro, 4),
        "per_intent": per_intent,
        "errors": errors,
    }
