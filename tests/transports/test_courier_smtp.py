"""Thank-you notes through a real SMTP server: a deferral leaves the email owed and a later
courier run sends it, a refusal for good drops it, and one always deferred is given up."""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stampbook.mail.transports.smtp import SmtpSettings, SmtpTransport
from stampbook.records.automation_sends import EmailStatus
from stampbook.services.automations import AutomaticEmails, Fired
from stampbook.services.courier import GIVE_UP_AFTER, Courier, retry_after
from tests.support.shop import Shop

from .conftest import PASSWORD, USER, SmtpServer

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    return Shop(tmp_path, NOW)


@pytest.fixture
def courier(shop: Shop, starttls_server: SmtpServer) -> Courier:
    settings = SmtpSettings(
        "127.0.0.1", starttls_server.port, username=USER, password=PASSWORD, timeout=10
    )
    # No retries inside one run: a deferral is the courier's to try again.
    smtp = SmtpTransport(settings, tls=starttls_server.client_tls)
    return Courier(AutomaticEmails(replace(shop.app.new_mailer(), open_transport=lambda: smtp)))


def people(shop: Shop, *names: str) -> dict[str, str]:
    domain = f"{uuid.uuid4().hex[:8]}.example"  # the server is shared by the session
    addresses = {name: f"{name}@{domain}" for name in names}
    for name, address in addresses.items():
        shop.customer(name, "en", email=address)
        shop.purchase(name, f"{name}-o1", 500)
    return addresses


def arrived(server: SmtpServer, address: str) -> list[str]:
    found = []
    for received in server.mailroom.received:
        if received.recipients == [address]:
            parsed = email.message_from_bytes(received.data, policy=email.policy.default)
            found.append(str(parsed["Subject"]))
    return found


def test_a_deferred_thank_you_stays_owed_and_goes_on_a_later_run(
    shop: Shop, courier: Courier, starttls_server: SmtpServer
) -> None:
    to = people(shop, "greylisted", "nobody")  # deferred twice, then accepted / refused for good

    assert courier.deliver_due() == {Fired.RETRY_LATER: 1, Fired.FAILED: 1}
    [owed] = shop.owed_emails()
    assert (owed.key.customer_id, owed.attempts) == ("greylisted", 1)
    assert owed.due == int(NOW.timestamp()) + retry_after(0)
    assert shop.sent("greylisted") == []  # the claim was released
    [refused] = shop.app.store.automation_sends("nobody")
    assert refused.status is EmailStatus.FAILED  # and owed no more

    assert courier.deliver_due() == {}  # not due again yet
    shop.now += timedelta(seconds=retry_after(0))
    assert courier.deliver_due() == {Fired.RETRY_LATER: 1}
    [owed] = shop.owed_emails()
    assert owed.due == int(shop.now.timestamp()) + retry_after(1) > int(NOW.timestamp()) + 120
    shop.now += timedelta(seconds=retry_after(1))
    assert courier.deliver_due() == {Fired.SENT: 1}

    assert arrived(starttls_server, to["greylisted"]) == ["Thank you for your order!"]
    assert arrived(starttls_server, to["nobody"]) == []
    assert shop.sent("greylisted") == [("thank_you", "greylisted-o1")]
    assert shop.owed() == []


def test_an_email_deferred_every_time_is_given_up_after_two_days_of_tries(
    shop: Shop, courier: Courier, starttls_server: SmtpServer
) -> None:
    to = people(shop, "busy")  # 451, always
    for attempt in range(GIVE_UP_AFTER):
        assert courier.deliver_due() == {Fired.RETRY_LATER: 1}
        shop.now += timedelta(seconds=retry_after(attempt))
    assert shop.owed() == []
    assert shop.now - NOW > timedelta(days=1)
    assert arrived(starttls_server, to["busy"]) == []
    assert shop.app.store.automation_sends("busy") == []
