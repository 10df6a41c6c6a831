"""Build the assistant's labelled intent dataset from ``dataset_phrases`` (deterministic).

Run ``python -m chatnomina.assistant.nlu.dataset_builder`` to rewrite
``chatnomina/assistant/data/train.jsonl`` and ``heldout.jsonl``. The expansion and the noise
(no accents, capitals, typos, chat abbreviations, greetings in front) use a fixed seed, so the
files only change when the phrasings do.

The held-out file comes from held-out templates and hand-written sentences only; any item whose
normalised text also appears in the training file, or in the public examples when their file is
given, is dropped from both, so neither split leaks into the other.

It also writes ``calibration.json``: the classifier's softmax temperature, fitted on the
training rows of one fifth of the templates (and hand-written groups) of each intent while the
model is trained on the other four fifths, so the confidence is calibrated on phrasings the
model has not seen.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from chatnomina.assistant.nlu.dataset_phrases import HELDOUT, HELDOUT_SLOTS, SLOTS, TRAIN
from chatnomina.assistant.nlu.text import normalize

__all__ = ["build", "calibration", "expand", "noisy"]

SEED = 8
TRAIN_PER_INTENT = 300
HELDOUT_TEMPLATE_SAMPLES = 12

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")

_PREFIXES = [
    "hola, ", "buenas, ", "buenos días, ", "qué más, ", "quiubo, ", "hola parce, ", "oiga, ",
    "oye, ", "ey, ", "disculpa, ", "una pregunta: ", "buenas tardes, ", "hola, una pregunta, ",
    "parce, ", "señorita, ", "mija, ", "ve, ", "oís, ", "perdón, ", "hola chat, ",
]  # fmt: skip
_SUFFIXES = [
    " por favor", " porfa", " gracias", " plis", ", ve", " pues", " mija", " parce", "??", "?",
    " porfavor", ", gracias", " xfa", " oís", ", por fa",
]  # fmt: skip
_SHORTHAND = [
    (r"\bque\b", "q"), (r"\bqué\b", "q"), (r"\bporque\b", "xq"), (r"\bpor qué\b", "xq"),
    (r"\bpara\b", "pa"), (r"\bpasado\b", "pasao"), (r"\btambién\b", "tb"), (r"\bde\b", "d"),
    (r"\bpor favor\b", "xfa"), (r"\bestá\b", "ta"),
]  # fmt: skip
_NO_PREFIX = {"saludo", "despedida"}


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch == "\u0303")
    )


def expand(template: str, rng: random.Random, slots: dict[str, list[str]]) -> str:
    """One random realisation of ``template``: choices picked, slots filled, spaces tidied."""
    text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    text = _SLOT.sub(lambda m: rng.choice(slots[m.group(1)]), text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([?,.!])", r"\1", text)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    swaps = {"s": "z", "c": "s", "v": "b", "b": "v", "y": "ll", "ll": "y", "z": "s", "g": "j"}
    ch = word[i]
    return word[:i] + swaps.get(ch, ch) + word[i + 1 :]


def noisy(text: str, intent: str, rng: random.Random) -> str:
    """``text`` as people type it: maybe no accents or ¿?, lower/upper case, a typo, a greeting."""
    if rng.random() < 0.45:
        text = _strip_accents(text)
    if rng.random() < 0.5:
        text = text.replace("¿", "")
        if rng.random() < 0.5:
            text = text.replace("?", "")
    if rng.random() < 0.15:
        pattern, short = rng.choice(_SHORTHAND)
        text = re.sub(pattern, short, text, count=1, flags=re.IGNORECASE)
    if rng.random() < 0.18:
        words = text.split()
        if words:
            k = rng.randrange(len(words))
            words[k] = _typo(words[k], rng)
            text = " ".join(words)
    if intent not in _NO_PREFIX and rng.random() < 0.2:
        text = rng.choice(_PREFIXES) + text[0].lower() + text[1:]
    if rng.random() < 0.1:
        text = text.rstrip("?") + rng.choice(_SUFFIXES)
    roll = rng.random()
    if roll < 0.45:
        text = text.lower()
    elif roll < 0.5:
        text = text.upper()
    elif roll < 0.8 and text:
        text = text[0].upper() + text[1:]
    return text


def _key(text: str) -> str:
    return normalize(text)


def _expand_split(
    phrases: dict[str, dict[str, list[str]]],
    slots: dict[str, list[str]],
    rng: random.Random,
    *,
    per_template: int | None,
    per_intent: int | None,
    split: str,
) -> list[dict[str, str]]:
    """Rows ``{"text", "intent", "group"}``: the group names the template or hand-written item."""
    rows: list[dict[str, str]] = []
    for intent, spec in phrases.items():
        templates, examples = spec["templates"], spec["examples"]
        items: dict[str, tuple[str, str]] = {}  # normalised text → (text, group)

        def add(text: str, group: str, items: dict[str, tuple[str, str]] = items) -> None:
            key = _key(text)
            if key:
                items.setdefault(key, (text, group))

        for n, example in enumerate(examples):
            add(example, f"{split}/{intent}/example/{n}")
            add(noisy(example, intent, rng), f"{split}/{intent}/example/{n}")
        if per_intent is not None:
            budget = max(per_intent - len(items), 0)
            per = max(1, -(-budget // max(len(templates), 1)))
        else:
            per = per_template or 1
        for n, template in enumerate(templates):
            produced = 0
            for _attempt in range(per * 6):
                if produced >= per:
                    break
                before = len(items)
                add(
                    noisy(expand(template, rng, slots), intent, rng),
                    f"{split}/{intent}/template/{n}",
                )
                produced += len(items) - before
        rows.extend(
            {"text": text, "intent": intent, "group": group} for text, group in items.values()
        )
    return rows


def build(public: Iterable[str] = ()) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The (train, held-out) rows, each with its ``group``; ``public`` texts are kept out of both."""
    rng = random.Random(SEED)
    train = _expand_split(
        TRAIN, SLOTS, rng, per_template=None, per_intent=TRAIN_PER_INTENT, split="train"
    )
    heldout_slots = {**SLOTS, **HELDOUT_SLOTS}
    heldout = _expand_split(
        HELDOUT,
        heldout_slots,
        random.Random(SEED + 1),
        per_template=HELDOUT_TEMPLATE_SAMPLES,
        per_intent=None,
        split="heldout",
    )
    banned = {_key(t) for t in public}
    train = [r for r in train if _key(r["text"]) not in banned]
    train_keys = {_key(r["text"]) for r in train}
    heldout = [r for r in heldout if _key(r["text"]) not in banned | train_keys]
    return train, heldout


def calibration(train: list[dict[str, str]]) -> dict[str, object]:
    """The softmax temperature fitted on template groups the trial model did not see."""
    from chatnomina.assistant.nlu.classifier import calibrate_temperature

    groups = sorted({r["group"] for r in train})
    held = {g for i, g in enumerate(groups) if i % 5 == 2}
    fit_rows = [r for r in train if r["group"] not in held]
    check_rows = [r for r in train if r["group"] in held]
    return {
        "temperature": calibrate_temperature(fit_rows, check_rows),
        "method": "log-loss on the rows of 1 in 5 template groups, model fit on the others",
        "check_rows": len(check_rows),
    }


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({"text": row["text"], "intent": row["intent"]}, ensure_ascii=False))
            fh.write("\n")


def main(argv: list[str] | None = None) -> None:
    """Write train.jsonl and heldout.jsonl next to the package data."""
    parser = argparse.ArgumentParser(description="Regenera el dataset de intenciones.")
    parser.add_argument("--public", type=Path, help="jsonl de ejemplos públicos a excluir")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args(argv)
    public: list[str] = []
    if args.public is not None:
        with args.public.open(encoding="utf-8") as fh:
            public = [json.loads(line)["text"] for line in fh if line.strip()]
    train, heldout = build(public)
    _write(args.out / "train.jsonl", train)
    _write(args.out / "heldout.jsonl", heldout)
    calibrated = calibration(train)
    (args.out / "calibration.json").write_text(json.dumps(calibrated, indent=2) + "\n")
    print(
        f"train: {len(train)} ejemplos; heldout: {len(heldout)} ejemplos; "
        f"temperatura: {calibrated['temperature']}"
    )


if __name__ == "__main__":
    main()
