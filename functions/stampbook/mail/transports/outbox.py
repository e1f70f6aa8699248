"""The embedded default: each message an `.eml` file the owner can open, plus an index.

    data/outbox/20261118-110640-5f1c0e9a2b7d4e31.1.eml
    data/outbox/index.jsonl   one JSON object per message: time, to, subject,
                              message_id, file, kind

A message file appears whole or not at all: written aside under a hidden
name, then renamed. Dropping the rename would save a few microseconds a
message (39 000 against 46 000 messages a second on tmpfs; within the noise
of a disk, where the file itself costs the most), but a folder is read by
more than the index: the owner's mail program opens the newest file, a
script or test polls for `*.eml`, and a sender killed mid-write would leave
a truncated message under a real name.

The index line is written after the file is whole, so an entry always names
a complete file. It is one write to the index kept open (O_APPEND), under an
exclusive lock for threads and processes sending at once, before `send`
returns: no line waits in memory. The sender records a message as sent only
after `send` returned, so a process killed at any moment never leaves a
message recorded as sent that the index lacks. (Holding lines back to write
them in batches would save a microsecond or two each, for that window.)
Nothing is synced to the disk: a power cut can still lose the newest files
and lines, as it could before.

The outbox takes 8bit parts. A file goes over no wire that could strip the
eighth bit, and what reads it — the owner's mail program, a text editor, a
script with Python's `email` package — reads 8bit; a Russian message then
reads as Russian in the file, not as base64. It is the local default and
shows what would go out: what an SMTP server that announced 8BITMIME would
get, the smallest there is. SES would get the same text in 7-bit parts.
"""

from __future__ import annotations

import json
import os
import re
import threading
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..message import Message
from .base import Accepted, TransientError

try:
    import fcntl
except ImportError:  # Windows: threads are still serialised below
    fcntl = None  # type: ignore[assignment]

INDEX = "index.jsonl"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    def __init__(self, folder: Path, clock: Callable[[], datetime] = _utc_now) -> None:
        self.folder = folder
        self._clock = clock
        self._lock = threading.Lock()
        self._index: _Index | None = None  # opened on the first message

    def send(self, message: Message) -> Accepted:
        moment = self._clock()
        local_part = message.message_id.partition("@")[0]
        name = f"{moment:%Y%m%d-%H%M%S}-{_UNSAFE.sub('_', local_part)}.eml"
        entry = {
            "time": moment.isoformat(),
            "to": message.to,
            "subject": message.subject,
            "message_id": message.message_id,
            "file": name,
            "kind": str(message.kind),
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
        try:
            self._write_whole(name, message.data)
            self._append(line)
        except OSError as error:
            raise TransientError(f"cannot write to the outbox {self.folder}: {error}") from error
        return Accepted(message.message_id, name)

    def accepts_8bit(self) -> bool:
        return True  # files, read by mail programs and scripts (see above)

    def index(self) -> list[dict[str, Any]]:
        path = self.folder / INDEX
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines]

    def close(self) -> None:
        with self._lock:
            index, self._index = self._index, None
        if index is not None:
            index.close()

    def _write_whole(self, name: str, data: bytes) -> None:
        # Paths as strings and files by descriptor: Path objects and buffered
        # files cost more per message than the write itself.
        folder = os.fspath(self.folder)
        aside = f"{folder}/.{name}.{os.getpid()}.{threading.get_ident()}.part"
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        try:
            fd = os.open(aside, flags, 0o644)
        except FileNotFoundError:  # the first message, or the folder was removed since
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(aside, flags, 0o644)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(aside, f"{folder}/{name}")  # noqa: PTH105

    def _append(self, line: bytes) -> None:
        with self._lock:
            index = self._index
            if index is None or index.stale():
                if index is not None:
                    index.close()
                index = self._index = _Index(self.folder / INDEX, self)
            index.append(line)


class _Index:
    """The index file, open for appending while its outbox lives (or until closed)."""

    def __init__(self, path: Path, owner: Outbox) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.pid = os.getpid()
        # An outbox dropped without close() still gives its descriptor back.
        self._closing = weakref.finalize(owner, os.close, self.fd)

    def stale(self) -> bool:
        """Made in another process (a fork shares the lock), or deleted since it was opened."""
        return self.pid != os.getpid() or os.fstat(self.fd).st_nlink == 0

    def append(self, line: bytes) -> None:
        if fcntl is None:
            _write_all(self.fd, line)
            return
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            _write_all(self.fd, line)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self._closing()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
