"""The employees' HR rows a process read lately, reused while the HR data has not changed.

A conversation asks several questions about the same employee within minutes; their rows
(contracts, salaries, deposits, novelties...) change only when an import runs. Each entry
carries the HR data version (``stores.hr.HR_DATA_VERSION``) that the turn which read it saw;
a turn that sees the same version gets the same rows without a query, and while an import
runs there is no version, so nothing is reused. Entries also expire after ``max_age``
seconds, a bound on staleness should the tables change some other way (a correction by hand
in SQL).
"""

from __future__ import annotations

import time
from collections import OrderedDict

from chatnomina.hr.facts import PersonRows

#: Employees kept per process: an entry is ~100 KB for the sample's ten years of history
#: (~1.2 KB per row), so ~13 MB at most for a typical history.
MAX_PEOPLE = 128
MAX_AGE_SECONDS = 300.0


class PersonCache:
    """Least recently used employees' rows, by document, with the data version they were read at."""

    def __init__(self, *, size: int = MAX_PEOPLE, max_age: float = MAX_AGE_SECONDS) -> None:
        self.size = size
        self.max_age = max_age
        self._entries: OrderedDict[str, tuple[str, float, PersonRows]] = OrderedDict()

    def get(self, document: str, version: str | None) -> PersonRows | None:
        """The rows read at ``version`` (None: not cached, another version, too old, or no version)."""
        entry = self._entries.get(document)
        if entry is None or version is None:
            return None
        read_at_version, read_at, person = entry
        if read_at_version != version or time.monotonic() - read_at > self.max_age:
            del self._entries[document]
            return None
        self._entries.move_to_end(document)
        return person

    def put(self, document: str, version: str | None, person: PersonRows) -> None:
        """Remember rows read at or after a snapshot that saw ``version`` (no version: nothing kept)."""
        if version is None:
            return
        self._entries[document] = (version, time.monotonic(), person)
        self._entries.move_to_end(document)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
