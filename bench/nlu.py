"""Benchmark of the assistant's understanding layer; prints one JSON document.

    python bench/nlu.py [--messages 4000]

* ``startup``: time to import aiohttp + the assistant, to train the intent model and to load
  the labour-law corpus, and the resident memory of that process afterwards (measured in a
  fresh child process so nothing else inflates it). Targets: training ≤ ~2 s, RSS ≤ 200 MB.
* ``understand``: latency per message of ``understand()`` over a few thousand varied messages
  (held-out and public examples, compound questions, follow-ups with context, gibberish, long
  rambling questions). Target: p99 ≤ 5 ms.
* ``knowledge``: latency of the corpus search for normativa questions.

The machine is shared with other work, so wall-clock figures are reported next to CPU-time
figures (this thread's CPU time per message; this process's CPU time at start-up), which other
processes do not inflate.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402


def _rss_kib() -> tuple[int, int]:
    """(current RSS, peak RSS) of this process in KiB, from /proc."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def startup_child() -> dict[str, float]:
    """Import, train and load as the web process would; report times and memory."""
    t0, c0 = time.perf_counter(), time.process_time()
    import aiohttp  # noqa: F401  (the web process imports it anyway)

    from chatnomina.assistant.knowledge import KnowledgeBase
    from chatnomina.assistant.nlu import load_model, understand

    t1, c1 = time.perf_counter(), time.process_time()
    model = load_model()  # reads the data, builds the features, fits the model
    t2, c2 = time.perf_counter(), time.process_time()
    knowledge = KnowledgeBase.from_package()
    t3 = time.perf_counter()
    understand("¿cuánto me pagaron el mes pasado?", today=date(2026, 11, 27), model=model)
    knowledge.best("¿cuánto es el recargo dominical?")
    rss, peak = _rss_kib()
    return {
        "import_seconds": round(t1 - t0, 3),
        "import_cpu_seconds": round(c1 - c0, 3),
        "train_seconds": round(t2 - t1, 3),
        "train_cpu_seconds": round(c2 - c1, 3),
        "knowledge_load_seconds": round(t3 - t2, 3),
        "training_examples": model.classifier.size,
        "rss_mb": round(rss / 1024, 1),
        "peak_rss_mb": round(peak / 1024, 1),
    }


def _messages(count: int, rng: random.Random) -> list[tuple[str, object | None]]:
    """Varied messages, some with a previous turn to exercise follow-ups."""
    from chatnomina.assistant.nlu import Turn, extract_entities
    from chatnomina.assistant.nlu.classifier import load_training_rows

    base = [r["text"] for r in load_training_rows("heldout.jsonl")]
    public = ROOT / "tests" / "fixtures" / "intents_public.jsonl"
    if public.exists():
        base += [json.loads(line)["text"] for line in public.open(encoding="utf-8") if line.strip()]
    compounds = [f"{a.rstrip('?')} y {b[0].lower() + b[1:]}" for a, b in zip(base[::7], base[3::7])]
    rambling = [
        (
            "buenas tardes, mire que yo tengo una duda porque el mes pasado me llegó menos plata "
            "y no sé si es por las horas extras o por la retención, ¿me puede explicar qué pasó "
            "y además cuántos días de vacaciones me quedan?"
        ),
        (
            "hola parce qué más, una pregunta, ¿cuánta plata me consignaron el mes pasao? y "
            "también quería saber si ya me pagaron la prima de diciembre porque no la veo"
        ),
    ]
    gibberish = ["asdkjh qwe", "jjjjjj", "xq zzz kkk", "ñlkñlk", "🙂🙂", "..."]
    followups = ["¿y el mes anterior?", "¿y de pensión?", "¿y en septiembre?", "y el año pasado?"]
    previous = Turn("deducciones", extract_entities("salud en octubre", date(2026, 11, 27)))
    pool: list[tuple[str, object | None]] = [(t, None) for t in base + compounds + rambling * 20]
    pool += [(t, None) for t in gibberish * 10] + [(t, previous) for t in followups * 40]
    rng.shuffle(pool)
    return [pool[i % len(pool)] for i in range(count)]


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {
        "count": len(ordered),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--startup-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.startup_child:
        print(json.dumps(startup_child()))
        return

    child = subprocess.run(
        [sys.executable, __file__, "--startup-child"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    startup = json.loads(child.stdout)

    from chatnomina.assistant.knowledge import KnowledgeBase
    from chatnomina.assistant.nlu import load_model, understand

    model = load_model()
    knowledge = KnowledgeBase.from_package()
    rng = random.Random(8)
    messages = _messages(args.messages, rng)
    days = [date(2026, 11, 27), date(2027, 1, 5), date(2026, 3, 1), date(2026, 12, 31)]
    for text, previous in messages[:200]:  # warm-up
        understand(text, today=days[0], previous=previous, model=model)  # type: ignore[arg-type]
    samples = []
    cpu_samples = []
    compound = 0
    for i, (text, previous) in enumerate(messages):
        today = days[i % len(days)]
        cpu_start = time.thread_time_ns()
        start = time.perf_counter_ns()
        result = understand(text, today=today, previous=previous, model=model)  # type: ignore[arg-type]
        samples.append((time.perf_counter_ns() - start) / 1e6)
        cpu_samples.append((time.thread_time_ns() - cpu_start) / 1e6)
        compound += result.is_compound
    questions = [
        "¿cuánto es el recargo dominical?",
        "¿qué dice la ley de las horas extras?",
        "¿cuándo se paga la prima?",
        "¿quién paga la incapacidad?",
        "¿cuánto es el salario mínimo?",
    ]
    k_samples = []
    for i in range(2000):
        start = time.perf_counter_ns()
        knowledge.best(questions[i % len(questions)])
        k_samples.append((time.perf_counter_ns() - start) / 1e6)
    print(
        json.dumps(
            {
                "machine": machine(),
                "startup": startup,
                "understand": {
                    "wall": _percentiles(samples),
                    "cpu": _percentiles(cpu_samples),
                    "compound_messages": compound,
                },
                "knowledge": _percentiles(k_samples),
                "targets": {"p99_ms": 5, "train_seconds": 2, "rss_mb": 200},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
