"""The assistant's understanding layer: intents, entities, compound questions, follow-ups.

Pure: no clock (``today`` is always passed in), no environment, no logging, no network, no
``await``; the only I/O is reading the packaged training data when the model is trained.
"""

from __future__ import annotations

from chatnomina.assistant.nlu.classifier import INTENTS
from chatnomina.assistant.nlu.entities import (
    Entities,
    Period,
    bogota_today,
    extract_concepts,
    extract_entities,
    extract_periods,
    find_other_person,
    parse_money,
)
from chatnomina.assistant.nlu.pipeline import (
    CONFIDENCE_THRESHOLD,
    NLUModel,
    Part,
    Turn,
    Understanding,
    carry_context,
    default_model,
    evaluate,
    load_model,
    resolve_followup,
    understand,
)

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "INTENTS",
    "Entities",
    "NLUModel",
    "Part",
    "Period",
    "Turn",
    "Understanding",
    "bogota_today",
    "carry_context",
    "default_model",
    "evaluate",
    "extract_concepts",
    "extract_entities",
    "extract_periods",
    "find_other_person",
    "load_model",
    "parse_money",
    "resolve_followup",
    "understand",
]
