"""Benchmark: a newsletter campaign sent end to end on SQLite, and its memory.

Every message is claimed, checked (customer and consent read again), given
the reader's points (a history read), rendered from the issue compiled once,
signed, made into MIME bytes, handed to a sink transport and recorded as
sent. The sink keeps nothing, so the numbers are the sender's own (7-bit
parts, as for SES; then 8bit, as for an SMTP server that announced
8BITMIME); then the same campaign into the outbox folder (.eml files and
their index; 8bit).
Wall time is noisy on a shared machine; CPU time (`process_time`) is shown
beside it.

    python -m tests.bench.sender [PEOPLE]
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

from stampbook.bootstrap import open_keyring
from stampbook.mail.message import Message
from stampbook.mail.transports.base import Accepted, Transport
from stampbook.mail.transports.outbox import Outbox
from stampbook.sender.settings import SendingSettings
from stampbook.services.campaigns import Campaigns
from stampbook.store.sends import SendStore
from tests.support.people import ISSUE, customer_file

SENDING = SendingSettings(rate=0, workers=1, batch=500, settle_every=200)


class Sink:
    """Takes every message and forgets it, as fast as can be; 7-bit as SES, or 8bit."""

    def __init__(self, eight_bit: bool = False) -> None:
        self.eight_bit = eight_bit

    def send(self, message: Message) -> Accepted:
        return Accepted(message.message_id, message.message_id)

    def accepts_8bit(self) -> bool:
        return self.eight_bit

    def close(self) -> None:
        pass


def campaign(
    people: int,
    workers: int,
    folder: Path,
    traced: bool = False,
    to_outbox: bool = False,
    eight_bit: bool = False,
) -> None:
    app = customer_file(folder, people)
    assert isinstance(app.store, SendStore)
    owner = Campaigns(
        app.programme, app.loyalty, app.settings.mail, app.store, replace(SENDING, workers=workers)
    )
    gc.collect()
    if traced:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    owner.start(ISSUE, ignore_send_at=True)
    started, cpu_started = time.perf_counter(), time.process_time()

    def transport() -> Transport:
        return Outbox(folder / "outbox") if to_outbox else Sink(eight_bit)

    finished = owner.send(ISSUE, open_keyring(app.settings), transport)
    done, cpu_done = time.perf_counter(), time.process_time()
    assert finished.sent == people
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory, {people:>7} people (start + send)    {peak / 1e6:10.1f} MB")
        return
    sending_cpu = cpu_done - cpu_started
    where = " to the outbox (8bit)" if to_outbox else " 8bit" if eight_bit else ""
    sent = f"sent {people} with {workers} worker(s){where}"
    print(
        f"{sent:<46} {people / sending_cpu:10.0f} messages/CPU-s"
        f"   ({people / (done - started):.0f}/s wall; start {started - wall:.1f} s wall,"
        f" {cpu_started - cpu:.1f} s CPU; sending {done - started:.1f} s wall,"
        f" {sending_cpu:.1f} s CPU)"
    )


def main(people: int = 20_000) -> None:
    for workers in (1, 4):
        with tempfile.TemporaryDirectory() as folder:
            campaign(people, workers, Path(folder))
    with tempfile.TemporaryDirectory() as folder:
        campaign(people, 1, Path(folder), eight_bit=True)
    with tempfile.TemporaryDirectory() as folder:
        campaign(people, 1, Path(folder), to_outbox=True)
    for count in (people // 4, people):
        with tempfile.TemporaryDirectory() as folder:
            campaign(count, 1, Path(folder), traced=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
