"""Split compound questions ("¿cuánto me pagaron y cuántos días de vacaciones me quedan?").

A message is cut only at a connector (" y ", " e ", "además", "también", ";", or a "?" that
is not the last character) and only when both sides classify confidently as *different*
intents. Among the acceptable cuts the one whose weaker side is most confident wins, and each
side is split again, so "salud y pensión y vacaciones" keeps "salud y pensión" together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from chatnomina.assistant.nlu.text import fold, tokens

__all__ = ["split_compound"]

#: (intent, confidence) for each text, in order.
Classify = Callable[[Sequence[str]], list[tuple[str, float]]]

_CONNECTOR = re.compile(
    r"\?+(?=\s*\S)|;|"
    r",?\s+y\s+(?:tambien|ademas)\b,?|,?\s+(?:y|e)\s+|"
    r"(?:^|[\s,.])(?:ademas|tambien)\b,?"
)
_MIN_WORDS = 2
_MAX_PARTS = 4
#: Long rambling messages can hold many "y"; only this many cut points are tried per level.
_MAX_CANDIDATES = 6


def _clean(piece: str) -> str:
    return piece.strip(" ,.;¿?¡!") + ("?" if piece.rstrip().endswith("?") else "")


def split_compound(
    text: str,
    classify: Classify,
    *,
    min_confidence: float = 0.6,
    whole: tuple[str, float] | None = None,
) -> list[tuple[str, str, float]]:
    """``[(part_text, intent, confidence), …]``; a single element when the text is not compound.

    ``whole`` is the classification of the full text when the caller already has it.
    """
    folded = fold(text)
    if len(folded) != len(text):
        # Offsets only line up when folding kept every character; otherwise split the folded text.
        text = folded
    cache: dict[str, tuple[str, float]] = {}

    def cached(texts: Sequence[str]) -> list[tuple[str, float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cache.update(zip(missing, classify(missing)))
        return [cache[t] for t in texts]

    if whole is None:
        whole = cached([text])[0]
    return _split(text, folded, cached, min_confidence, whole, depth=0)


def _split(
    text: str,
    folded: str,
    classify: Classify,
    min_confidence: float,
    whole: tuple[str, float],
    depth: int,
) -> list[tuple[str, str, float]]:
    candidates: list[tuple[str, str]] = []
    for m in _CONNECTOR.finditer(folded):
        left, right = text[: m.start()], text[m.end() :]
        left_f, right_f = folded[: m.start()], folded[m.end() :]
        if len(tokens(left_f)) < _MIN_WORDS or len(tokens(right_f)) < _MIN_WORDS:
            continue
        candidates.append((left, right))
    if len(candidates) > _MAX_CANDIDATES:
        # Keep the cut points nearest the middle: the likeliest place for a second question.
        middle = len(text) / 2
        candidates.sort(key=lambda pair: abs(len(pair[0]) - middle))
        candidates = sorted(candidates[:_MAX_CANDIDATES], key=lambda pair: len(pair[0]))
    if not candidates or depth >= _MAX_PARTS - 1:
        return [(_clean(text), whole[0], whole[1])]
    flat = [piece for pair in candidates for piece in pair]
    results = classify([_clean(p) for p in flat])
    best: tuple[float, int] | None = None
    for i in range(len(candidates)):
        (left_intent, left_conf), (right_intent, right_conf) = results[2 * i], results[2 * i + 1]
        if left_intent == right_intent:
            continue
        weaker = min(left_conf, right_conf)
        if weaker < min_confidence:
            continue
        if best is None or weaker > best[0]:
            best = (weaker, i)
    if best is None:
        return [(_clean(text), whole[0], whole[1])]
    i = best[1]
    left, right = candidates[i]
    cut = len(left)
    right_start = len(text) - len(right)
    parts_left = _split(left, folded[:cut], classify, min_confidence, results[2 * i], depth + 1)
    parts_right = _split(
        right, folded[right_start:], classify, min_confidence, results[2 * i + 1], depth + 1
    )
    return (parts_left + parts_right)[:_MAX_PARTS]
