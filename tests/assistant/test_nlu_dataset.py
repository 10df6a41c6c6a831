"""The shipped data files are exactly what the dataset builder produces."""

from __future__ import annotations

import json

from chatnomina.assistant.nlu import dataset_builder
from chatnomina.assistant.nlu.classifier import load_temperature, load_training_rows

from .conftest import PUBLIC


def test_builder_reproduces_the_shipped_files():
    with PUBLIC.open(encoding="utf-8") as fh:
        public = [json.loads(line)["text"] for line in fh if line.strip()]
    train, heldout = dataset_builder.build(public)
    strip = [{"text": r["text"], "intent": r["intent"]} for r in train]
    assert strip == load_training_rows()
    assert [{"text": r["text"], "intent": r["intent"]} for r in heldout] == load_training_rows(
        "heldout.jsonl"
    )
    assert dataset_builder.calibration(train)["temperature"] == load_temperature()


def test_heldout_groups_never_come_from_training_templates():
    train, heldout = dataset_builder.build()
    assert not {r["group"] for r in train} & {r["group"] for r in heldout}
    assert all("/" in r["group"] for r in train + heldout)
