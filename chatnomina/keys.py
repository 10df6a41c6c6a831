"""Every aiohttp ``AppKey`` of the web process, in one place."""

from __future__ import annotations

import weakref

import asyncpg
from aiohttp import web
from redis.asyncio import Redis

from chatnomina.assistant.service import Assistant
from chatnomina.auth.throttle import Throttle
from chatnomina.chat.hub import Hub
from chatnomina.jobs import JobQueue
from chatnomina.s3 import S3 as S3Client
from chatnomina.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", asyncpg.Pool)
REDIS = web.AppKey("redis", Redis)
BROKER_REDIS = web.AppKey("broker_redis", Redis)
HUB = web.AppKey("hub", Hub)
WEBSOCKETS = web.AppKey("websockets", weakref.WeakSet[web.WebSocketResponse])
THROTTLE = web.AppKey("throttle", Throttle)
ASSISTANT = web.AppKey("assistant", Assistant)
S3 = web.AppKey("s3", S3Client)
JOBS = web.AppKey("jobs", JobQueue)
