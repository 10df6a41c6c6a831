"""Search the labour-law corpus: TF-IDF over passages plus the phrases people use for each topic.

A question is reduced to content words (accents, case, plurals and function words removed).
Each passage scores the cosine similarity of TF-IDF vectors plus a bonus when the question
contains one of the passage's keyword phrases (longer phrases weigh more: "recargo dominical"
says more than "recargo"). Below ``MIN_SCORE`` nothing is returned, so the assistant says it
does not know and offers a person instead of guessing.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from chatnomina.assistant.nlu.text import normalize

__all__ = [
    "MIN_SCORE",
    "KnowledgeBase",
    "KnowledgeMatch",
    "Passage",
    "best_passage",
    "default_knowledge",
    "search",
]

#: Minimum score for a passage to count as an answer.
MIN_SCORE = 0.3

_STOPWORDS_TEXT = """
    da dan dar den dieron
    a al algo algun alguna alguno ante antes aqui asi aun cada como con contra cual cuales
    cuando cuanta cuantas cuanto cuantos de del desde donde dos el ella ellas ellos en entre era
    es esa ese eso esta estan este esto estos fue ha hay la las le les lo los mas me mi mis muy
    nada ni no nos o otra otro para pero por porque pues que se segun ser si sin sobre son su
    sus tal tambien te tiene tienen tengo toda todo todos tu un una uno unos usted va y ya yo
    dice dicen ley leyes norma normas normativa codigo sustantivo trabajo trabajador trabajadora
    trabajadores empleado empleados empleador empresa colombia colombiano legal legales
    legalmente explica explicame dime saber quiero necesito puedo puede pueden hacer hace debe
    deben articulo cst regla reglas establece cuenta cuentame informacion favor porfa num seria
    qu ? esos esas hoy actual vigente actualmente tema
"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def _stem(word: str) -> str:
    """Crude Spanish plural folding: vacaciones → vacacion, festivos → festivo."""
    if len(word) > 5 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """The stemmed content words of ``text``, in order."""
    return [_stem(w) for w in normalize(text, numbers=False).split() if w not in _STOPWORDS]


@dataclass(frozen=True)
class Passage:
    """One passage of the corpus, with the norm it rests on."""

    id: str
    topic: str
    title: str
    citation: str
    text: str
    effective: date | None
    keywords: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "id": self.id,
            "topic": self.topic,
            "title": self.title,
            "citation": self.citation,
            "effective": self.effective.isoformat() if self.effective else None,
            "text": self.text,
        }


@dataclass(frozen=True)
class KnowledgeMatch:
    """A passage and how well it matches the question."""

    passage: Passage
    score: float

    @property
    def citation(self) -> str:
        """The norm to quote with the answer."""
        return self.passage.citation

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {"passage": self.passage.as_dict(), "score": round(self.score, 4)}


def _vector(words: list[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(words)
    weights = {w: (1.0 + math.log(c)) * idf.get(w, 0.0) for w, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {w: v / norm for w, v in weights.items() if v} if norm else {}


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


class KnowledgeBase:
    """The passages and their search index."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = tuple(passages)
        documents = [
            content_words(" ".join([p.title, p.title, " ".join(p.keywords), p.text]))
            for p in passages
        ]
        df = Counter(w for doc in documents for w in set(doc))
        n = len(documents)
        self._idf = {w: math.log((n + 1) / (d + 1)) + 1.0 for w, d in df.items()}
        self._vectors = [_vector(doc, self._idf) for doc in documents]
        self._phrases = [
            tuple(sorted({tuple(content_words(k)) for k in p.keywords if content_words(k)},
                         key=len, reverse=True))
            for p in passages
        ]  # fmt: skip

    @classmethod
    def from_package(cls) -> KnowledgeBase:
        """Load ``chatnomina/assistant/data/knowledge.toml``."""
        source = resources.files("chatnomina.assistant").joinpath("data").joinpath("knowledge.toml")
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        passages = [
            Passage(
                id=item["id"],
                topic=item["topic"],
                title=item["title"],
                citation=item["citation"],
                text=item["text"].strip(),
                effective=item.get("effective"),
                keywords=tuple(item.get("keywords", ())),
            )
            for item in data["passage"]
        ]
        return cls(passages)

    def get(self, passage_id: str) -> Passage:
        """The passage with this id (KeyError if there is none)."""
        for passage in self.passages:
            if passage.id == passage_id:
                return passage
        raise KeyError(passage_id)

    def search(self, question: str, *, limit: int = 3) -> list[KnowledgeMatch]:
        """The best ``limit`` passages for ``question``, best first (any score above zero)."""
        words = content_words(question)
        if not words:
            return []
        query = _vector(words, self._idf)
        scored = []
        for passage, vector, phrases in zip(self.passages, self._vectors, self._phrases):
            cosine = sum(weight * vector.get(w, 0.0) for w, weight in query.items())
            matched = [len(p) for p in phrases if _contains(words, p)]
            bonus = 0.0
            if matched:
                bonus = min(0.25 + 0.1 * (max(matched) - 1), 0.55) + 0.05 * (len(matched) - 1)
                bonus = min(bonus, 0.8)
            score = cosine + bonus
            if score > 0:
                scored.append(KnowledgeMatch(passage, score))
        scored.sort(key=lambda m: (-m.score, m.passage.id))
        return scored[:limit]

    def best(self, question: str, *, min_score: float = MIN_SCORE) -> KnowledgeMatch | None:
        """The best passage if it scores at least ``min_score``; None means "I don't know"."""
        results = self.search(question, limit=1)
        if results and results[0].score >= min_score:
            return results[0]
        return None


@functools.cache
def default_knowledge() -> KnowledgeBase:
    """The packaged corpus, loaded once per process."""
    return KnowledgeBase.from_package()


def search(question: str, *, limit: int = 3) -> list[KnowledgeMatch]:
    """Search the packaged corpus."""
    return default_knowledge().search(question, limit=limit)


def best_passage(question: str, *, min_score: float = MIN_SCORE) -> KnowledgeMatch | None:
    """The best passage of the packaged corpus for ``question``, or None below the threshold."""
    return default_knowledge().best(question, min_score=min_score)
