"""Every aiohttp ``AppKey`` of the web process, in one place."""

from __future__ import annotations

import weakref
from typing import Any

import asyncpg
from aiohttp import web
from redis.asyncio import Redis

from chatnomina.chat.hub import Hub
from chatnomina.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", asyncpg.Pool)
REDIS = web.AppKey("redis", Redis)
BROKER_REDIS = web.AppKey("broker_redis", Redis)
HUB = web.AppKey("hub", Hub)
WEBSOCKETS = web.AppKey("websockets", weakref.WeakSet)
THROTTLE = web.AppKey("throttle", Any)
ASSISTANT = web.AppKey("assistant", Any)
S3 = web.AppKey("s3", Any)
JOBS = web.AppKey("jobs", Any)
