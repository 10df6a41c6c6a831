"""Authentication costs: token verification per request and login throughput.

    python bench/auth.py [--seconds 8]

1. Verification in isolation: the exact decode aiohttp-jwt performs (HS256, aud, iss, exp),
   timed per call (p50/p99 in microseconds).
2. End to end: requests/s and latency of an authenticated route (`/api/v1/auth/session`,
   token verified + revocation check in Redis) against the public `/api/v1/health`.
3. Logins per second (argon2id verification, off the event loop) at concurrency 8.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg
import jwt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import closed_loop, machine, percentile, service_env, start_server  # noqa: E402
from chatnomina.auth.passwords import hash_password  # noqa: E402
from chatnomina.auth.tokens import issue_access_token  # noqa: E402
from chatnomina.db import connect_kwargs  # noqa: E402
from chatnomina.devserver import free_port  # noqa: E402
from chatnomina.settings import Settings  # noqa: E402

PASSWORD = "bench-password-123"


def verification_cost(settings: Settings, rounds: int = 20000) -> dict:
    token = issue_access_token(settings, subject="user:1", roles=["employee"]).token
    secret = settings.jwt_secret.get()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        jwt.decode(token, secret, algorithms=["HS256"], audience=settings.jwt_audience, issuer=settings.jwt_issuer)
        samples.append(time.perf_counter() - started)
    return {
        "rounds": rounds,
        "p50_us": round(percentile(samples, 50) * 1e6, 1),
        "p99_us": round(percentile(samples, 99) * 1e6, 1),
    }


async def prepare(settings: Settings, users: int) -> None:
    conn = await asyncpg.connect(**connect_kwargs(settings, "postgres"))
    exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", settings.db_name)
    if not exists:
        await conn.execute(f'CREATE DATABASE "{settings.db_name}"')
    await conn.close()
    from chatnomina.migrate import upgrade_head

    await asyncio.to_thread(upgrade_head, settings)
    conn = await asyncpg.connect(**connect_kwargs(settings))
    hashed = hash_password(PASSWORD)
    await conn.execute("DELETE FROM users WHERE email LIKE 'bench-%'")
    await conn.executemany("INSERT INTO users (email, password_hash, roles) VALUES ($1, $2, '{employee}')",
                           [(f"bench-{i}@example.co", hashed) for i in range(users)])
    await conn.close()


async def drive(port: int, settings: Settings, seconds: float) -> dict:
    base = f"http://127.0.0.1:{port}/api/v1"
    token = issue_access_token(settings, subject="user:1", roles=["employee"]).token
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
        async def public(_: int) -> None:
            async with session.get(f"http://127.0.0.1:{port}/health") as r:
                await r.read()

        async def authed(_: int) -> None:
            async with session.get(f"{base}/auth/session", headers=headers) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError(r.status)

        counter = iter(range(10**9))

        async def login(_: int) -> None:
            i = next(counter) % 64
            async with session.post(f"{base}/auth/token", json={"username": f"bench-{i}@example.co", "password": PASSWORD}) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError(r.status)

        return {
            "public_health": await closed_loop(public, concurrency=32, duration=seconds),
            "authenticated_session": await closed_loop(authed, concurrency=32, duration=seconds),
            "login": await closed_loop(login, concurrency=8, duration=seconds),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    env = service_env()
    env["DB_NAME"] = env.get("BENCH_DB_NAME", "chatnomina_bench")
    env["RATE_LIMITS_ENABLED"] = "false"
    env["LOGIN_FAILURES_IP"] = "1000000/minute"
    settings = Settings.from_env(env)
    asyncio.run(prepare(settings, users=64))
    port = free_port()
    server = start_server(port, env)
    try:
        end_to_end = asyncio.run(drive(port, settings, args.seconds))
    finally:
        server.terminate()
        server.wait(30)
    public, authed = end_to_end["public_health"], end_to_end["authenticated_session"]
    print(json.dumps({
        "benchmark": "auth",
        "machine": machine(),
        "verification_in_isolation": verification_cost(settings),
        "end_to_end": end_to_end,
        "added_latency_p50_ms": round(authed["p50_ms"] - public["p50_ms"], 3),
        "logins_per_s": end_to_end["login"]["requests_per_s"],
        "run_id": uuid.uuid4().hex[:8],
    }, indent=2))


if __name__ == "__main__":
    main()
