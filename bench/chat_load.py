"""Chat under load (issue #7): REST turns, cross-replica websocket delivery, idle sockets.

    python bench/chat_load.py [--parts rest,ws,idle] [--web-processes 2] [--concurrency 16]
                              [--seconds 15] [--ws-rate 5000] [--idle-sockets 10000]

Everything runs on this machine, on loopback, and stops by itself:

(a) **REST turns.** ``POST /api/v1/chat/message`` by the 15 employees of the sample HR
    exports (imported into the bench database first), many conversations, a realistic mix
    of data questions, greetings and labour-law questions, each with a ``client_message_id``.
    ``--web-processes`` ``chatnomina serve`` processes share the database and Redis; this
    process is the closed-loop load generator (round robin over the web processes).
(b) **Cross-replica delivery.** Subscribers on replica B (one socket per conversation, in a
    child process); a publisher child process publishes message events straight on the
    conversation channels through Redis at ``--ws-rate`` (the envelope and sequence numbers
    the chat publishes; the REST path cannot reach 5,000 turns/s here), the send time in the
    text. Latency = receive time − send time (one clock). Also, at a rate the REST path
    sustains, real turns posted on replica A and received on replica B.
(c) **Idle sockets.** A fresh web process, ``--idle-sockets`` authenticated websockets
    opened from ``--client-processes`` processes, its RSS before and after.

Prints one JSON document with the three, the machine, its load and CPU time per phase.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing as mp
import os
import random
import resource
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, rss_mb, service_env, start_server, summary_ms  # noqa: E402
from chatnomina.auth.passwords import hash_password  # noqa: E402
from chatnomina.auth.tokens import issue_access_token  # noqa: E402
from chatnomina.db import connect_kwargs  # noqa: E402
from chatnomina.devserver import free_port  # noqa: E402
from chatnomina.logs import configure_logging  # noqa: E402
from chatnomina.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "hr_exports"
PASSWORD = "bench-chat-password-1"
EMAIL = "bench-chat-{document}@example.co"

#: (weight, questions): data questions about the employee's own records, social turns, law.
QUESTIONS: list[tuple[int, list[str]]] = [
    (50, [
        "¿cuánto me consignaron el mes pasado?",
        "¿cuál es mi salario actual?",
        "¿cuántos días de vacaciones tengo pendientes?",
        "¿qué me descontaron en la última nómina?",
        "¿cuánto me retuvieron de retención en la fuente?",
        "¿en qué banco me consignan la nómina?",
        "¿qué novedades tengo registradas?",
        "¿cuánto me pagaron en octubre?",
        "¿y el mes anterior?",
        "¿cuánto me descuentan de salud y pensión?",
    ]),
    (20, ["Hola", "buenos días", "hola, buenas tardes", "gracias, chao", "muchas gracias"]),
    (30, [
        "¿cuántas horas extra se pueden trabajar a la semana?",
        "¿qué dice la ley sobre la prima de servicios?",
        "¿cuándo se pagan las cesantías?",
        "¿cuánto es el recargo nocturno?",
        "¿cuántos días de vacaciones da la ley por año trabajado?",
    ]),
]
TURNS_PER_CONVERSATION = 6


# -- measurement helpers --------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _proc_sys(pid: int) -> float:
    """System (kernel) CPU seconds of one process."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[12]) / _TICK
    except OSError:
        return 0.0


def _pids_named(name: str, marker: str | None = None) -> list[int]:
    """Processes whose command is ``name`` (and whose command line holds ``marker``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() != name:
                    continue
                if marker is not None and marker.encode() not in (entry / "cmdline").read_bytes():
                    continue
            except OSError:
                continue
            pids.append(int(entry.name))
    return pids


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU seconds spent by each group of processes (and the whole machine) over a phase.

    PostgreSQL counts only the backends of the bench database; a process that starts during
    the phase counts whole, one that ends during it is lost (its share is small).
    """

    def __init__(self, servers: list[int], database: str):
        self.servers = servers
        self.database = database
        self.start = self._sample()

    def _groups(self) -> dict[str, dict[int, float]]:
        return {
            "web_processes": {pid: _proc_cpu(pid) for pid in self.servers},
            "postgres_bench_db": {pid: _proc_cpu(pid) for pid in _pids_named("postgres", self.database)},
            "redis": {pid: _proc_cpu(pid) for pid in _pids_named("redis-server")},
        }

    def _sample(self) -> dict[str, Any]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        busy, total = _machine_jiffies()
        return {"groups": self._groups(), "load_generator": own.ru_utime + own.ru_stime,
                "web_sys": sum(_proc_sys(pid) for pid in self.servers),
                "busy": busy / _TICK, "total": total / _TICK, "wall": time.monotonic()}

    def stop(self, *, per: int | None = None, child_cpu: float = 0.0) -> dict[str, Any]:
        """CPU seconds per group; ``per``: also milliseconds of CPU per unit of work."""
        end = self._sample()
        delta: dict[str, float] = {}
        for group, pids in end["groups"].items():
            before = self.start["groups"][group]
            delta[group] = sum(cpu - before.get(pid, 0.0) for pid, cpu in pids.items())
        delta["load_generator"] = end["load_generator"] - self.start["load_generator"] + child_cpu
        busy, total = end["busy"] - self.start["busy"], end["total"] - self.start["total"]
        out: dict[str, Any] = {k: round(v, 2) for k, v in delta.items()}
        out["web_processes_of_which_kernel"] = round(end["web_sys"] - self.start["web_sys"], 2)
        out["wall_s"] = round(end["wall"] - self.start["wall"], 2)
        out["machine_busy_pct"] = round(100 * busy / total, 1) if total else 0.0
        out["machine_busy_cpu_s"] = round(busy, 2)
        if per:
            out["cpu_ms_per_unit"] = {k: round(1000 * v / per, 3) for k, v in delta.items() if v}
        return out


def _raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _load() -> dict[str, float]:
    one, five, fifteen = os.getloadavg()
    return {"1min": round(one, 2), "5min": round(five, 2), "15min": round(fifteen, 2)}


# -- the bench database ---------------------------------------------------------------------


async def _connect(settings: Settings, database: str | None = None) -> asyncpg.Connection:
    return await asyncpg.connect(**connect_kwargs(settings, database))


async def prepare(settings: Settings) -> list[dict[str, Any]]:
    """Migrated bench database with the sample exports imported, one user per employee, no chats."""
    conn = await _connect(settings, "postgres")
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", settings.db_name):
            await conn.execute(f'CREATE DATABASE "{settings.db_name}"')
    finally:
        await conn.close()
    from chatnomina.migrate import upgrade_head

    await asyncio.to_thread(upgrade_head, settings)
    from chatnomina.db import create_pool

    pool = await create_pool(settings, min_size=1, max_size=4)
    try:
        if await pool.fetchval("SELECT count(*) FROM hr_employees") < 15:
            from chatnomina.services.hr_import import run_import
            from chatnomina.stores import imports as import_store

            files = {path.name: path.read_bytes() for path in FIXTURES.iterdir()}
            job = await import_store.create_import(pool, source="cli", requested_by="bench", status="running")
            report = await run_import(pool, job.id, files)
            if report.exit_code != 0:
                raise RuntimeError(f"the sample import failed: {report.error} {report.rejected[:3]}")
        documents = [r["documento"] for r in await pool.fetch("SELECT documento FROM hr_employees ORDER BY documento")]
        # every run starts from empty chats, so the figures do not depend on earlier runs
        await pool.execute("TRUNCATE message_feedback, messages, conversation_participants, conversations")
        from chatnomina.stores import users as user_store

        hashed = hash_password(PASSWORD)
        users = []
        for document in documents:
            user = await user_store.get_user_by_document(pool, document)
            if user is None:
                user = await user_store.create_user(pool, email=EMAIL.format(document=document), password_hash=hashed,
                                                    roles=["employee"], document=document,
                                                    display_name=f"Empleado {document}")
            users.append({"id": user.id, "document": user.document, "roles": list(user.roles)})
        return users
    finally:
        await pool.close()


def _tokens(settings: Settings, users: list[dict[str, Any]]) -> list[str]:
    return [issue_access_token(settings, subject=f"user:{u['id']}", roles=u["roles"], document=u["document"]).token
            for u in users]


async def _create_conversations(settings: Settings, users: list[dict[str, Any]], count: int) -> list[tuple[str, int]]:
    """``count`` empty conversations, owners round robin: (conversation id, user index)."""
    from chatnomina.db import create_pool
    from chatnomina.stores import chat as chat_store

    pool = await create_pool(settings, min_size=1, max_size=1)
    try:
        out = []
        for i in range(count):
            user = users[i % len(users)]
            conversation = await chat_store.create_conversation(
                pool, owner_user_id=user["id"], owner_document=user["document"], title="bench")
            out.append((str(conversation.id), i % len(users)))
        return out
    finally:
        await pool.close()


# -- (a) REST turns -------------------------------------------------------------------------


def _question_picker(seed: int) -> Any:
    rng = random.Random(seed)
    weights = [w for w, _ in QUESTIONS]
    groups = [qs for _, qs in QUESTIONS]

    def pick() -> str:
        return rng.choice(rng.choices(groups, weights)[0])

    return pick


async def rest_turns(ports: list[int], tokens: list[str], *, concurrency: int, seconds: float,
                     warmup: float = 3.0) -> dict[str, Any]:
    """Closed loop: ``concurrency`` clients, each an employee walking through conversations."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    intents: dict[str, int] = {}
    conversations = 0
    completed = 0  # warm-up included: the CPU meter runs over the whole loop
    started_at = time.monotonic()
    measure_from, stop_at = started_at + warmup, started_at + warmup + seconds
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client(index: int) -> None:
            nonlocal conversations, completed
            url = f"http://127.0.0.1:{ports[index % len(ports)]}/api/v1/chat/message"
            headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}
            pick = _question_picker(index)
            conversation_id: str | None = None
            turn = 0
            while time.monotonic() < stop_at:
                body: dict[str, Any] = {"message": "Hola" if turn == 0 else pick(),
                                        "client_message_id": uuid.uuid4().hex}
                if conversation_id is not None:
                    body["conversation_id"] = conversation_id
                began = time.monotonic()
                try:
                    async with session.post(url, json=body, headers=headers) as response:
                        data = await response.json()
                        if response.status != 200:
                            raise RuntimeError(f"{response.status} {data.get('error', {}).get('code')}")
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errors[str(exc)[:80]] = errors.get(str(exc)[:80], 0) + 1
                    continue
                completed += 1
                if began >= measure_from:
                    latencies.append(time.monotonic() - began)
                    intent = (data.get("response") or {}).get("intent") or "none"
                    intents[intent] = intents.get(intent, 0) + 1
                conversation_id = data["conversation_id"]
                turn += 1
                if turn >= TURNS_PER_CONVERSATION:
                    conversation_id, turn = None, 0
                    conversations += 1

        await asyncio.gather(*(client(i) for i in range(concurrency)))
    return {
        "turns": len(latencies),
        "turns_per_s": round(len(latencies) / seconds, 1),
        **summary_ms(latencies),
        "max_ms": round(max(latencies, default=0) * 1000, 3),
        "turns_with_warmup": completed,
        "errors": errors,
        "conversations_started": conversations,
        "intents": dict(sorted(intents.items(), key=lambda kv: -kv[1])),
    }


# -- (b) cross-replica delivery -------------------------------------------------------------


def _receiver(port: int, tokens: list[str], conversations: list[tuple[str, int]], ready: Any, done: Any,
              results: Any) -> None:
    """Child process: one socket per conversation on replica B, every message frame timed."""
    asyncio.run(_receive(port, tokens, conversations, ready, done, results))


async def _receive(port: int, tokens: list[str], conversations: list[tuple[str, int]], ready: Any, done: Any,
                   results: Any) -> None:
    _raise_fd_limit()
    url = f"http://127.0.0.1:{port}/api/v1/chat/ws"
    latencies: list[float] = []
    by_client_id: dict[str, float] = {}
    last_seq: dict[str, int] = {}
    problems = {"out_of_order": 0, "duplicates": 0, "gaps": 0, "closed": 0}
    cpu_start = time.process_time()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        sockets = []
        for cid, user in conversations:
            ws = await session.ws_connect(url, headers={"Authorization": f"Bearer {tokens[user]}"},
                                          autoping=True, max_msg_size=0)
            await ws.send_str(json.dumps({"type": "subscribe", "conversation_id": cid}))
            sockets.append(ws)

        subscribed = 0
        closing = False

        async def read(ws: aiohttp.ClientWebSocketResponse) -> None:
            nonlocal subscribed
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                now = time.time()
                frame = json.loads(msg.data)
                kind = frame["type"]
                if kind == "message":
                    message = frame["message"]
                    cid, seq = message["conversation_id"], message["seq"]
                    previous = last_seq.get(cid, 0)
                    if seq <= previous:
                        problems["duplicates" if seq == previous else "out_of_order"] += 1
                    elif seq > previous + 1 and previous:
                        problems["gaps"] += 1
                    last_seq[cid] = max(previous, seq)
                    text = message["text"]
                    if text.startswith("bench t="):
                        latencies.append(now - float(text[8:].split()[0]))
                    elif message.get("client_message_id"):
                        by_client_id[message["client_message_id"]] = now
                elif kind == "subscribed":
                    subscribed += 1
                    last_seq.setdefault(frame["conversation_id"], frame["last_seq"])
            if not closing:
                problems["closed"] += 1

        readers = [asyncio.create_task(read(ws)) for ws in sockets]
        gc.collect()
        gc.freeze()  # this process's own collector pauses are not the server's latency
        while subscribed < len(sockets):
            await asyncio.sleep(0.05)
        ready.set()
        while not done.is_set():
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # let the tail arrive
        closing = True
        for ws in sockets:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
    results.put({"latencies": latencies, "by_client_id": by_client_id, "problems": problems,
                 "cpu_s": time.process_time() - cpu_start})


def _publisher(env: dict[str, str], conversations: list[str], rate: float, seconds: float, results: Any) -> None:
    """Child process: message events on the conversation channels at ``rate`` per second."""
    asyncio.run(_publish(env, conversations, rate, seconds, results))


async def _publish(env: dict[str, str], conversations: list[str], rate: float, seconds: float, results: Any) -> None:
    from chatnomina.chat import events
    from chatnomina.redis import create_redis

    settings = Settings.from_env(env)
    redis = create_redis(settings)
    channels = [events.conversation_channel(settings, cid) for cid in conversations]
    seqs = [0] * len(conversations)
    sent = 0
    gc.freeze()
    cpu_start = time.process_time()
    began = time.monotonic()
    lateness: list[float] = []
    try:
        while True:
            elapsed = time.monotonic() - began
            if elapsed >= seconds:
                break
            due = int(elapsed * rate) - sent
            if due > 0:
                lateness.append(due / rate)
                async with redis.pipeline(transaction=False) as pipe:
                    for _ in range(due):
                        i = sent % len(conversations)
                        seqs[i] += 1
                        now = time.time()
                        message = {
                            "id": sent + 1, "conversation_id": conversations[i], "seq": seqs[i], "sender": "user",
                            "sender_user_id": None, "client_message_id": None, "reply_to": None,
                            "text": f"bench t={now:.6f} ¿cuánto me consignaron el mes pasado?",
                            "created_at": None,
                        }
                        pipe.publish(channels[i], events.encode({"type": "message", "message": message}))
                        sent += 1
                    await pipe.execute()
            await asyncio.sleep(0.001)
    finally:
        await redis.aclose()
    results.put({"published": sent, "seconds": round(time.monotonic() - began, 2),
                 "cpu_s": time.process_time() - cpu_start,
                 "max_batch_lag_ms": round(1000 * max(lateness, default=0.0), 2)})


async def _rest_into_ws(port: int, tokens: list[str], conversations: list[tuple[str, int]], *, concurrency: int,
                        seconds: float) -> dict[str, tuple[float, float]]:
    """Real turns on replica A into the conversations B's sockets follow: cmid → (sent, answered)."""
    sent: dict[str, tuple[float, float]] = {}
    stop_at = time.monotonic() + seconds
    url = f"http://127.0.0.1:{port}/api/v1/chat/message"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def client(index: int) -> None:
            pick = _question_picker(1000 + index)
            mine = conversations[index::concurrency]
            n = 0
            while time.monotonic() < stop_at:
                cid, user = mine[n % len(mine)]
                n += 1
                cmid = uuid.uuid4().hex
                began = time.time()
                async with session.post(url, json={"message": pick(), "conversation_id": cid, "client_message_id": cmid},
                                        headers={"Authorization": f"Bearer {tokens[user]}"}) as response:
                    await response.read()
                    if response.status == 200:
                        sent[cmid] = (began, time.time())

        await asyncio.gather(*(client(i) for i in range(concurrency)))
    return sent


def _redis_published(ctx: Any, env: dict[str, str], settings: Settings, tokens: list[str],
                     conversations: list[tuple[str, int]], port_b: int, pid_b: int, rate: float,
                     seconds: float) -> dict[str, Any]:
    """Subscribers on B (a child process), events published through Redis by another child."""
    ready, done, results = ctx.Event(), ctx.Event(), ctx.Queue()
    receiver = ctx.Process(target=_receiver, args=(port_b, tokens, conversations, ready, done, results))
    receiver.start()
    if not ready.wait(120):
        receiver.kill()
        raise RuntimeError("the subscribers did not subscribe in time")
    meter = CpuMeter([pid_b], settings.db_name)
    rss_before = rss_mb(pid_b)
    pub_results = ctx.Queue()
    publisher = ctx.Process(target=_publisher, args=(env, [c for c, _ in conversations], rate, seconds, pub_results))
    publisher.start()
    published = pub_results.get(timeout=seconds + 60)
    publisher.join(10)
    done.set()
    received = results.get(timeout=120)
    receiver.join(10)
    cpu = meter.stop(per=published["published"], child_cpu=published["cpu_s"] + received["cpu_s"])
    latencies = received["latencies"]
    return {
        "what": "message events (the chat's envelope, consecutive seq per conversation) published through Redis "
                "by a separate process; the REST path cannot publish 5,000 turns/s on this machine",
        "target_rate_per_s": rate,
        "published": published["published"],
        "published_per_s": round(published["published"] / published["seconds"], 1),
        "publisher_max_batch_lag_ms": published["max_batch_lag_ms"],
        "received": len(latencies),
        "subscribers_on_b": len(conversations),
        "conversations": len(conversations),
        "latency": {**summary_ms(latencies), "max_ms": round(max(latencies, default=0) * 1000, 3)},
        "problems": received["problems"],
        "replica_b_rss_mb": {"before": rss_before, "after": rss_mb(pid_b)},
        "cpu_s": cpu,
        "note": "cpu_ms_per_unit is per message; load_generator = publisher + subscriber processes",
    }


def cross_replica(env: dict[str, str], settings: Settings, users: list[dict[str, Any]], tokens: list[str],
                  port_a: int, port_b: int, pid_b: int, *, rate: float, seconds: float,
                  subscribers: int, curve: list[float]) -> dict[str, Any]:
    """(b): Redis-published events at ``rate``, then real REST turns on A, both received on B."""
    ctx = mp.get_context("spawn")
    out: dict[str, Any] = {}
    conversations = asyncio.run(_create_conversations(settings, users, subscribers))

    # 1. message events straight on the conversation channels, at the target rate (and lower ones)
    for one_rate in [rate, *curve]:
        result = _redis_published(ctx, env, settings, tokens, conversations, port_b, pid_b, one_rate, seconds)
        if one_rate == rate:
            out["redis_published"] = result
        else:
            out.setdefault("redis_published_lower_rates", []).append(
                {k: result[k] for k in ("target_rate_per_s", "published_per_s", "received", "latency", "problems")})

    # 2. the real path: turns posted on A, delivered to B's sockets (lower rate: a whole turn each)
    ready, done, results = ctx.Event(), ctx.Event(), ctx.Queue()
    receiver = ctx.Process(target=_receiver, args=(port_b, tokens, conversations, ready, done, results))
    receiver.start()
    if not ready.wait(120):
        receiver.kill()
        raise RuntimeError("the subscribers did not subscribe in time")
    sent = asyncio.run(_rest_into_ws(port_a, tokens, conversations, concurrency=8, seconds=min(seconds, 10)))
    done.set()
    received = results.get(timeout=120)
    receiver.join(10)
    arrival = received["by_client_id"]
    to_frame = [arrival[c] - s for c, (s, _) in sent.items() if c in arrival]
    after_response = [arrival[c] - r for c, (_, r) in sent.items() if c in arrival]
    to_response = [r - s for s, r in sent.values()]
    out["rest_path"] = {
        "what": "real turns POSTed on replica A (concurrency 8), the question's frame received on replica B",
        "turns": len(sent),
        "turns_per_s": round(len(sent) / min(seconds, 10), 1),
        "received": len(to_frame),
        "post_to_frame_on_b": summary_ms(to_frame),
        "post_to_http_response": summary_ms(to_response),
        "frame_on_b_minus_http_response": summary_ms(after_response),
        "problems": received["problems"],
    }
    return out


# -- (c) idle sockets -----------------------------------------------------------------------


def _idle_client(port: int, tokens: list[str], count: int, ready: Any, release: Any, results: Any) -> None:
    """Child process: ``count`` authenticated sockets, held until ``release``."""
    asyncio.run(_hold(port, tokens, count, ready, release, results))


async def _hold(port: int, tokens: list[str], count: int, ready: Any, release: Any, results: Any) -> None:
    _raise_fd_limit()
    url = f"http://127.0.0.1:{port}/api/v1/chat/ws"
    sockets: list[aiohttp.ClientWebSocketResponse] = []
    failures: dict[str, int] = {}
    # 32 handshakes at a time per client process: each checks the revocation list in Redis, and
    # redis-py's pool refuses more than 100 concurrent commands (see the report)
    gate = asyncio.Semaphore(32)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one(i: int) -> None:
            async with gate:
                try:
                    ws = await session.ws_connect(url, headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"},
                                                  autoping=True)
                    message = await ws.receive(timeout=30)
                    if message.type != aiohttp.WSMsgType.TEXT:
                        raise RuntimeError(f"{message.type.name} {ws.close_code}")
                    frame = json.loads(message.data)
                    if frame.get("type") != "ready":
                        raise RuntimeError(f"frame {frame.get('type')}")
                    sockets.append(ws)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    key = f"{type(exc).__name__}: {exc}"[:80]
                    failures[key] = failures.get(key, 0) + 1

        began = time.monotonic()
        await asyncio.gather(*(one(i) for i in range(count)))
        opened_in = time.monotonic() - began

        async def drain(ws: aiohttp.ClientWebSocketResponse) -> None:
            async for _ in ws:  # answers the server's heartbeat pings while idle
                pass

        readers = [asyncio.create_task(drain(ws)) for ws in sockets]
        ready.put({"open": len(sockets), "failures": failures, "opened_in_s": round(opened_in, 1)})
        while not release.is_set():
            await asyncio.sleep(0.1)
        still_open = sum(1 for ws in sockets if not ws.closed)
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        await asyncio.gather(*readers, return_exceptions=True)
    results.put({"still_open_at_release": still_open})


def idle_sockets(env: dict[str, str], tokens: list[str], *, count: int, processes: int,
                 hold: float) -> dict[str, Any]:
    """(c): RSS of a fresh web process before and while it holds ``count`` idle sockets."""
    port = free_port()
    server = start_server(port, env)
    ctx = mp.get_context("spawn")
    try:
        time.sleep(3)
        baseline = rss_mb(server.pid)
        meter = CpuMeter([server.pid], env["DB_NAME"])
        ready, release, results = ctx.Queue(), ctx.Event(), ctx.Queue()
        shares = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
        clients = [ctx.Process(target=_idle_client, args=(port, tokens, n, ready, release, results)) for n in shares]
        for client in clients:
            client.start()
        opened = [ready.get(timeout=600) for _ in clients]
        cpu = meter.stop(per=max(1, sum(o["open"] for o in opened)))
        samples = []
        for _ in range(hold_samples := max(1, int(hold))):
            time.sleep(hold / hold_samples)
            samples.append(rss_mb(server.pid))
        release.set()
        held = [results.get(timeout=120) for _ in clients]
        for client in clients:
            client.join(30)
        time.sleep(2)
        after_close = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    open_sockets = sum(o["open"] for o in opened)
    loaded = max(samples)
    return {
        "sockets_requested": count,
        "sockets_open": open_sockets,
        "still_open_after_hold": sum(h["still_open_at_release"] for h in held),
        "client_processes": processes,
        "open_failures": [o["failures"] for o in opened],
        "opened_in_s": max(o["opened_in_s"] for o in opened),
        "rss_mb_before": baseline,
        "rss_mb_with_sockets": loaded,
        "rss_mb_after_close": after_close,
        "kb_per_socket": round((loaded - baseline) * 1024 / open_sockets, 1) if open_sockets else None,
        "held_s": hold,
        "cpu_s_opening": cpu,
    }


# -- the command ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="rest,ws,idle", help="comma-separated: rest, ws, idle")
    parser.add_argument("--web-processes", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--ws-rate", type=float, default=5000)
    parser.add_argument("--ws-curve", default="1000,2500", help="lower rates also measured (comma-separated)")
    parser.add_argument("--ws-seconds", type=float, default=10)
    parser.add_argument("--ws-subscribers", type=int, default=500)
    parser.add_argument("--idle-sockets", type=int, default=10_000)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--idle-hold", type=float, default=10)
    args = parser.parse_args()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}

    fd_limit = _raise_fd_limit()  # inherited by the web processes started below
    env = service_env()
    env["DB_NAME"] = env.get("BENCH_DB_NAME", "chatnomina_bench_chat")
    env["RATE_LIMITS_ENABLED"] = "false"
    env["REDIS_NAMESPACE"] = env.get("BENCH_REDIS_NAMESPACE", "chatnomina-bench-chat")
    settings = Settings.from_env(env)
    configure_logging("warning", environment=settings.environment)  # stdout carries only the JSON
    report: dict[str, Any] = {
        "benchmark": "chat_load",
        "machine": machine(),
        "load_average_at_start": _load(),
        "settings": {"log_level": settings.log_level, "rate_limits_enabled": settings.rate_limits_enabled,
                     "db_pool_max": settings.db_pool_max, "ws_outbound_queue": settings.ws_outbound_queue,
                     "fd_limit": fd_limit},
    }
    users = asyncio.run(prepare(settings))
    tokens = _tokens(settings, users)
    servers = []
    try:
        needed = max(args.web_processes if "rest" in parts else 0, 2 if "ws" in parts else 0)
        for _ in range(needed):
            port = free_port()
            servers.append((port, start_server(port, env)))
        ports = [port for port, _ in servers]
        pids = [proc.pid for _, proc in servers]
        if "rest" in parts:
            used = pids[: args.web_processes]
            meter = CpuMeter(used, settings.db_name)
            rss_before = [rss_mb(pid) for pid in used]
            result = asyncio.run(rest_turns(ports[: args.web_processes], tokens, concurrency=args.concurrency,
                                            seconds=args.seconds))
            report["rest_turns"] = {
                "web_processes": args.web_processes,
                "concurrency": args.concurrency,
                "seconds": args.seconds,
                "employees": len(users),
                "turns_per_conversation": TURNS_PER_CONVERSATION,
                **result,
                "target": {"turns_per_s": 1000, "p99_ms": 50},
                "web_rss_mb": {"before": rss_before, "after": [rss_mb(pid) for pid in used]},
                "cpu_s": meter.stop(per=result["turns_with_warmup"]),
                "load_average_after": _load(),
            }
        if "ws" in parts:
            report["cross_replica_delivery"] = {
                **cross_replica(env, settings, users, tokens, ports[0], ports[1], pids[1], rate=args.ws_rate,
                                curve=[float(r) for r in args.ws_curve.split(",") if r.strip()],
                                seconds=args.ws_seconds, subscribers=args.ws_subscribers),
                "target": {"rate_per_s": 5000, "p99_ms": 10},
                "load_average_after": _load(),
            }
    finally:
        for _, proc in servers:
            proc.terminate()
        for _, proc in servers:
            proc.wait(30)
    if "idle" in parts:
        report["idle_sockets"] = {
            **idle_sockets(env, tokens, count=args.idle_sockets, processes=args.client_processes,
                           hold=args.idle_hold),
            "target": {"rss_mb": 250},
            "load_average_after": _load(),
        }
    report["run_id"] = uuid.uuid4().hex[:8]
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
