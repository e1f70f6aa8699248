"""The outbox folder: one .eml per message the owner can open, and an index."""

from __future__ import annotations

import email
import email.policy
import json
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stampbook.mail.message import Recipient
from stampbook.mail.transports.base import TransientError
from stampbook.mail.transports.outbox import INDEX, Outbox
from tests.support.mail_examples import anna, anna_values, newsletter

MOMENT = datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)


def test_a_message_becomes_a_file_and_an_index_line(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox", clock=lambda: MOMENT)
    message = newsletter().message(anna())
    accepted = outbox.send(message)

    path = tmp_path / "outbox" / accepted.provider_id
    assert path.name.startswith("20261118-110640-")
    assert path.suffix == ".eml"
    assert path.read_bytes() == message.data
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Анна, новый урожай из Эфиопии ☕"
    assert outbox.index() == [
        {
            "time": "2026-11-18T11:06:40+00:00",
            "to": "anna.petrova@example.com",
            "subject": "Анна, новый урожай из Эфиопии ☕",
            "message_id": message.message_id,
            "file": path.name,
            "kind": "marketing",
        }
    ]
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([INDEX, path.name])


def test_an_outbox_that_cannot_be_written_is_a_transient_error(tmp_path: Path) -> None:
    (tmp_path / "outbox").write_text("a file where the folder should be")
    with pytest.raises(TransientError, match="outbox"):
        Outbox(tmp_path / "outbox").send(newsletter().message(anna()))


def _send_many(folder: str, worker: int, count: int) -> None:
    outbox = Outbox(Path(folder))
    prepared = newsletter()
    for n in range(count):
        address = f"reader{worker}-{n}@example.com"
        outbox.send(prepared.message(Recipient(address, f"c{worker}-{n}", values=anna_values())))


def test_threads_and_processes_sending_at_once_keep_the_index_whole(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    with ProcessPoolExecutor(3) as processes, ThreadPoolExecutor(3) as threads:
        jobs = [processes.submit(_send_many, str(folder), w, 40) for w in range(3)]
        jobs += [threads.submit(_send_many, str(folder), w, 40) for w in range(3, 6)]
        for job in jobs:
            job.result()

    lines = (folder / INDEX).read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 240
    assert len({entry["to"] for entry in entries}) == 240
    files = {path.name for path in folder.glob("*.eml")}
    assert files == {entry["file"] for entry in entries}
    assert not list(folder.glob(".*"))  # no half-written leftovers
