"""S3 through aiobotocore, opened on the event loop of the process that uses it.

``S3_ENDPOINT_URL`` points at an S3-compatible endpoint (moto's server in development and
tests, MinIO); on AWS it is unset and credentials come from the task role.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
from contextlib import AsyncExitStack
from typing import Any, AsyncIterator

from botocore.exceptions import ClientError

from chatnomina.settings import Settings
from chatnomina.telemetry import span

PART_SIZE = 8 * 1024 * 1024  # S3 multipart parts must be ≥ 5 MiB (except the last)


class S3:
    """A long-lived S3 client for one bucket, opened by :meth:`open` or on first use.

    Web processes open it on first use: aiobotocore and the S3 service model cost ~25 MB
    of memory, and most replicas (chat, payslips) never touch S3.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.bucket = settings.s3_bucket
        self._stack = AsyncExitStack()
        self._opening = asyncio.Lock()
        self.client: Any = None

    async def _connected(self) -> Any:
        if self.client is None:
            async with self._opening:
                if self.client is None:
                    await self.open()
        return self.client

    async def open(self) -> S3:
        # importing aiobotocore takes ~0.3 s: not on the event loop of a serving web process
        await asyncio.to_thread(importlib.import_module, "aiobotocore.session")
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        session = get_session()
        config = AioConfig(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60,
                           signature_version="s3v4")
        self.client = await self._stack.enter_async_context(
            session.create_client("s3", region_name=self.settings.aws_region,
                                  endpoint_url=self.settings.s3_endpoint_url, config=config)
        )
        return self

    async def close(self) -> None:
        await self._stack.aclose()

    async def ensure_bucket(self) -> None:
        """Create the bucket when missing (development endpoints start empty)."""
        client = await self._connected()
        try:
            await client.head_bucket(Bucket=self.bucket)
        except ClientError:
            kwargs: dict[str, Any] = {"Bucket": self.bucket}
            if self.settings.aws_region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.settings.aws_region}
            try:
                await client.create_bucket(**kwargs)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    async def put_bytes(self, key: str, data: bytes, *, content_type: str = "application/octet-stream",
                        metadata: dict[str, str] | None = None) -> None:
        client = await self._connected()
        with span("s3.put_object", key=key):
            await client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type,
                                    Metadata=metadata or {})

    async def get_bytes(self, key: str) -> bytes:
        client = await self._connected()
        with span("s3.get_object", key=key):
            response = await client.get_object(Bucket=self.bucket, Key=key)
            async with response["Body"] as body:
                return await body.read()

    async def list_keys(self, prefix: str) -> list[dict[str, Any]]:
        """Every object under ``prefix`` (key, size, last_modified)."""
        client = await self._connected()
        paginator = client.get_paginator("list_objects_v2")
        found: list[dict[str, Any]] = []
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found.append({"key": item["Key"], "size": item["Size"], "last_modified": item["LastModified"]})
        return found

    async def delete_keys(self, keys: list[str]) -> None:
        client = await self._connected()
        for start in range(0, len(keys), 1000):
            chunk = keys[start:start + 1000]
            await client.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in chunk]})

    async def exists(self, key: str) -> bool:
        client = await self._connected()
        try:
            await client.head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError:
            return False

    async def presigned_get(self, key: str, *, expires_in: int = 900, filename: str | None = None) -> str:
        """A download URL valid ``expires_in`` seconds."""
        client = await self._connected()
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if filename:
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        return await client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)

    async def upload_stream(self, key: str, chunks: AsyncIterator[bytes], *,
                            content_type: str = "application/octet-stream") -> tuple[int, str]:
        """Multipart upload of a stream, one part in memory at a time; returns (size, sha256)."""
        with span("s3.multipart_upload", key=key):
            return await self._upload_stream(key, chunks, content_type)

    async def _upload_stream(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> tuple[int, str]:
        client = await self._connected()
        digest = hashlib.sha256()
        size = 0
        upload = await client.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=content_type)
        upload_id = upload["UploadId"]
        parts: list[dict[str, Any]] = []
        buffer = bytearray()
        try:
            async for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                buffer.extend(chunk)
                if len(buffer) >= PART_SIZE:
                    parts.append(await self._part(key, upload_id, len(parts) + 1, bytes(buffer)))
                    buffer.clear()
            if buffer or not parts:
                parts.append(await self._part(key, upload_id, len(parts) + 1, bytes(buffer)))
            await client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            await client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise
        return size, digest.hexdigest()

    async def _part(self, key: str, upload_id: str, number: int, data: bytes) -> dict[str, Any]:
        client = await self._connected()
        response = await client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                            PartNumber=number, Body=data)
        return {"ETag": response["ETag"], "PartNumber": number}

    async def download_stream(self, key: str, chunk_size: int = 1024 * 1024) -> AsyncIterator[bytes]:
        """The object's bytes, chunk by chunk."""
        client = await self._connected()
        response = await client.get_object(Bucket=self.bucket, Key=key)
        async with response["Body"] as body:
            while True:
                chunk = await body.read(chunk_size)
                if not chunk:
                    return
                yield chunk
