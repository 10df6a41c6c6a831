"""Intent classification: held-out and public scores, taxonomy, data hygiene."""

from __future__ import annotations

from collections import Counter

from chatnomina.assistant.nlu import INTENTS, evaluate
from chatnomina.assistant.nlu.classifier import load_training_rows
from chatnomina.assistant.nlu.text import normalize


def test_intent_names_are_exactly_the_public_taxonomy(public_rows):
    assert set(INTENTS) == {r["intent"] for r in public_rows}
    assert len(INTENTS) == 21


def test_heldout_macro_f1_and_accuracy_reach_target(model):
    result = evaluate(load_training_rows("heldout.jsonl"), model=model)
    assert result["macro_f1"] >= 0.95, result["errors"][:20]
    assert result["accuracy"] >= 0.95
    assert set(result["per_intent"]) == set(INTENTS)


def test_public_examples_accuracy_reaches_target(model, public_rows):
    result = evaluate(public_rows, model=model)
    assert result["accuracy"] >= 0.95, result["errors"]


def test_every_intent_scores_well_on_heldout(model):
    result = evaluate(load_training_rows("heldout.jsonl"), model=model)
    weak = {i: v["f1"] for i, v in result["per_intent"].items() if v["f1"] < 0.85}
    assert not weak


def test_evaluate_reports_per_intent_precision_recall_f1_support(model):
    rows = [
        {"text": "hola", "intent": "saludo"},
        {"text": "chao, gracias", "intent": "despedida"},
        {"text": "¿cuánto gano?", "intent": "saludo"},
    ]
    result = evaluate(rows, model=model)
    assert result["count"] == 3
    assert result["accuracy"] == round(2 / 3, 4)
    saludo = result["per_intent"]["saludo"]
    assert saludo == {"precision": 1.0, "recall": 0.5, "f1": round(2 / 3, 4), "support": 2}
    assert result["errors"][0]["expected"] == "saludo"
    assert result["errors"][0]["predicted"] == "sueldo_actual"


def test_training_data_never_contains_public_or_heldout_texts(public_rows):
    train = {normalize(r["text"]) for r in load_training_rows()}
    heldout = {normalize(r["text"]) for r in load_training_rows("heldout.jsonl")}
    public = {normalize(r["text"]) for r in public_rows}
    assert not train & public
    assert not train & heldout
    assert not heldout & public


def test_training_data_has_enough_varied_examples_per_intent():
    counts = Counter(r["intent"] for r in load_training_rows())
    assert set(counts) == set(INTENTS)
    assert all(150 <= n <= 330 for n in counts.values()), counts
    held = Counter(r["intent"] for r in load_training_rows("heldout.jsonl"))
    assert all(n >= 40 for n in held.values()), held


def test_law_questions_and_data_questions_and_payslip_questions_are_told_apart(model):
    from datetime import date

    from chatnomina.assistant.nlu import understand

    cases = {
        "¿qué dice la ley sobre las horas extras?": "normativa",
        "¿cuánto me pagaron de horas extras en octubre?": "novedades",
        "no entiendo el valor de mis horas extras de este mes": "explicar_nomina",
        "¿cuántos días de vacaciones da la ley?": "normativa",
        "¿cuántos días de vacaciones me quedan?": "vacaciones_saldo",
        "¿qué es el fondo de solidaridad pensional?": "normativa",
        "¿por qué me descontaron fondo de solidaridad?": "explicar_nomina",
        "¿cuánto me descuentan de pensión?": "deducciones",
        "¿a qué fondo de pensiones estoy afiliado?": "datos_personales",
    }
    day = date(2026, 11, 27)
    got = {text: understand(text, today=day, model=model).intent for text in cases}
    assert got == cases


def test_features_are_exactly_scikit_learns_tfidf():
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    from chatnomina.assistant.nlu.classifier import CHAR_MIN_DF, CHAR_NGRAMS, IntentClassifier

    rows = load_training_rows()[::4]
    ours = IntentClassifier(rows)
    texts = [normalize(r["text"]) for r in rows]
    word = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
        sublinear_tf=True, lowercase=False,
    )  # fmt: skip
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=CHAR_MIN_DF, sublinear_tf=True,
        lowercase=False,
    )  # fmt: skip
    union = FeatureUnion([("word", word), ("char", char)]).fit(texts)
    names = list(word.get_feature_names_out()) + list(char.get_feature_names_out())
    ours_names = sorted(ours._word.terms, key=ours._word.terms.get)
    ours_names += sorted(ours._char.terms, key=ours._char.terms.get)
    assert ours_names == names
    probes = [r["text"] for r in load_training_rows("heldout.jsonl")[::15]]
    probes += ["", "a", "¿?", "holaaaa q más", "x", "¿cuánto me pagaron el mes pasao? $3.500.000"]
    for text in probes:
        expected = union.transform([normalize(text)]).toarray()[0]
        columns, weights = ours.features(text)
        dense = np.zeros(len(names))
        np.add.at(dense, columns, weights)
        assert np.allclose(dense, expected, atol=1e-6), text


def test_predictions_agree_with_scikit_learns_logistic_regression(model):
    import numpy as np
    import scipy.sparse
    from sklearn.linear_model import LogisticRegression

    from chatnomina.assistant.nlu.classifier import C

    ours = model.classifier
    width = len(ours._word.terms) + len(ours._char.terms)

    def matrix(texts):
        data, indices, indptr = [], [], [0]
        for text in texts:
            columns, weights = ours.features(text)
            indices.append(columns)
            data.append(weights)
            indptr.append(indptr[-1] + len(columns))
        return scipy.sparse.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), indptr), shape=(len(texts), width)
        )

    rows = load_training_rows()
    reference = LogisticRegression(C=C, max_iter=100, tol=1e-3)
    reference.fit(matrix([r["text"] for r in rows]), [r["intent"] for r in rows])
    heldout = [r["text"] for r in load_training_rows("heldout.jsonl")]
    theirs = reference.predict(matrix(heldout))
    agree = sum(t == ours.classify(text).intent for t, text in zip(theirs, heldout))
    assert agree / len(heldout) >= 0.98, agree / len(heldout)


def test_understanding_serialises_to_json(model):
    import json
    from datetime import date

    from chatnomina.assistant.nlu import understand

    result = understand(
        "¿cuánto me pagaron el mes pasado y cuánto me quedaría con 5 millones?",
        today=date(2026, 11, 27),
        model=model,
    )
    data = json.loads(json.dumps(result.as_dict()))
    assert data["intent"] == result.intent
    assert data["entities"]["amounts"] == ["5000000"]
    assert data["entities"]["periods"][0]["start"] == "2026-10-01"
    assert len(data["parts"]) == len(result.parts)
