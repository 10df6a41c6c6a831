"""The web process's model, trained in a child process, is the model trained in-process."""

from __future__ import annotations

import numpy as np

from chatnomina.assistant import training
from chatnomina.assistant.nlu import NLUModel
from chatnomina.assistant.nlu.classifier import IntentClassifier


def _same_model(a: IntentClassifier, b: IntentClassifier, texts: list[str]) -> None:
    assert a.classes == b.classes and a.temperature == b.temperature and a.size == b.size
    for text in texts:
        assert np.array_equal(a.decision_scores(text), b.decision_scores(text)), text
        assert a.familiarity(text) == b.familiarity(text), text
        assert a.classify(text) == b.classify(text), text


def test_arrays_round_trip_gives_the_same_predictions(model: NLUModel, public_rows):
    copy = IntentClassifier.from_arrays(model.classifier.to_arrays())
    _same_model(copy, model.classifier, [r["text"] for r in public_rows])


def test_model_trained_in_a_child_process_equals_the_in_process_one(model: NLUModel, public_rows):
    texts = [r["text"] for r in public_rows] + ["asdfgh qwrt", "¿cuánto me consignaron en marzo de 2025?", ""]
    _same_model(training.trained_in_child(), model.classifier, texts)


def test_without_a_child_process_the_model_is_trained_in_process(monkeypatch, model: NLUModel, public_rows):
    def no_child(*args, **kwargs):
        raise OSError("no se pudo crear el proceso")

    monkeypatch.setattr(training.subprocess, "run", no_child)
    training.process_model.cache_clear()
    try:
        fallback = training.process_model()
    finally:
        training.process_model.cache_clear()
    _same_model(fallback.classifier, model.classifier, [r["text"] for r in public_rows][:200])
