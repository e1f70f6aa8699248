"""Automatic emails fired by events: the welcome, the thank-you, the feedback request.

Each goes once per occasion, in the customer's language, with the consent
its kind needs; on a real SQLite file, read back from the outbox's .eml files.
A purchase or refund only owes its email; the courier sends it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from stampbook.audience.consent import ConsentStatus
from stampbook.loyalty.orders import Order, OrderLine, Refund
from stampbook.mail.tokens import Purpose
from stampbook.services.automations import AutomaticEmails, Fired
from stampbook.services.subscriptions import Evidence, SignUp, confirm, subscribe, unsubscribe
from tests.support.outbox import text_of
from tests.support.shop import Shop, own_campaigns

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_purchase_is_thanked_once_in_the_customers_language(tmp_path: Path) -> None:
    shop = Shop(tmp_path, NOW)
    shop.customer("anna", "ru", name="Анна")
    shop.customer("bob", "en", consent=None)  # never signed up for the newsletter
    shop.customer("hy", "hy", consent=ConsentStatus.UNSUBSCRIBED)  # no Armenian texts here
    earned = shop.app.loyalty.record_purchase(
        "anna", Order("o1", NOW, "RUB", (OrderLine("1", "beans", Decimal(900)),))
    )
    shop.purchase("anna", "o1", 900)  # the till retried: the first answer, no second note
    shop.purchase("bob", "o2", 300)
    shop.purchase("hy", "o3", 300)
    assert shop.mail() == []  # owed, not sent while the till waits
    assert shop.owed() == [
        ("anna", "thank_you", "o1"),
        ("bob", "thank_you", "o2"),
        ("hy", "thank_you", "o3"),
    ]
    assert shop.deliver() == {Fired.SENT: 3}

    [to_anna] = shop.mail("anna@example.com")
    assert to_anna["Subject"] == "Спасибо за покупку!"
    assert f"Вы получили {earned.points} баллов" in text_of(to_anna)
    assert "List-Unsubscribe" not in to_anna  # transactional
    assert shop.subjects("bob@example.com") == ["Thank you for your order!"]
    # A language the programme does not have: its default, Russian.
    assert shop.subjects("hy@example.com") == ["Спасибо за покупку!"]
    assert shop.sent("anna") == [("thank_you", "o1")]
    assert shop.owed() == []
    assert shop.deliver() == {}  # nothing owed twice
    assert len(shop.mail()) == 3


def test_nothing_goes_to_a_suppressed_address_and_imports_thank_nobody(tmp_path: Path) -> None:
    shop = Shop(tmp_path, NOW)
    shop.customer("anna")
    shop.customer("gone", consent=ConsentStatus.SUPPRESSED)
    shop.purchase("gone", "o1", 500)
    lines = (OrderLine("1", "beans", Decimal(500)),)
    imported = [("anna", Order(f"i{n}", NOW - timedelta(days=n), "RUB", lines)) for n in range(3)]
    shop.app.loyalty.record_purchases(imported)
    assert shop.owed() == [("gone", "thank_you", "o1")]  # the import owes nothing
    assert shop.deliver() == {Fired.NOT_ALLOWED: 1}
    assert shop.owed() == []
    assert shop.mail() == []
    assert shop.sent("gone") == shop.sent("anna") == []


def test_a_refund_asks_once_per_order_with_a_link_to_the_questionnaire(tmp_path: Path) -> None:
    shop = Shop(tmp_path, NOW)
    shop.customer("bob", "en", consent=ConsentStatus.UNSUBSCRIBED)  # transactional all the same
    lines = (OrderLine("1", "beans", Decimal(900)), OrderLine("2", "drinks", Decimal(300)))
    shop.app.loyalty.record_purchase("bob", Order("o1", NOW, "RUB", lines))
    later = NOW + timedelta(days=1)
    for refund_id, line in (("r1", "1"), ("r2", "2")):
        amount = Decimal(100)
        shop.app.loyalty.record_refund("bob", Refund(refund_id, "o1", later, {line: amount}))
    # Owed once per order, however many refunds it has.
    assert shop.owed() == [("bob", "feedback_request", "o1"), ("bob", "thank_you", "o1")]
    assert shop.deliver() == {Fired.SENT: 2}

    [thanks, asking] = sorted(shop.mail("bob@example.com"), key=lambda m: str(m["Subject"]))
    assert (thanks["Subject"], asking["Subject"]) == (
        "Thank you for your order!",
        "What went wrong?",
    )
    found = re.search(r"/feedback/\?t=([A-Za-z0-9._-]+)", text_of(asking))
    assert found is not None
    events = shop.app.loyalty.events
    assert isinstance(events, AutomaticEmails)
    claim = events.mailer.keyring.verify(found.group(1), Purpose.FEEDBACK, later)
    assert claim.subject == "o1"  # the link is about the order
    assert shop.sent("bob") == [("feedback_request", "o1"), ("thank_you", "o1")]


def test_an_automation_switched_off_or_left_out_never_fires(tmp_path: Path) -> None:
    campaigns = own_campaigns(
        tmp_path,
        "feedback_request:\n  enabled: false\n  subject: Why?\n  body: Tell us.\n",
    )
    shop = Shop(tmp_path, NOW, campaigns)  # no thank_you section at all
    shop.customer("anna")
    shop.purchase("anna", "o1", 900)
    refund = Refund("r1", "o1", NOW + timedelta(hours=1), {"1": Decimal(900)})
    shop.app.loyalty.record_refund("anna", refund)
    assert shop.owed() == []  # nothing written at all
    assert shop.deliver() == {}
    assert shop.mail() == []
    assert shop.sent("anna") == []


def test_the_welcome_goes_once_per_customer_even_after_signing_up_again(tmp_path: Path) -> None:
    shop = Shop(tmp_path, NOW)
    events = shop.app.loyalty.events
    assert isinstance(events, AutomaticEmails)
    mailer, evidence = events.mailer, Evidence("test")
    form = SignUp("vera@example.com", "Vera", "en", "consent-v1")
    subscribe(events, form, evidence)
    vera = shop.app.store.customer_by_email("vera@example.com")
    assert vera is not None
    # The confirmation is owed with the sign-up, sent after the answer.
    assert shop.owed() == [(vera.customer_id, "confirm", NOW.isoformat(timespec="seconds"))]
    assert shop.deliver() == {Fired.SENT: 1}
    assert confirm(events, vera.customer_id, evidence) is ConsentStatus.CONFIRMED
    assert confirm(events, vera.customer_id, evidence) is ConsentStatus.CONFIRMED
    assert shop.owed() == [(vera.customer_id, "welcome", "confirmed")]  # owed once
    assert shop.deliver() == {Fired.SENT: 1}
    unsubscribe(mailer, vera.customer_id, evidence)
    shop.now += timedelta(days=40)
    subscribe(events, form, evidence)
    assert shop.deliver() == {Fired.SENT: 1}  # a new confirmation for the new sign-up
    assert confirm(events, vera.customer_id, evidence) is ConsentStatus.CONFIRMED
    assert shop.deliver() == {Fired.ALREADY: 1}  # welcomed already
    assert shop.owed() == []

    subjects = shop.subjects("vera@example.com")
    assert subjects.count("Welcome to Copper Cezve, Vera!") == 1
    assert len(subjects) == 3  # two confirmation requests and one welcome
    assert shop.sent(vera.customer_id) == [
        ("confirm", NOW.isoformat(timespec="seconds")),
        ("confirm", (NOW + timedelta(days=40)).isoformat(timespec="seconds")),
        ("welcome", "confirmed"),
    ]
