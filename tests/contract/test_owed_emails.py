"""Owed automatic emails behave the same on every store: written with their commit, once,
taken by one courier at a time, due again later, gone once settled."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.loyalty.history import History
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.records.owed_emails import OwedEmail
from stampbook.store.base import Change, CustomerExists, Reads, Request, Store

from .conftest import T0, customer

T = int(T0.timestamp())


def thanks(customer_id: str, order_id: str, due: int = T) -> OwedEmail:
    key = AutomationKey(customer_id, Automation.THANK_YOU, order_id)
    return OwedEmail(key, due, {"points": 45, "available_at": "2026-03-16T09:00:00+00:00"})


def purchase(
    customer_id: str, order_id: str, owed: OwedEmail | None
) -> tuple[str, Request, Callable[[History], Change]]:
    """A purchase's commit, as `LoyaltyService` makes it (its record kept on its order)."""
    order = Order(order_id, T0, "RUB", (OrderLine("1", "beans", Decimal(450)),))
    request = Request(
        f"purchase:{order_id}", f"{customer_id}:{order_id}", Reads.TIER_SPEND, order_id
    )
    return (
        customer_id,
        request,
        lambda history: Change({"order_id": order_id}, order=order, owed=owed),
    )


def test_a_confirmation_owes_the_welcome_with_its_consent_record(store: Store) -> None:
    store.add_customer(customer())
    welcome = OwedEmail(AutomationKey("c1", Automation.WELCOME, "confirmed"), T)
    confirmed = ConsentRecord(ConsentStatus.CONFIRMED, T0, "site:subscribe", "v1")
    store.record_consent("c1", confirmed, welcome)
    store.record_consent("c1", confirmed, welcome)  # two confirmations racing: owed once
    store.record_consent("c1", confirmed)

    assert [record.status for record in store.consents("c1")] == [ConsentStatus.CONFIRMED] * 3
    assert store.owed_emails_due(T, 10) == [welcome]


def test_a_link_asked_for_by_mail_is_owed_on_its_own_once(store: Store) -> None:
    store.add_customer(customer())
    link = OwedEmail(AutomationKey("c1", Automation.YOUR_POINTS, "2026-03-01T09:00:00+00:00"), T)
    store.owe_email(link)
    store.owe_email(link)  # the same request twice: owed once
    assert store.owed_emails_due(T, 10) == [link]
    assert store.take_owed_email(link.key, T, T + 60)
    store.settle_owed_email(link.key)
    assert store.owed_emails_due(T + 3600, 10) == []


def test_a_hold_owes_the_email_it_rations_only_when_it_is_taken(store: Store) -> None:
    store.add_customer(customer())
    link = OwedEmail(AutomationKey("c1", Automation.YOUR_POINTS, "2026-03-01T09:00:00+00:00"), T)
    again = OwedEmail(AutomationKey("c1", Automation.YOUR_POINTS, "2026-03-01T09:00:10+00:00"), T)
    assert store.hold("points-mail:abc", T, T + 60, link)
    assert not store.hold("points-mail:abc", T + 10, T + 70, again)  # held: not owed
    assert store.owed_emails_due(T + 10, 10) == [link]


def test_a_new_customer_is_kept_with_how_they_signed_up(store: Store) -> None:
    asked = ConsentRecord(ConsentStatus.UNCONFIRMED, T0, "site:subscribe", "v1", "192.0.2.1")
    store.add_customer(customer(), asked)
    assert store.consents("c1") == [asked]
    with pytest.raises(CustomerExists):
        store.add_customer(customer(), asked)
    assert store.consents("c1") == [asked]  # the second, refused, left no record


def test_a_purchase_owes_its_email_once_however_often_it_is_replayed(store: Store) -> None:
    store.add_customer(customer())
    owed = thanks("c1", "o1")
    assert not store.commit(*purchase("c1", "o1", owed)).replayed
    assert store.commit(*purchase("c1", "o1", owed)).replayed
    assert store.owed_emails_due(T, 10) == [owed]
    assert store.owed_emails_due(T - 1, 10) == []  # not due yet
    store.commit(*purchase("c1", "o2", None))  # nothing configured: nothing owed
    assert store.owed_emails_due(T + 3600, 10) == [owed]


def test_a_batch_owes_what_its_changes_owe(store: Store) -> None:
    store.add_customer(customer())
    store.add_customer(customer("c2", "bob@example.com"))
    owed = thanks("c2", "o2", T + 5)
    outcomes = store.commit_batch([purchase("c1", "o1", None), purchase("c2", "o2", owed)])
    assert [outcome.replayed for outcome in outcomes] == [False, False]  # type: ignore[union-attr]
    assert store.owed_emails_due(T + 5, 10) == [owed]


def test_owed_emails_are_listed_earliest_first_up_to_the_limit(store: Store) -> None:
    for n, due in enumerate((T + 30, T + 10, T + 20, T + 99)):
        store.add_customer(customer(f"c{n}", f"p{n}@example.com"))
        store.commit(*purchase(f"c{n}", f"o{n}", thanks(f"c{n}", f"o{n}", due)))
    assert [o.key.customer_id for o in store.owed_emails_due(T + 30, 10)] == ["c1", "c2", "c0"]
    assert [o.key.customer_id for o in store.owed_emails_due(T + 30, 2)] == ["c1", "c2"]


def test_one_courier_takes_an_owed_email_and_a_transient_failure_postpones_it(
    store: Store,
) -> None:
    store.add_customer(customer())
    owed = thanks("c1", "o1")
    store.commit(*purchase("c1", "o1", owed))
    assert store.take_owed_email(owed.key, T, T + 900)
    assert not store.take_owed_email(owed.key, T, T + 900)  # a second courier: taken
    assert store.owed_emails_due(T + 899, 10) == []  # held while the first is at it
    store.postpone_owed_email(owed.key, T + 60, 1)
    [again] = store.owed_emails_due(T + 60, 10)
    assert (again.due, again.attempts, again.details) == (T + 60, 1, owed.details)
    assert store.owed_emails_due(T + 59, 10) == []


def test_a_page_is_taken_at_once_but_those_taken_since_it_was_listed(store: Store) -> None:
    for n in range(3):
        store.add_customer(customer(f"c{n}", f"p{n}@example.com"))
        store.commit(*purchase(f"c{n}", f"o{n}", thanks(f"c{n}", f"o{n}")))
    page = store.owed_emails_due(T, 10)
    assert store.take_owed_email(page[1].key, T, T + 900)  # another courier's, meanwhile
    taken = store.take_owed_emails(page, T + 900)
    assert [owed.key.customer_id for owed in taken] == ["c0", "c2"]
    assert store.take_owed_emails(page, T + 900) == []
    assert store.owed_emails_due(T + 899, 10) == []


def test_emails_sent_are_marked_and_settled_together(store: Store) -> None:
    for n in range(2):
        store.add_customer(customer(f"c{n}", f"p{n}@example.com"))
        store.commit(*purchase(f"c{n}", f"o{n}", thanks(f"c{n}", f"o{n}")))
    page = store.owed_emails_due(T, 10)
    store.take_owed_emails(page, T + 900)
    sent = page[0].key
    assert store.claim_automations([sent], T, T + 900) == [True]
    # One sent, the other settled unsent (its customer's consent forbade it, say).
    store.finish_owed_emails([(sent, EmailStatus.SENT)], [sent, page[1].key], T0)
    assert store.owed_emails_due(T + 400 * 86400, 10) == []
    [record] = store.automation_sends("c0")
    assert (record.key, record.status) == (sent, EmailStatus.SENT)
    assert store.automation_sends("c1") == []
    store.finish_owed_emails([], [], T0)  # nothing to do: nothing written


def test_a_settled_email_is_owed_no_more_and_stays_so(store: Store) -> None:
    store.add_customer(customer())
    owed = thanks("c1", "o1")
    store.commit(*purchase("c1", "o1", owed))
    assert store.take_owed_email(owed.key, T, T + 900)
    store.settle_owed_email(owed.key)
    store.postpone_owed_email(owed.key, T + 60, 1)  # a slow courier's late postponement
    store.settle_owed_email(owed.key)  # settling twice is harmless
    assert store.owed_emails_due(T + 400 * 86400, 10) == []
    assert not store.take_owed_email(owed.key, T + 900, T + 1800)
    assert store.history("c1").order("o1") is not None  # the purchase itself stays
