"""The conversation context the assistant keeps between messages, as JSON-safe dicts.

The chat stores whatever ``Reply.context`` holds on the conversation and hands it back with
the next message. What a follow-up needs ("¿y el mes anterior?", "¿y de pensión?") is the
previous :class:`~chatnomina.assistant.nlu.Turn`: its intent and entities (periods with ISO
dates, amounts as decimal strings). Anything unreadable (an older shape, a hand-edited row)
reads as "no context", never as an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from chatnomina.assistant.nlu import INTENTS, Entities, Period, Turn

__all__ = ["ConversationContext", "entities_from_dict", "turn_from_dict", "turn_to_dict"]

VERSION = 1
_GRANULARITIES = frozenset({"day", "fortnight", "month", "range", "year"})


def turn_to_dict(turn: Turn) -> dict[str, Any]:
    """``Turn`` → ``{"intent", "entities"}`` with ISO dates and decimal strings."""
    return {"intent": turn.intent, "entities": turn.entities.as_dict()}


def _period(data: Any) -> Period | None:
    if not isinstance(data, dict) or data.get("granularity") not in _GRANULARITIES:
        return None
    try:
        start, end = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
    except (KeyError, TypeError, ValueError):
        return None
    label = data.get("label")
    return Period(start, end, data["granularity"], label if isinstance(label, str) else "")


def _decimals(values: Any) -> tuple[Decimal, ...]:
    if not isinstance(values, list):
        return ()
    out = []
    for value in values:
        try:
            out.append(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            continue
    return tuple(out)


def entities_from_dict(data: Any) -> Entities:
    """The inverse of ``Entities.as_dict`` (character spans are not kept: they are per text)."""
    if not isinstance(data, dict):
        return Entities()
    periods = tuple(p for p in (_period(item) for item in data.get("periods") or []) if p is not None)
    concepts = tuple(c for c in data.get("concepts") or [] if isinstance(c, str))
    other = data.get("other_person")
    return Entities(
        periods=periods,
        amounts=_decimals(data.get("amounts")),
        percentages=_decimals(data.get("percentages")),
        day_counts=_decimals(data.get("day_counts")),
        concepts=concepts,
        other_person=other if isinstance(other, str) else None,
    )


def turn_from_dict(data: Any) -> Turn | None:
    """A stored turn, or None when there is none or it cannot be read."""
    if not isinstance(data, dict) or data.get("intent") not in INTENTS:
        return None
    return Turn(data["intent"], entities_from_dict(data.get("entities")))


@dataclass(frozen=True)
class ConversationContext:
    """What the assistant remembers of a conversation between two messages."""

    turn: Turn | None = None
    #: the last answer offered a person ("¿quieres que te comunique…?"): a "sí" hands over
    offered_human: bool = False

    @classmethod
    def from_dict(cls, data: Any) -> ConversationContext:
        """Read the stored context; older or broken shapes give an empty context."""
        if not isinstance(data, dict):
            return cls()
        turn = turn_from_dict(data.get("turn"))
        if turn is None and "turn" not in data:
            turn = turn_from_dict(data)  # the first assistant stored {"intent": ...} at the top
        return cls(turn, bool(data.get("offered_human")))

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form to store on the conversation."""
        out: dict[str, Any] = {"v": VERSION, "turn": turn_to_dict(self.turn) if self.turn else None}
        if self.offered_human:
            out["offered_human"] = True
        return out
