"""Holiday greetings through a real SMTP server: what it refuses for good is not tried
again, what it defers is released and goes on a later run, and nothing goes twice."""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from stampbook.mail.transports.smtp import SmtpSettings, SmtpTransport
from stampbook.records.automation_sends import EmailStatus
from stampbook.services.automations import AutomaticEmails
from tests.support.shop import Shop

from .conftest import PASSWORD, USER, SmtpServer

NEW_YEAR = datetime(2027, 12, 31, 0, 30, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture
def shop(tmp_path: Path, starttls_server: SmtpServer) -> Shop:
    shop = Shop(tmp_path, NEW_YEAR)
    settings = SmtpSettings(
        "127.0.0.1", starttls_server.port, username=USER, password=PASSWORD, timeout=10
    )
    # No retries inside one run: a deferral is left to the next run.
    smtp = SmtpTransport(settings, tls=starttls_server.client_tls)
    shop.app.loyalty.events = AutomaticEmails(
        replace(shop.app.new_mailer(), open_transport=lambda: smtp)
    )
    return shop


def test_greetings_arrive_once_and_deferred_ones_on_a_later_run(
    shop: Shop, starttls_server: SmtpServer
) -> None:
    domain = f"{uuid.uuid4().hex[:8]}.example"  # the server is shared by the session
    people = {name: f"{name}@{domain}" for name in ("anna", "greylisted", "nobody", "busy")}
    for name, address in people.items():
        shop.customer(name, "en", email=address)

    def arrived(name: str) -> list[email.message.EmailMessage]:
        found = []
        for received in starttls_server.mailroom.received:
            if received.recipients == [people[name]]:
                parsed = email.message_from_bytes(received.data, policy=email.policy.default)
                assert isinstance(parsed, email.message.EmailMessage)
                found.append(parsed)
        return found

    shop.app.loyalty.run_daily()
    assert [m["Subject"] for m in arrived("anna")] == ["Happy New Year!"]
    assert shop.sent("greylisted") == []  # deferred (451): released for the next run
    [refused] = shop.app.store.automation_sends("nobody")
    assert refused.status is EmailStatus.FAILED  # 550: never tried again

    for _ in range(3):
        shop.app.loyalty.run_daily()
    assert [m["Subject"] for m in arrived("greylisted")] == ["Happy New Year!"]
    assert len(arrived("anna")) == 1
    assert arrived("nobody") == arrived("busy") == []
    assert shop.app.store.automation_sends("busy") == []  # still deferred: no record
    assert shop.sent("greylisted") == [("holiday", "new-year:2027-12-31")]
