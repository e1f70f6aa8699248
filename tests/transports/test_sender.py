"""The campaign sender against real providers: its pace on the SES v2 emulator, and
what it does with an SMTP server that puts some recipients off or refuses them."""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from stampbook.bootstrap import open_keyring
from stampbook.mail.message import Message
from stampbook.mail.transports.base import Accepted, Backoff, TransientError, Transport
from stampbook.mail.transports.ses import SesSettings, SesTransport
from stampbook.mail.transports.smtp import SmtpSettings, SmtpTransport
from stampbook.records.customers import Customer
from stampbook.sender.settings import SendingSettings
from stampbook.services.campaigns import Campaigns
from stampbook.store.sends import CampaignState, SendStore
from tests.support.people import ISSUE, JOINED, confirm, customer_file
from tests.support.ses_emulator import SesEmulator

from .conftest import PASSWORD, USER, SmtpServer

RATE = 20.0  # messages per second
MINUTE = 60


pytestmark = pytest.mark.usefixtures("ses_credentials")


class Timed:
    """A real transport; notes when each message was handed to it and every try per address."""

    def __init__(self, transport: Transport, log: list[float], tries: Counter[str]) -> None:
        self.transport, self.log, self.tries = transport, log, tries
        self.lock = threading.Lock()

    def send(self, message: Message) -> Accepted:
        with self.lock:
            self.tries[message.to] += 1
            self.log.append(time.monotonic())  # the pace governs when requests start
        return self.transport.send(message)

    def accepts_8bit(self) -> bool:
        return self.transport.accepts_8bit()

    def close(self) -> None:
        self.transport.close()


def test_the_rate_holds_across_workers_for_a_minute_on_ses(
    tmp_path: Path, ses_emulator: SesEmulator
) -> None:
    people = int(RATE * MINUTE)
    app = customer_file(tmp_path, people)
    assert isinstance(app.store, SendStore)
    sending = SendingSettings(rate=RATE, workers=4, batch=50, lease=60)
    owner = Campaigns(app.programme, app.loyalty, app.settings.mail, app.store, sending)
    owner.start(ISSUE, ignore_send_at=True)
    started: list[float] = []
    tries: Counter[str] = Counter()
    ses = SesSettings(endpoint_url=ses_emulator.url)
    finished = owner.send(
        ISSUE, open_keyring(app.settings), lambda: Timed(SesTransport(ses), started, tries)
    )
    assert (finished.state, finished.sent) == (CampaignState.FINISHED, people)
    started.sort()
    overall = (len(started) - 1) / (started[-1] - started[0])
    assert overall == pytest.approx(RATE, rel=0.05)
    # Nor is it exceeded in any stretch of five seconds along the way.
    busiest = max(bisect.bisect_left(started, t + 5) - i for i, t in enumerate(started))
    assert busiest <= math.ceil(5 * RATE * 1.05)
    print(f"{overall:.2f} messages/s overall, {busiest} in the busiest 5 s")  # shown with -s
    assert set(tries.values()) == {1}


class ThrottledOnce:
    """SES answering ThrottlingException to chosen recipients the first time they are sent."""

    def __init__(self, transport: Transport, throttled: set[str], tries: Counter[str]) -> None:
        self.transport, self.throttled, self.tries = transport, throttled, tries

    def send(self, message: Message) -> Accepted:
        self.tries[message.to] += 1
        if message.to in self.throttled and self.tries[message.to] == 1:
            raise TransientError("Maximum sending rate exceeded.", "ThrottlingException")
        return self.transport.send(message)

    def accepts_8bit(self) -> bool:
        return self.transport.accepts_8bit()

    def close(self) -> None:
        self.transport.close()


def test_throttled_messages_alone_are_tried_again(
    tmp_path: Path, ses_emulator: SesEmulator
) -> None:
    app = customer_file(tmp_path, 30)
    assert isinstance(app.store, SendStore)
    owner = Campaigns(
        app.programme,
        app.loyalty,
        app.settings.mail,
        app.store,
        SendingSettings(rate=0, workers=2, batch=10),
    )
    owner.backoff = Backoff(first=0.01)
    owner.start(ISSUE, ignore_send_at=True)
    throttled = {"reader00003@example.com", "reader00017@example.com"}
    tries: Counter[str] = Counter()
    ses = SesSettings(endpoint_url=ses_emulator.url)
    finished = owner.send(
        ISSUE,
        open_keyring(app.settings),
        lambda: ThrottledOnce(SesTransport(ses), throttled, tries),
    )
    assert (finished.sent, finished.failed) == (30, 0)
    assert {address for address, count in tries.items() if count > 1} == throttled
    assert all(tries[address] == 2 for address in throttled)
    with app.store.connection() as db:  # type: ignore[attr-defined]
        ids = {row[0] for row in db.execute("SELECT provider_id FROM sends")}
    assert ids <= {e["messageId"] for e in ses_emulator.emails()}  # SES has every one


def test_smtp_put_offs_are_retried_and_refusals_fail_alone(
    tmp_path: Path, starttls_server: SmtpServer
) -> None:
    app = customer_file(tmp_path, 20)
    domain = "sender-test.example"
    odd = [
        Customer(f"x-{name}", f"{name}@{domain}", JOINED, name=name, locale="en")
        for name in ("greylisted", "busy", "nobody")
    ]
    app.store.add_customers(odd)
    confirm(tmp_path / "stampbook.db", [c.customer_id for c in odd])
    assert isinstance(app.store, SendStore)
    sending = SendingSettings(rate=0, workers=2, batch=5, attempts=3)
    owner = Campaigns(
        app.programme,
        app.loyalty,
        app.settings.mail,
        app.store,
        sending,
        backoff=Backoff(first=0.01),
    )
    owner.start(ISSUE, ignore_send_at=True)
    smtp = SmtpSettings("127.0.0.1", starttls_server.port, "starttls", USER, PASSWORD)
    tries: Counter[str] = Counter()
    finished = owner.send(
        ISSUE,
        open_keyring(app.settings),
        lambda: Timed(SmtpTransport(smtp, starttls_server.client_tls), [], tries),
    )
    assert (finished.state, finished.sent, finished.failed) == (CampaignState.FINISHED, 21, 2)
    mailroom = starttls_server.mailroom
    got = Counter(
        r for m in mailroom.received for r in m.recipients if domain in r or "reader" in r
    )
    assert got[f"greylisted@{domain}"] == 1
    assert tries[f"greylisted@{domain}"] == 3  # 451 twice, then accepted
    assert tries[f"nobody@{domain}"] == 1  # 550: never tried again
    # 451 every time: three tries per claim, three claims, then it fails.
    assert tries[f"busy@{domain}"] == 9
    assert {tries[f"reader{n:05}@example.com"] for n in range(20)} == {1}
    with app.store.connection() as db:  # type: ignore[attr-defined]
        reasons = dict(db.execute("SELECT customer_id, reason FROM sends WHERE status='failed'"))
    assert reasons["x-nobody"].startswith("refused: 550")
    assert reasons["x-busy"].startswith("still refused: 451")


def test_no_rate_means_no_waiting() -> None:
    assert replace(SendingSettings(), rate=0).claim_size() == 100
    assert SendingSettings(rate=1, lease=60).claim_size() == 30  # sent well inside its lease
