"""Labour-law knowledge: a Spanish corpus written for the project and its retrieval.

Pure: the only I/O is reading the packaged ``data/knowledge.toml`` once.
"""

from __future__ import annotations

from chatnomina.assistant.knowledge.retrieval import (
    MIN_SCORE,
    KnowledgeBase,
    KnowledgeMatch,
    Passage,
    best_passage,
    default_knowledge,
    search,
)

__all__ = [
    "MIN_SCORE",
    "KnowledgeBase",
    "KnowledgeMatch",
    "Passage",
    "best_passage",
    "default_knowledge",
    "search",
]
