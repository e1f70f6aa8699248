"""Benchmark: messages per second into the outbox folder, beside the same files written bare.

Each message is the example December issue in Russian in 8bit parts, as the
outbox takes it (about 17 KB), with a message id of its own. The outbox
writes each as an .eml file (aside, then renamed) and appends its index
line; the baseline writes the same bytes to the same number of new files
with nothing else (open, write, close): the floor the filesystem sets.
Rounds alternate, medians are shown; on a shared machine the disk's share
wanders by several times from minute to minute, so the processor time the
process spent (user, and system: the kernel's work for its files) is shown
beside the wall time. Where /dev/shm exists, the same in memory (tmpfs)
shows the code's own cost without a disk.

    python -m tests.bench.outbox [MESSAGES]
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from stampbook.mail.message import Message
from stampbook.mail.transports.outbox import Outbox
from tests.bench.mail import example_messages

ROUNDS = 5
THREADS = 4

Writer = Callable[[Path, list[Message]], None]


def messages(count: int) -> list[Message]:
    one = example_messages("ru")[True]  # 8bit: the outbox takes it
    return [
        replace(one, message_id=f"{n:08}.{one.message_id}", to=f"reader{n}@example.com")
        for n in range(count)
    ]


def bare(folder: Path, batch: list[Message]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, message in enumerate(batch):
        fd = os.open(f"{folder}/{n}.eml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, message.data)
        os.close(fd)


def one_outbox(folder: Path, batch: list[Message]) -> None:
    outbox = Outbox(folder)
    for message in batch:
        outbox.send(message)
    outbox.close()


def outboxes_in_threads(folder: Path, batch: list[Message]) -> None:
    """What the campaign sender does with several workers: an outbox each, one folder."""

    def work(share: list[Message]) -> None:
        one_outbox(folder, share)

    threads = [threading.Thread(target=work, args=(batch[n::THREADS],)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def timed(write: Writer, batch: list[Message], where: str | None) -> tuple[float, float, float]:
    """Messages a second (wall), and user and system processor microseconds a message."""
    with tempfile.TemporaryDirectory(dir=where) as folder:
        before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        write(Path(folder) / "outbox", batch)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
    per_message = 1e6 / len(batch)
    return (
        len(batch) / elapsed,
        (after.ru_utime - before.ru_utime) * per_message,
        (after.ru_stime - before.ru_stime) * per_message,
    )


def compare(batch: list[Message], where: str | None, label: str) -> None:
    writers: dict[str, Writer] = {
        "the same files written bare": bare,
        "the outbox": one_outbox,
        f"the outbox, {THREADS} threads with one each": outboxes_in_threads,
    }
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in writers}
    for _ in range(ROUNDS):
        for name, write in writers.items():
            results[name].append(timed(write, batch, where))
    for name, runs in results.items():
        rate, user, system = (statistics.median(column) for column in zip(*runs, strict=True))
        print(
            f"{name + ' (' + label + ')':<52} {rate:8.0f} messages/s"
            f"   CPU per message: user {user:5.1f} us, system {system:6.1f} us"
            f"   (median of {ROUNDS}: {', '.join(f'{run[0]:.0f}' for run in runs)})"
        )


def main(count: int = 5000) -> None:
    batch = messages(count)
    print(f"{count} messages of {len(batch[0].data) / 1000:.1f} KB, {ROUNDS} rounds")
    compare(batch, None, "disk")
    if Path("/dev/shm").is_dir():
        compare(batch, "/dev/shm", "tmpfs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
