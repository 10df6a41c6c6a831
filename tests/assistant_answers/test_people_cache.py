"""The per-process cache of employees' rows: same version only, least recently used, bounded age."""

from __future__ import annotations

from typing import Any

import pytest

from chatnomina.assistant.people_cache import PersonCache


def test_entries_need_the_same_version_and_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    person: Any = object()
    cache = PersonCache(size=2, max_age=60)
    cache.put("1", None, person)
    assert cache.get("1", None) is None and len(cache) == 0  # no version, nothing kept
    cache.put("1", "v1", person)
    assert cache.get("1", "v1") is person
    assert cache.get("1", "v2") is None and len(cache) == 0  # another version drops it
    cache.put("1", "v1", person)
    cache.put("2", "v1", person)
    cache.get("1", "v1")
    cache.put("3", "v1", person)  # evicts the least recently used: 2
    assert cache.get("2", "v1") is None and cache.get("1", "v1") is person
    clock = [1000.0]
    monkeypatch.setattr("chatnomina.assistant.people_cache.time.monotonic", lambda: clock[0])
    cache.put("4", "v1", person)
    clock[0] += 61
    assert cache.get("4", "v1") is None
