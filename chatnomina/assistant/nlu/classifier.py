"""Intent classifier: TF-IDF of word and character n-grams and a linear SVM with a softmax.

Trained at start-up from the packaged ``data/train.jsonl`` (about a second, deterministic, no
pickles). Prediction does not go through scikit-learn: after fitting, the vocabularies, IDF
weights and coefficients are copied into plain dictionaries and one dense matrix, and a message
is scored with a handful of dictionary look-ups and one small matrix product. That keeps a
prediction well under a millisecond, which matters because compound questions classify several
fragments per message.

Confidence is a softmax over the SVM's decision values divided by a temperature. The
temperature is calibrated by ``dataset_builder`` when it writes the data (a model fitted on the
training rows of four fifths of the templates scores the rows of the other fifth, and the
temperature that minimises their log-loss is kept) and shipped in ``data/calibration.json``, so
start-up fits a single model. Messages made of words the model has
never seen (keyboard mashes, another language) are flagged by ``familiarity``: the share of their
character trigrams that occur in the training data.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from chatnomina.assistant.nlu.text import ABBREVIATIONS, fold, normalize

__all__ = [
    "INTENTS",
    "IntentClassifier",
    "Prediction",
    "calibrate_temperature",
    "load_temperature",
    "load_training_rows",
]

#: The 21 intents, in a stable order.
INTENTS: tuple[str, ...] = (
    "saludo",
    "despedida",
    "ayuda",
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
    "normativa",
    "simulacion",
    "explicar_nomina",
    "hablar_con_humano",
    "fuera_de_alcance",
)

_WORD_NGRAMS = (1, 2)
_CHAR_NGRAMS = (2, 4)
_C = 0.5
_TOL = 1e-3
_TEMPERATURES = tuple(round(0.05 + 0.01 * i, 2) for i in range(96))


@dataclass(frozen=True)
class Prediction:
    """The best intent, its probability, the full ranking and how familiar the text looked."""

    intent: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]
    familiarity: float


def _data_file(name: str) -> Any:
    return resources.files("chatnomina.assistant").joinpath("data").joinpath(name)


def load_training_rows(name: str = "train.jsonl") -> list[dict[str, str]]:
    """Rows ``{"text", "intent"}`` of a jsonl file shipped in ``chatnomina/assistant/data``."""
    with _data_file(name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_temperature() -> float:
    """The softmax temperature shipped in ``data/calibration.json``."""
    return float(
        json.loads(_data_file("calibration.json").read_text(encoding="utf-8"))["temperature"]
    )


_LONG_REPEATS = re.compile(r"([a-z])\1{2,}")


def _vowelless_words(text: str) -> int:
    words = re.findall(r"[a-z]+", fold(text))
    return sum(1 for w in words if len(w) > 1 and not _VOWELS.search(w) and w not in ABBREVIATIONS)


_VOWELS = re.compile(r"[aeiouy]")


def _trigrams(text: str) -> list[str]:
    """Character trigrams inside the words of ``text`` as typed (folded, runs cut to two).

    Deliberately not the normalised text: normalisation turns "qqqq" into "que".
    """
    words = re.findall(r"[a-z]+", _LONG_REPEATS.sub(r"\1\1", fold(text)))
    return [word[i : i + 3] for word in words for i in range(len(word) - 2)]


_TOKEN = re.compile(r"(?u)\b\w+\b")
_WORD_CACHE_SIZE = 50_000


class _Block:
    """A frozen copy of one fitted vectoriser: term → column, column → idf.

    Counting reproduces scikit-learn's analysers exactly: word unigrams and bigrams of
    ``\\b\\w+\\b`` tokens, or ``char_wb`` n-grams of each space-padded word. Character n-grams
    depend on the word alone, so each word's columns are cached; compound questions
    re-classify the same words in several fragments.
    """

    def __init__(self, vectorizer: Any, offset: int, *, chars: tuple[int, int] | None) -> None:
        self.terms: dict[str, int] = {
            term: offset + column for term, column in vectorizer.vocabulary_.items()
        }
        self.offset = offset
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.chars = chars
        self._word_columns = functools.lru_cache(maxsize=_WORD_CACHE_SIZE)(self._columns_of_word)

    def _columns_of_word(self, word: str) -> tuple[int, ...]:
        assert self.chars is not None
        low, high = self.chars
        padded = f" {word} "
        found: list[int] = []
        for n in range(low, high + 1):
            if len(padded) < n:
                grams = [padded]
            else:
                grams = [padded[i : i + n] for i in range(len(padded) - n + 1)]
            found.extend(self.terms[g] for g in grams if g in self.terms)
            if len(padded) <= n:  # scikit-learn counts a short word only once
                break
        return tuple(found)

    def counts(self, normalized: str) -> Counter[int]:
        """Column → term count for ``normalized`` (terms outside the vocabulary dropped)."""
        counts: Counter[int] = Counter()
        if self.chars is not None:
            for word in normalized.split():
                counts.update(self._word_columns(word))
            return counts
        tokens = _TOKEN.findall(normalized)
        grams = tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
        counts.update(self.terms[g] for g in grams if g in self.terms)
        return counts

    def add(self, normalized: str, columns: list[Any], weights: list[Any]) -> None:
        """Append this block's l2-normalised sublinear TF-IDF entries for ``normalized``."""
        counts = self.counts(normalized)
        if not counts:
            return
        block_columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        block = (1.0 + np.log(tf)) * self.idf[block_columns - self.offset]
        columns.append(block_columns)
        weights.append(block / np.sqrt(block @ block))


class IntentClassifier:
    """Fit on labelled rows; ``predict`` returns a ``Prediction`` per text."""

    def __init__(
        self,
        rows: Iterable[dict[str, str]],
        *,
        temperature: float = 1.0,
        keep_reference: bool = False,
    ) -> None:
        # scikit-learn is only needed to fit; importing it here keeps `import` of the package cheap.
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC

        rows = list(rows)
        texts = [normalize(r["text"]) for r in rows]
        labels = [r["intent"] for r in rows]
        unknown = set(labels) - set(INTENTS)
        if unknown:
            raise ValueError(f"unknown intents in training data: {sorted(unknown)}")
        word = TfidfVectorizer(
            analyzer="word",
            ngram_range=_WORD_NGRAMS,
            token_pattern=r"(?u)\b\w+\b",
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        )
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=_CHAR_NGRAMS,
            sublinear_tf=True,
            lowercase=False,
            min_df=2,
            dtype=np.float32,
        )
        union = FeatureUnion([("word", word), ("char", char)])
        matrix = union.fit_transform(texts)
        self.temperature = temperature
        model = LinearSVC(C=_C, tol=_TOL, random_state=0)
        model.fit(matrix, labels)
        self.classes: tuple[str, ...] = tuple(str(c) for c in model.classes_)
        self._word = _Block(word, 0, chars=None)
        self._char = _Block(char, len(word.vocabulary_), chars=_CHAR_NGRAMS)
        # scikit-learn's own pipeline, kept only when a test compares the fast path with it.
        self._reference = (union, model) if keep_reference else None
        # (features, classes) so that gathering the rows of a message's columns is contiguous.
        self._coef = np.ascontiguousarray(model.coef_.T, dtype=np.float64)
        self._intercept = model.intercept_.astype(np.float64)
        # Familiar trigrams come from in-scope rows only: the out-of-scope rows include keyboard
        # mashes, whose trigrams must stay unfamiliar.
        self._trigrams = frozenset(
            gram
            for row in rows
            if row["intent"] != "fuera_de_alcance"
            for gram in _trigrams(row["text"])
        )
        self.size = len(rows)

    @classmethod
    def from_package(cls) -> IntentClassifier:
        """Train on the packaged ``train.jsonl`` with the packaged temperature."""
        return cls(load_training_rows(), temperature=load_temperature())

    def familiarity(self, text: str) -> float:
        """Share of the text's character trigrams seen in training (1.0 when there are none).

        A word without vowels ("jjj", "qwrt") counts as one unfamiliar trigram, unless it is a
        chat abbreviation ("xq", "tb").
        """
        grams = _trigrams(text)
        odd = _vowelless_words(text)
        if not grams and not odd:
            return 1.0
        return sum(g in self._trigrams for g in grams) / (len(grams) + odd)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify each text; probabilities of all intents in ``ranking``, best first."""
        return [self._predict_one(text) for text in texts]

    def classify(self, text: str) -> Prediction:
        """Classify one text."""
        return self._predict_one(text)

    def decision_scores(self, text: str) -> Any:
        """The SVM's raw decision value for each class (in ``classes`` order)."""
        normalized = normalize(text)
        columns: list[Any] = []
        weights: list[Any] = []
        self._word.add(normalized, columns, weights)
        self._char.add(normalized, columns, weights)
        scores = self._intercept.copy()
        for block_columns, block_weights in zip(columns, weights):
            scores += block_weights @ self._coef[block_columns]
        return scores

    def best(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Only the best intent and its probability for each text (cheaper than ``predict``)."""
        found = []
        for text in texts:
            probs = _softmax(self.decision_scores(text) / self.temperature)
            i = int(np.argmax(probs))
            found.append((self.classes[i], float(probs[i])))
        return found

    def reference_scores(self, text: str) -> Any:
        """Decision values computed by scikit-learn itself (needs ``keep_reference=True``)."""
        if self._reference is None:
            raise RuntimeError("built without keep_reference")
        union, model = self._reference
        return model.decision_function(union.transform([normalize(text)]))[0]

    def _predict_one(self, text: str) -> Prediction:
        probs = _softmax(self.decision_scores(text) / self.temperature)
        order = np.argsort(-probs)
        ranking = tuple((self.classes[i], float(probs[i])) for i in order)
        return Prediction(
            intent=ranking[0][0],
            confidence=ranking[0][1],
            ranking=ranking,
            familiarity=self.familiarity(text),
        )


def _softmax(scores: Any) -> Any:
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def calibrate_temperature(
    fit_rows: Iterable[dict[str, str]], check_rows: Sequence[dict[str, str]]
) -> float:
    """The temperature minimising the log-loss on ``check_rows`` of a model fit on ``fit_rows``."""
    trial = IntentClassifier(fit_rows)
    index = {c: i for i, c in enumerate(trial.classes)}
    rows = [r for r in check_rows if r["intent"] in index]
    scores = np.array([trial.decision_scores(r["text"]) for r in rows])
    truth = np.array([index[r["intent"]] for r in rows])
    best, best_loss = 1.0, math.inf
    for temperature in _TEMPERATURES:
        z = scores / temperature
        z -= z.max(axis=1, keepdims=True)
        log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -float(log_probs[np.arange(len(truth)), truth].mean())
        if loss < best_loss:
            best, best_loss = temperature, loss
    return best
