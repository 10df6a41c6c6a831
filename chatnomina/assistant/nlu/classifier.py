"""Intent classifier: TF-IDF of word and character n-grams, multinomial logistic regression.

Trained at start-up from the packaged ``data/train.jsonl`` (about a second, deterministic, no
pickles; web processes train it in a child, ``chatnomina.assistant.training``, and load it
with ``from_arrays``, so scipy is imported only where training runs). The model is
scikit-learn's recipe, ``TfidfVectorizer`` (word 1–2-grams and ``char_wb`` 2–4-grams,
sublinear TF, smooth IDF, l2 per block) followed by an L2-regularised multinomial
``LogisticRegression``, written out with numpy and ``scipy.sparse``: importing
scikit-learn costs a process about 90 MB of memory and a second of start-up, more than the
whole model. The tests check that the features are exactly scikit-learn's and that the
predictions agree with its ``LogisticRegression``.

Scoring a message takes dictionary look-ups (character n-grams cached per word) and one small
product with the coefficient rows it touches, well under a millisecond, which matters because
compound questions classify several fragments per message.

Confidence is the softmax of the logits divided by a temperature that ``dataset_builder``
calibrates on template groups a trial model did not see (shipped in ``data/calibration.json``).
Messages made of character sequences never seen in the in-scope training data (keyboard
mashes) get a low ``familiarity``: the share of their character trigrams that are known.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
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

CHAR_NGRAMS = (2, 4)
CHAR_MIN_DF = 2
#: Inverse regularisation strength, as in scikit-learn's ``LogisticRegression(C=...)``.
C = 10.0
_MAX_ITERATIONS = 100
#: Stop when an iteration lowers the objective by less than this fraction.
_TOLERANCE = 1e-3
_MEMORY = 6
_TEMPERATURES = tuple(round(0.3 + 0.02 * i, 2) for i in range(86))
_WORD_CACHE_SIZE = 50_000


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
    data = json.loads(_data_file("calibration.json").read_text(encoding="utf-8"))
    return float(data["temperature"])


# --------------------------------------------------------------------------------------------
# Features: exactly scikit-learn's TfidfVectorizer(sublinear_tf=True, lowercase=False) output.

_TOKEN = re.compile(r"(?u)\b\w+\b")


def word_ngrams(normalized: str) -> list[str]:
    """Word unigrams and bigrams, as scikit-learn's ``analyzer="word", ngram_range=(1, 2)``."""
    tokens = _TOKEN.findall(normalized)
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def char_ngrams_of_word(
    word: str, low: int = CHAR_NGRAMS[0], high: int = CHAR_NGRAMS[1]
) -> list[str]:
    """``char_wb`` n-grams of one space-padded word, as scikit-learn builds them."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(low, high + 1):
        if len(padded) < n:
            grams.append(padded)
        else:
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        if len(padded) <= n:  # scikit-learn counts a short word only once
            break
    return grams


class _Block:
    """One vectoriser: term → column and column → idf, for word or character n-grams."""

    def __init__(self, terms: dict[str, int], idf: Any, offset: int, *, chars: bool) -> None:
        self.terms = terms
        self.idf = idf
        self.offset = offset
        self.chars = chars
        self._word_columns = functools.lru_cache(maxsize=_WORD_CACHE_SIZE)(self._columns_of_word)

    @classmethod
    def fit(cls, docs: Sequence[str], *, chars: bool, min_df: int, offset: int) -> _Block:
        """Vocabulary and smooth idf ``ln((1 + n) / (1 + df)) + 1`` of ``docs``."""
        grams_of: Callable[[str], Iterable[str]]
        if chars:
            cache = functools.lru_cache(maxsize=None)(char_ngrams_of_word)

            def grams_of(doc: str) -> Iterable[str]:
                return [g for word in doc.split() for g in cache(word)]

        else:
            grams_of = word_ngrams
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(grams_of(doc)))
        vocabulary = sorted(term for term, count in df.items() if count >= min_df)
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocabulary])
        terms = {term: offset + column for column, term in enumerate(vocabulary)}
        return cls(terms, idf, offset, chars=chars)

    def _columns_of_word(self, word: str) -> tuple[int, ...]:
        return tuple(self.terms[g] for g in char_ngrams_of_word(word) if g in self.terms)

    def counts(self, normalized: str) -> Counter[int]:
        """Column → term count for ``normalized`` (terms outside the vocabulary dropped)."""
        counts: Counter[int] = Counter()
        if self.chars:
            for word in normalized.split():
                counts.update(self._word_columns(word))
        else:
            counts.update(self.terms[g] for g in word_ngrams(normalized) if g in self.terms)
        return counts

    def vector(self, normalized: str) -> tuple[Any, Any]:
        """(columns, weights): the l2-normalised sublinear TF-IDF entries of ``normalized``."""
        counts = self.counts(normalized)
        if not counts:
            return np.empty(0, dtype=np.intp), np.empty(0)
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weights = (1.0 + np.log(tf)) * self.idf[columns - self.offset]
        return columns, weights / np.sqrt(weights @ weights)


# --------------------------------------------------------------------------------------------
# Training: L2-regularised multinomial logistic regression by L-BFGS.


def _softmax_objective(
    matrix: Any, targets: Any, labels: Any, c: float
) -> Callable[[Any], tuple[float, Any]]:
    """``0.5‖W‖² + C · Σ cross-entropy`` and its gradient, over flat (W, b) parameters."""
    n, features = matrix.shape
    k = targets.shape[1]
    transposed = matrix.T.tocsr()
    rows = np.arange(n)

    def objective(theta: Any) -> tuple[float, Any]:
        weights = theta[: features * k].reshape(features, k)
        logits = matrix @ weights
        logits += theta[features * k :]
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        total = exp.sum(axis=1, keepdims=True)
        loss = float(np.log(total).sum() - logits[rows, labels].sum())
        exp /= total
        exp -= targets  # now the gradient of the loss with respect to the logits
        gradient = np.empty_like(theta)
        grad_weights = gradient[: features * k].reshape(features, k)
        grad_weights[...] = transposed @ exp
        grad_weights *= c
        grad_weights += weights
        gradient[features * k :] = c * exp.sum(axis=0)
        flat = weights.ravel()
        return c * loss + 0.5 * float(flat @ flat), gradient

    return objective


def _lbfgs(objective: Callable[[Any], tuple[float, Any]], theta: Any) -> Any:
    """Minimise ``objective`` from ``theta`` (limited-memory BFGS, Armijo backtracking)."""
    value, gradient = objective(theta)
    size = theta.size
    steps = np.zeros((_MEMORY, size), dtype=theta.dtype)
    changes = np.zeros((_MEMORY, size), dtype=theta.dtype)
    rho = np.zeros(_MEMORY)
    alpha = np.zeros(_MEMORY)
    scratch = np.empty_like(theta)
    stored = 0
    for _ in range(_MAX_ITERATIONS):
        direction = gradient.copy()
        recent = [(stored - 1 - j) % _MEMORY for j in range(min(stored, _MEMORY))]
        for i in recent:
            alpha[i] = rho[i] * float(steps[i] @ direction)
            np.multiply(changes[i], alpha[i], out=scratch)
            direction -= scratch
        if recent:
            last = recent[0]
            direction *= float(steps[last] @ changes[last]) / float(changes[last] @ changes[last])
        else:
            direction /= max(1.0, float(np.linalg.norm(gradient)))
        for i in reversed(recent):
            beta = rho[i] * float(changes[i] @ direction)
            np.multiply(steps[i], alpha[i] - beta, out=scratch)
            direction += scratch
        direction *= -1.0
        slope = float(gradient @ direction)
        step = 1.0
        while True:
            candidate = theta + step * direction
            new_value, new_gradient = objective(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-8:
                break
            step *= 0.5
        slot = stored % _MEMORY
        np.subtract(candidate, theta, out=steps[slot])
        np.subtract(new_gradient, gradient, out=changes[slot])
        curvature = float(steps[slot] @ changes[slot])
        if curvature > 1e-10:
            rho[slot] = 1.0 / curvature
            stored += 1
        improvement = (value - new_value) / max(abs(value), 1.0)
        theta, value, gradient = candidate, new_value, new_gradient
        if improvement < _TOLERANCE:
            break
    return theta


def _softmax(scores: Any) -> Any:
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


# --------------------------------------------------------------------------------------------
# Familiarity

_LONG_REPEATS = re.compile(r"([a-z])\1{2,}")
_VOWELS = re.compile(r"[aeiouy]")


def _trigrams(text: str) -> list[str]:
    """Character trigrams inside the words of ``text`` as typed (folded, runs cut to two).

    Deliberately not the normalised text: normalisation turns "qqqq" into "que".
    """
    words = re.findall(r"[a-z]+", _LONG_REPEATS.sub(r"\1\1", fold(text)))
    return [word[i : i + 3] for word in words for i in range(len(word) - 2)]


def _vowelless_words(text: str) -> int:
    words = re.findall(r"[a-z]+", fold(text))
    return sum(1 for w in words if len(w) > 1 and not _VOWELS.search(w) and w not in ABBREVIATIONS)


# --------------------------------------------------------------------------------------------


class IntentClassifier:
    """Fit on labelled rows; ``classify``/``predict`` return ``Prediction``s."""

    def __init__(self, rows: Iterable[dict[str, str]], *, temperature: float = 1.0) -> None:
        rows = list(rows)
        labels = [r["intent"] for r in rows]
        unknown = set(labels) - set(INTENTS)
        if unknown:
            raise ValueError(f"unknown intents in training data: {sorted(unknown)}")
        texts = [normalize(r["text"]) for r in rows]
        self._word = _Block.fit(texts, chars=False, min_df=1, offset=0)
        self._char = _Block.fit(texts, chars=True, min_df=CHAR_MIN_DF, offset=len(self._word.terms))
        self.classes: tuple[str, ...] = tuple(sorted(set(labels)))
        self.temperature = temperature
        self.size = len(rows)
        features = len(self._word.terms) + len(self._char.terms)
        # only training needs scipy (~14 MB once imported); see chatnomina.assistant.training
        import scipy.sparse

        indptr = [0]
        columns: list[Any] = []
        values: list[Any] = []
        for text in texts:
            for block in (self._word, self._char):
                block_columns, block_weights = block.vector(text)
                columns.append(block_columns)
                values.append(block_weights)
            indptr.append(indptr[-1] + len(columns[-1]) + len(columns[-2]))
        matrix = scipy.sparse.csr_matrix(
            (
                np.concatenate(values).astype(np.float32),
                np.concatenate(columns),
                np.asarray(indptr),
            ),
            shape=(len(texts), features),
        )
        index = {c: i for i, c in enumerate(self.classes)}
        label_ids = np.array([index[label] for label in labels])
        targets = np.zeros((len(texts), len(self.classes)), dtype=np.float32)
        targets[np.arange(len(texts)), label_ids] = 1.0
        # float32 halves the memory traffic of L-BFGS; the optimum is no less accurate.
        theta = np.zeros(features * len(self.classes) + len(self.classes), dtype=np.float32)
        theta = _lbfgs(_softmax_objective(matrix, targets, label_ids, C), theta)
        k = len(self.classes)
        # (features, classes), so that the rows a message touches are contiguous.
        self._coef = np.ascontiguousarray(
            theta[: features * k].reshape(features, k), dtype=np.float64
        )
        self._intercept = theta[features * k :].astype(np.float64)
        # Familiar trigrams come from in-scope rows only: the out-of-scope rows include keyboard
        # mashes, whose trigrams must stay unfamiliar.
        self._trigrams = frozenset(
            gram
            for row in rows
            if row["intent"] != "fuera_de_alcance"
            for gram in _trigrams(row["text"])
        )

    @classmethod
    def from_package(cls) -> IntentClassifier:
        """Train on the packaged ``train.jsonl`` with the packaged temperature."""
        return cls(load_training_rows(), temperature=load_temperature())

    def to_arrays(self) -> dict[str, Any]:
        """The trained model as plain numpy arrays (numbers and strings: no pickles)."""
        return {
            "word_terms": np.array(list(self._word.terms), dtype=str),
            "word_idf": self._word.idf,
            "char_terms": np.array(list(self._char.terms), dtype=str),
            "char_idf": self._char.idf,
            "coef": self._coef,
            "intercept": self._intercept,
            "classes": np.array(self.classes, dtype=str),
            "trigrams": np.array(sorted(self._trigrams), dtype=str),
            "temperature": np.float64(self.temperature),
            "size": np.int64(self.size),
        }

    @classmethod
    def from_arrays(cls, arrays: Any) -> IntentClassifier:
        """The model :meth:`to_arrays` wrote, without training."""
        model = cls.__new__(cls)
        words = [str(t) for t in arrays["word_terms"]]
        model._word = _Block({t: i for i, t in enumerate(words)}, arrays["word_idf"], 0, chars=False)
        model._char = _Block({str(t): len(words) + i for i, t in enumerate(arrays["char_terms"])},
                             arrays["char_idf"], len(words), chars=True)
        model.classes = tuple(str(c) for c in arrays["classes"])
        model.temperature = float(arrays["temperature"])
        model.size = int(arrays["size"])
        model._coef = np.ascontiguousarray(arrays["coef"], dtype=np.float64)
        model._intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        model._trigrams = frozenset(str(t) for t in arrays["trigrams"])
        return model

    def features(self, text: str) -> tuple[Any, Any]:
        """(columns, weights) of the TF-IDF vector of ``text`` (word block, then characters)."""
        normalized = normalize(text)
        word_columns, word_weights = self._word.vector(normalized)
        char_columns, char_weights = self._char.vector(normalized)
        return np.concatenate([word_columns, char_columns]), np.concatenate(
            [word_weights, char_weights]
        )

    def decision_scores(self, text: str) -> Any:
        """The model's logit for each class (in ``classes`` order), before the temperature."""
        columns, weights = self.features(text)
        return self._intercept + weights @ self._coef[columns]

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

    def classify(self, text: str) -> Prediction:
        """Classify one text: all intents ranked by probability, and its familiarity."""
        probs = _softmax(self.decision_scores(text) / self.temperature)
        order = np.argsort(-probs, kind="stable")
        ranking = tuple((self.classes[i], float(probs[i])) for i in order)
        return Prediction(
            intent=ranking[0][0],
            confidence=ranking[0][1],
            ranking=ranking,
            familiarity=self.familiarity(text),
        )

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """``classify`` for each text."""
        return [self.classify(text) for text in texts]

    def best(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Only the best intent and its probability for each text (cheaper than ``predict``)."""
        found = []
        for text in texts:
            probs = _softmax(self.decision_scores(text) / self.temperature)
            i = int(np.argmax(probs))
            found.append((self.classes[i], float(probs[i])))
        return found


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
