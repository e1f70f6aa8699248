"""`stampbook site publish`: the built site into an S3 bucket, changed files only.

S3 keeps each object's MD5 as its ETag (single-part uploads), so one listing
tells which files changed. HTML, feeds and the search index are revalidated
on every visit, so a new page shows at once; assets whose names carry a
content hash (`main.8608ea7d.min.css`) never change and are cached for a
year; other files for a day. With a CloudFront distribution, the changed
addresses are invalidated.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

REVALIDATE = "public, max-age=0, must-revalidate"
IMMUTABLE = "public, max-age=31536000, immutable"
A_DAY = "public, max-age=86400"
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.")
PAGES = frozenset({".html", ".xml", ".json", ".txt", ".webmanifest"})
# Our own table, not the machine's /etc/mime.types: the same site publishes the same way.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
    ".zip": "application/zip",
}
# Past this many changed addresses one wildcard is cheaper than naming each.
MAX_NAMED_PATHS = 50


class PublishError(RuntimeError):
    """The site cannot be published as asked."""


@dataclass(frozen=True)
class Published:
    uploaded: list[str]
    deleted: list[str]
    unchanged: int
    invalidation: str | None = None


def content_type(key: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(key).suffix.lower(), "application/octet-stream")


def cache_control(key: str) -> str:
    name = PurePosixPath(key).name
    if PurePosixPath(key).suffix.lower() in PAGES:
        return REVALIDATE
    return IMMUTABLE if FINGERPRINTED.search(name) else A_DAY


def publish(
    site: Path,
    bucket: str,
    s3: Any,
    *,
    prefix: str = "",
    delete: bool = False,
    cloudfront: Any = None,
    distribution: str | None = None,
) -> Published:
    """Upload what differs from the bucket; with `delete`, remove what the site no longer has."""
    if not (site / "index.html").is_file():
        raise PublishError(f"{site} holds no built site; run `stampbook site build` first")
    prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
    there = _etags(s3, bucket, prefix)
    uploaded = []
    files = dict(_files(site, prefix))
    for key, path in files.items():
        body = path.read_bytes()
        if there.get(key) == hashlib.md5(body, usedforsecurity=False).hexdigest():
            continue
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type(key),
            CacheControl=cache_control(key),
        )
        uploaded.append(key)
    deleted = sorted(set(there) - set(files)) if delete else []
    for start in range(0, len(deleted), 1000):  # S3 deletes at most 1000 per call
        batch = [{"Key": key} for key in deleted[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    invalidation = None
    if distribution and (uploaded or deleted):
        invalidation = _invalidate(cloudfront, distribution, [*uploaded, *deleted])
    return Published(uploaded, deleted, len(files) - len(uploaded), invalidation)


def _files(site: Path, prefix: str) -> Iterator[tuple[str, Path]]:
    for path in sorted(site.rglob("*")):
        if path.is_file():
            yield prefix + path.relative_to(site).as_posix(), path


def _etags(s3: Any, bucket: str, prefix: str) -> dict[str, str]:
    etags = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            etags[item["Key"]] = item["ETag"].strip('"')
    return etags


def addresses(keys: list[str]) -> list[str]:
    """The URL paths CloudFront caches the keys under: a folder's index page twice."""
    paths = set()
    for key in keys:
        paths.add("/" + key)
        if key == "index.html" or key.endswith("/index.html"):
            paths.add("/" + key.removesuffix("index.html"))
    return sorted(paths) if len(paths) <= MAX_NAMED_PATHS else ["/*"]


def _invalidate(cloudfront: Any, distribution: str, keys: list[str]) -> str:
    paths = addresses(keys)
    answer = cloudfront.create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": f"stampbook-{time.time_ns()}",
        },
    )
    invalidation: str = answer["Invalidation"]["Id"]
    return invalidation
