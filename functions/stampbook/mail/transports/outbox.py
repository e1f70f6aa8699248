"""The embedded default: each message an `.eml` file the owner can open, plus an index.

    data/outbox/20261118-110640-5f1c0e9a2b7d4e31.1.eml
    data/outbox/index.jsonl   one JSON object per message: time, to, subject,
                              message_id, file, kind

A message file appears whole or not at all (written aside, then renamed).
Index lines are appended with one write each under an exclusive lock, so
threads and processes sending at once never interleave lines.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._write_whole(self.folder / name, message.data)
            self._append(json.dumps(entry, ensure_ascii=False) + "\n")
        except OSError as error:
            raise TransientError(f"cannot write to the outbox {self.folder}: {error}") from error
        return Accepted(message.message_id, name)

    def index(self) -> list[dict[str, Any]]:
        path = self.folder / INDEX
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines]

    def close(self) -> None:
        pass

    def _write_whole(self, path: Path, data: bytes) -> None:
        aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        with aside.open("wb") as file:
            file.write(data)
        aside.replace(path)

    def _append(self, line: str) -> None:
        with self._locked() as fd:
            os.write(fd, line.encode())

    @contextmanager
    def _locked(self) -> Iterator[int]:
        with self._lock:
            fd = os.open(self.folder / INDEX, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)  # released when the file is closed
                yield fd
            finally:
                os.close(fd)
