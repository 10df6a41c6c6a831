"""The web process's intent model, trained in a child process (``python -m chatnomina.assistant.training FILE``).

A web process that trained the classifier itself would keep, for its whole life, what only
training needs: scipy (~14 MB once imported) and the pages of the ~50 MB that the optimiser
touched. The child trains on the packaged data and writes the model's arrays to an ``.npz``
file (``allow_pickle=False`` on both sides); the parent keeps only the model (~8 MB). The
training is deterministic, so the parent gets exactly the model it would have trained
(``nlu.load_model`` trains in-process, for tests and tools).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from chatnomina.assistant.nlu import NLUModel, load_model
from chatnomina.assistant.nlu.classifier import IntentClassifier
from chatnomina.logs import get_logger

log = get_logger("chatnomina.assistant")

#: Training takes about a second; a child that has not finished in this time is stuck.
TIMEOUT_SECONDS = 300
_SOURCE_ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def process_model() -> NLUModel:
    """The model this process answers with, trained once (in a child) on first use.

    Should the child fail (no writable temporary directory, no process to spare), the
    process trains the model itself: it answers the same, with ~30 MB more memory.
    """
    try:
        return NLUModel(trained_in_child())
    except (OSError, subprocess.SubprocessError) as exc:
        stderr = getattr(exc, "stderr", None) or b""
        log.warning("assistant.training_child_failed", error=str(exc),
                    stderr=stderr.decode(errors="replace")[-2000:])
        return load_model()


def trained_in_child() -> IntentClassifier:
    """The packaged model, trained by a child Python process."""
    env = dict(os.environ)
    # the child imports this package from where the parent did, installed or not
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_SOURCE_ROOT), env.get("PYTHONPATH")) if p)
    with tempfile.TemporaryDirectory(prefix="chatnomina-nlu-") as directory:
        path = Path(directory) / "model.npz"
        subprocess.run([sys.executable, "-m", __name__, str(path)], env=env, cwd=_SOURCE_ROOT, check=True,
                       capture_output=True, timeout=TIMEOUT_SECONDS)
        with np.load(path, allow_pickle=False) as arrays:
            return IntentClassifier.from_arrays(arrays)


def main(argv: list[str]) -> int:
    np.savez(argv[0], **IntentClassifier.from_package().to_arrays())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
