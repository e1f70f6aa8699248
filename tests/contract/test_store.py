"""The store contract: what every backend must do, tested the same way for each."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from stampbook.audience.consent import ConsentRecord, ConsentStatus, current_status
from stampbook.audience.mail_events import MailEvent, MailEventKind
from stampbook.loyalty.errors import NotEnoughPoints
from stampbook.loyalty.history import Certificate, History
from stampbook.loyalty.ledger import Balance, Entry, EntryKind
from stampbook.loyalty.orders import Order, OrderLine, Refund
from stampbook.loyalty.rules import Rules
from stampbook.loyalty.standing import Standing
from stampbook.records.automation_sends import Automation, AutomationKey
from stampbook.records.feedback import Feedback, FeedbackReason, SiteFeedback
from stampbook.records.integrations import issue_key
from stampbook.records.owed_emails import OwedEmail
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.base import (
    Change,
    Committed,
    CustomerExists,
    IdempotencyConflict,
    Request,
    Store,
    StoreError,
    UnknownCustomer,
)

from .conftest import T0, customer


def entry(key: str, points: int, kind: EntryKind = EntryKind.ADJUST) -> Entry:
    return Entry(kind, points, T0, T0, key, "v1", reason="test")


def adding(*entries: Entry) -> Callable[[History], Change]:
    return lambda history: Change({}, tuple(("c1", e) for e in entries))


def test_customers_are_found_by_id_and_email(store: Store) -> None:
    anna = customer()
    store.add_customer(anna)
    assert store.customer("c1") == anna
    assert store.customer_by_email("anna@example.com") == anna
    assert store.customer("nobody") is None
    assert store.customer_by_email("nobody@example.com") is None


def test_an_import_finds_its_customers_by_email_at_once(store: Store) -> None:
    store.add_customer(customer())
    store.add_customer(customer("c2", email="boris@example.com"))
    emails = ["boris@example.com", "nobody@example.com", "anna@example.com"]
    # More than one request's worth of keys, with repeats.
    emails += [f"x{n}@example.com" for n in range(150)] + ["anna@example.com"]
    assert store.customer_ids_by_email(emails) == {
        "anna@example.com": "c1",
        "boris@example.com": "c2",
    }
    assert store.customer_ids_by_email([]) == {}


def test_one_email_is_one_customer(store: Store) -> None:
    store.add_customer(customer())
    with pytest.raises(CustomerExists):
        store.add_customer(customer("c2"))
    assert list(store.customer_ids()) == ["c1"]


def test_updating_keeps_every_field(store: Store) -> None:
    store.add_customer(customer())
    changed = customer()
    changed = type(changed)(
        **{
            **changed.__dict__,
            "birthday": date(1990, 2, 28),
            "birthday_set_at": T0,
            "interests": ("espresso", "tea"),
            "habits": {"brews": "аэропресс"},
            "locale": "ru",
            "tier": "regular",
        }
    )
    store.update_customer(changed)
    assert store.customer("c1") == changed
    with pytest.raises(UnknownCustomer):
        store.update_customer(customer("ghost", "ghost@example.com"))


def test_customer_ids_page_through_everyone(store: Store) -> None:
    for n in range(1203):
        store.add_customer(customer(f"c{n:05}", f"p{n}@example.com"))
    ids = list(store.customer_ids())
    assert len(ids) == 1203
    assert ids == sorted(ids)


def test_consent_history_is_kept_in_order(store: Store) -> None:
    store.add_customer(customer())
    signed = ConsentRecord(ConsentStatus.UNCONFIRMED, T0, "signup", "v3", "203.0.113.9", "Firefox")
    confirmed = ConsentRecord(ConsentStatus.CONFIRMED, T0 + timedelta(minutes=5), "confirm")
    store.record_consent("c1", confirmed)
    store.record_consent("c1", signed)
    records = store.consents("c1")
    assert records == [signed, confirmed]
    assert current_status(records) is ConsentStatus.CONFIRMED


def test_commit_writes_everything_together_and_history_reads_it_back(store: Store) -> None:
    store.add_customer(customer())
    order = Order(
        "o1",
        T0,
        "RUB",
        (OrderLine("l1", "beans", Decimal("1250.50")), OrderLine("l2", "drinks", Decimal(300))),
        shipping=Decimal(350),
    )
    refund = Refund("r1", "o1", T0 + timedelta(days=1), {"l2": Decimal("150.25")})
    certificate = Certificate(
        "c1:spend:1",
        "ABCD-EFGH-JKLM",
        "spend",
        Decimal(2500),
        "RUB",
        T0,
        T0 + timedelta(90),
        (("o1", Decimal("1250.50")),),
    )
    earn = Entry(
        EntryKind.EARN,
        62,
        T0,
        T0 + timedelta(days=14),
        "earn:o1",
        "v1",
        order_id="o1",
        amount=Decimal("1550.50"),
        currency="RUB",
        multiplier=Decimal("1.25"),
    )
    change = Change(
        result={"ok": True},
        entries=(("c1", earn),),
        order=order,
        certificates=(certificate,),
        tier="regular",
        tier_changed=True,
    )
    store.commit("c1", Request("k1", "f1"), lambda history: change)
    store.commit("c1", Request("k2", "f2"), lambda history: Change({}, refund=refund))
    history = store.history("c1")
    assert history == History(
        "c1",
        entries=(earn,),
        orders=(order,),
        refunds=(refund,),
        certificates=(certificate,),
        tier="regular",
    )


def test_a_retried_request_returns_the_first_answer_and_changes_nothing(store: Store) -> None:
    store.add_customer(customer())
    calls = []

    def decide(history: History) -> Change:
        calls.append(history)
        return Change({"points": 5}, entries=(("c1", entry("adjust:1", 5)),))

    first = store.commit("c1", Request("adjust:1", "same"), decide)
    again = store.commit("c1", Request("adjust:1", "same"), decide)
    assert (first.result, first.replayed) == ({"points": 5}, False)
    assert (again.result, again.replayed) == ({"points": 5}, True)
    assert len(calls) == 1
    assert store.history("c1").balance(T0).total == 5


def test_the_same_key_for_a_different_request_is_a_conflict(store: Store) -> None:
    store.add_customer(customer())
    store.commit("c1", Request("k", "one"), lambda h: Change({}, (("c1", entry("e1", 5)),)))
    with pytest.raises(IdempotencyConflict):
        store.commit("c1", Request("k", "two"), lambda h: Change({}, (("c1", entry("e2", 7)),)))
    assert store.history("c1").balance(T0).total == 5


def test_a_failed_decision_writes_nothing(store: Store) -> None:
    store.add_customer(customer())

    def refuse(history: History) -> Change:
        raise ValueError("not allowed")

    with pytest.raises(ValueError, match="not allowed"):
        store.commit("c1", Request("k", "f"), refuse)
    # The key was not used up: the corrected request can go through.
    store.commit("c1", Request("k", "f"), lambda h: Change({}, (("c1", entry("e", 1)),)))
    assert store.history("c1").balance(T0).total == 1


def test_an_entry_key_exists_once_even_across_requests(store: Store) -> None:
    store.add_customer(customer())
    store.add_customer(customer("c2", "boris@example.com"))
    bonus = entry("referral:c2:referrer", 300, EntryKind.REFERRAL)
    store.commit("c2", Request("a", "a"), lambda h: Change({}, (("c1", bonus),)))
    store.commit("c2", Request("b", "b"), lambda h: Change({}, (("c1", bonus),)))
    assert store.history("c1").balance(T0).total == 300
    assert store.history("c2").balance(T0).total == 0


def test_history_of_an_unknown_customer_is_an_error(store: Store) -> None:
    with pytest.raises(UnknownCustomer):
        store.history("nobody")


def test_a_batch_commits_each_item_alone(store: Store) -> None:
    store.add_customer(customer())
    store.add_customer(customer("c2", "boris@example.com"))
    store.commit("c1", Request("old", "f"), lambda h: Change({"n": 0}, (("c1", entry("e0", 1)),)))

    def refuse(history: History) -> Change:
        raise NotEnoughPoints("no")

    def credit(key: str, points: int) -> Callable[[History], Change]:
        return lambda h: Change({"seen": h.balance(T0).total}, (("c1", entry(key, points)),))

    outcomes = store.commit_batch(
        [
            ("c1", Request("old", "f"), credit("x", 1)),  # a retry
            ("c1", Request("old", "other"), credit("y", 1)),  # a reused key
            ("c1", Request("a", "a"), credit("e1", 10)),
            ("c1", Request("b", "b"), refuse),
            ("ghost", Request("c", "c"), credit("e2", 5)),
            ("c1", Request("d", "d"), credit("e3", 100)),  # sees e1 from the same batch
        ]
    )
    assert outcomes[0] == Committed({"n": 0}, replayed=True)
    assert isinstance(outcomes[1], IdempotencyConflict)
    assert outcomes[2] == Committed({"seen": 1})
    assert isinstance(outcomes[3], NotEnoughPoints)
    assert isinstance(outcomes[4], UnknownCustomer)
    assert outcomes[5] == Committed({"seen": 11})
    assert store.history("c1").balance(T0).total == 111


def test_a_batch_with_a_conflicting_order_keeps_the_rest(store: Store) -> None:
    store.add_customer(customer())
    store.add_customer(customer("c2", "boris@example.com"))
    order = Order("o1", T0, "RUB", (OrderLine("1", "beans", Decimal(10)),))
    store.commit("c2", Request("purchase:o1", "boris"), lambda h: Change({}, order=order))
    other = Order("o2", T0, "RUB", (OrderLine("1", "beans", Decimal(20)),))
    outcomes = store.commit_batch(
        [
            # The same order id under another key and customer: the database refuses it.
            ("c1", Request("import:o1", "anna"), lambda h: Change({}, order=order)),
            ("c1", Request("import:o2", "anna"), lambda h: Change({"ok": 1}, order=other)),
        ]
    )
    assert isinstance(outcomes[0], IdempotencyConflict)
    assert outcomes[1] == Committed({"ok": 1})
    assert [o.order_id for o in store.history("c1").orders] == ["o2"]


def test_questionnaire_answers_are_kept_once(store: Store) -> None:
    store.add_customer(customer())
    answer = Feedback("f1", "c1", FeedbackReason.PUSHY_SALE, T0, "Навязывали абонемент", "o7")
    assert store.record_feedback(answer) is True
    assert store.record_feedback(answer) is False
    later = Feedback("f2", "c1", FeedbackReason.OTHER, T0 + timedelta(days=1))
    store.record_feedback(later)
    assert store.feedback("c1") == [answer, later]


def test_site_answers_are_found_by_the_address_left_for_a_reply(store: Store) -> None:
    first = SiteFeedback(
        "s1", FeedbackReason.STAFF, T0, "Грубили на кассе", "A-17", "anna@example.com"
    )
    later = SiteFeedback(
        "s2", FeedbackReason.OTHER, T0 + timedelta(hours=1), "", "", "anna@example.com"
    )
    nameless = SiteFeedback("s3", FeedbackReason.DID_NOT_FIT, T0, "Не подошёл размер")
    for answer in (later, nameless, first):
        store.record_site_feedback(answer)
    assert store.site_feedback("anna@example.com") == [first, later]
    assert store.site_feedback("vera@example.com") == []
    assert store.site_feedback("") == []  # answers without an address are nobody's


def test_where_a_customer_stands_is_what_their_history_says(store: Store) -> None:
    store.add_customer(customer())
    store.add_customer(customer("c2", "boris@example.com"))

    def certificate(certificate_id: str, expires_in: int) -> Certificate:
        return Certificate(
            certificate_id,
            f"CODE-{certificate_id}",
            "spend",
            Decimal(500),
            "RUB",
            T0,
            T0 + timedelta(days=expires_in),
            (("o1", Decimal(5000)),),
        )

    def order(order_id: str, days: int) -> Order:
        return Order(
            order_id, T0 + timedelta(days=days), "RUB", (OrderLine("1", "beans", Decimal(900)),)
        )

    def earned(order_id: str, points: int, days: int) -> Entry:
        return Entry(
            EntryKind.EARN, points, T0, T0 + timedelta(days=days), f"earn:{order_id}", "v1"
        )

    usable, redeemed, lapsed = certificate("a", 90), certificate("b", 90), certificate("c", 5)
    store.commit(
        "c1",
        Request("k1", "f1"),
        lambda history: Change(
            {},
            (("c1", earned("o1", 40, 1)), ("c1", entry("spent", -60, EntryKind.REDEEM))),
            order=order("o1", 0),
            certificates=(usable, redeemed, lapsed),
            tier="regular",
            tier_changed=True,
        ),
    )
    store.commit(
        "c1",
        Request("k2", "f2"),
        lambda history: Change(
            {},
            (("c1", earned("o2", 100, 24)),),
            order=order("o2", 10),
            redeemed_certificate=("b", T0),
        ),
    )

    at_a_week = store.standing("c1", T0 + timedelta(days=7))
    assert at_a_week.balance == Balance(total=80, available=-20, pending=100)
    assert (at_a_week.tier, at_a_week.last_order_at) == ("regular", T0 + timedelta(days=10))
    assert at_a_week.certificates == (usable,)  # "b" is spent, "c" lapsed on day 5
    for days in (0, 7, 30, 200):
        now = T0 + timedelta(days=days)
        assert store.standing("c1", now) == Standing.of(store.history("c1"), now)
    assert store.standing("c2", T0) == Standing(Balance(0, 0, 0), None, None, ())
    with pytest.raises(UnknownCustomer):
        store.standing("nobody", T0)


def test_where_a_customer_stands_follows_a_long_history_written_over_time(store: Store) -> None:
    """Entries written day by day over months, some pending through a return window and
    some cancelling pending or available points, asked about at many moments after
    they were written: the store's answer (SQLite's from its summaries and the entries
    still pending) is always the history's own sum."""
    store.add_customer(customer())
    chosen = random.Random(7)
    for day in range(0, 120, 3):
        at = T0 + timedelta(days=day, hours=chosen.randrange(24))
        pending = chosen.random() < 0.6  # earned inside a return window
        available_at = at + timedelta(days=chosen.choice((1, 14, 30))) if pending else at
        points = chosen.randrange(-40, 120) or 1
        kind = EntryKind.EARN if points > 0 else EntryKind.CLAWBACK
        written = Entry(kind, points, at, available_at, f"e{day}", "v1", reason="test")
        store.commit("c1", Request(f"k{day}", f"f{day}"), adding(written))
        for later in (0, 1, 13, 29, 31):
            now = at + timedelta(days=later)
            assert store.standing("c1", now) == Standing.of(store.history("c1"), now), (day, later)


def test_a_customer_is_found_by_the_code_on_their_card(store: Store) -> None:
    store.add_customer(replace(customer(), referral_code="ANNA2345"))
    found = store.customer_by_code("ANNA2345")
    assert found is not None
    assert found.customer_id == "c1"
    assert store.customer_by_code("anna2345 ") == found
    assert store.customer_by_code("BORIS234") is None
    assert store.customer_by_code("") is None


def test_integration_keys_are_kept_hashed_and_revoked_once(store: Store) -> None:
    record, token = issue_key("till at the café", T0)
    store.add_integration_key(record)
    kept = store.integration_key(record.key_id)
    assert kept == record
    assert token.split("_", 2)[2] not in repr(kept)  # only the hash is stored
    assert store.integration_keys() == [record]
    assert store.revoke_integration_key(record.key_id, T0) is True
    assert store.revoke_integration_key(record.key_id, T0) is False
    assert store.revoke_integration_key("unknown", T0) is False
    revoked = store.integration_key(record.key_id)
    assert revoked is not None
    assert revoked.revoked_at == T0
    assert store.integration_key("unknown") is None


def test_adding_many_keeps_the_known_ones_as_they_are(store: Store) -> None:
    store.add_customer(customer())
    newcomers = [customer(f"n{n:03}", f"n{n}@example.com") for n in range(120)]
    again = customer("c9", "anna@example.com")  # a known email under a new id
    twice = customer("n999", "n7@example.com")  # the same email twice in one file
    added = store.add_customers([newcomers[0], again, *newcomers[1:], twice])
    assert added == newcomers
    assert store.customer_by_email("anna@example.com") == customer()
    assert store.customer("c9") is None
    assert len(list(store.customer_ids())) == 121


def test_a_new_email_moves_the_customer_and_a_taken_one_is_refused(store: Store) -> None:
    store.add_customer(customer())
    store.add_customer(customer("c2", "boris@example.com"))
    moved = replace(customer(), email="anna.p@example.com")
    store.update_customer(moved)
    assert store.customer_by_email("anna.p@example.com") == moved
    assert store.customer_by_email("anna@example.com") is None
    with pytest.raises(StoreError):
        store.update_customer(replace(moved, email="boris@example.com"))
    assert store.customer("c1") == moved
    assert store.customer_by_email("boris@example.com") == customer("c2", "boris@example.com")


def test_a_long_history_reads_back_whole_and_in_order(store: Store) -> None:
    store.add_customer(customer())
    for n in range(60):
        store.commit("c1", Request(f"k{n}", "f"), adding(entry(f"e{n}", n)))
    assert [e.idempotency_key for e in store.history("c1").entries] == [f"e{n}" for n in range(60)]


def test_a_mail_event_is_kept_once_under_its_customer(store: Store) -> None:
    store.add_customer(customer())
    bounce = MailEvent("sns-1:anna@example.com", MailEventKind.BOUNCE, "anna@example.com", T0)
    owned = replace(bounce, message_id="ses-1", detail="General", customer_id="c1")
    assert store.record_mail_event(owned) is True
    assert store.record_mail_event(owned) is False
    stranger = MailEvent("sns-1:x@example.org", MailEventKind.BOUNCE, "x@example.org", T0)
    assert store.record_mail_event(stranger) is True
    assert store.record_mail_event(stranger) is False
    assert store.mail_events("c1") == [owned]
    assert store.history("c1").entries == ()  # kept beside the history, not in it


def test_an_order_is_owned_by_the_customer_it_was_recorded_for(store: Store) -> None:
    store.add_customer(customer())
    order = Order("o1", T0, "RUB", (OrderLine("1", "beans", Decimal(10)),))
    store.commit("c1", Request("purchase:o1", "anna"), lambda h: Change({}, order=order))
    assert store.order_owner("o1") == "c1"
    assert store.order_owner("o2") is None


def test_erasing_forgets_the_person_and_keeps_the_books(store: Store) -> None:
    anna = replace(customer(), referral_code="ANNA2345")
    store.add_customer(anna)
    store.record_consent(
        "c1", ConsentRecord(ConsentStatus.CONFIRMED, T0, "signup", "v1", "1.2.3.4")
    )
    store.record_feedback(Feedback("f1", "c1", FeedbackReason.STAFF, T0, "Грубили", "o1"))
    mine = SiteFeedback("s1", FeedbackReason.STAFF, T0, "И снова", "o1", "anna@example.com")
    theirs = SiteFeedback("s2", FeedbackReason.OTHER, T0, "Долго", "", "vera@example.com")
    store.record_site_feedback(mine)
    store.record_site_feedback(theirs)
    event = MailEvent("e1", MailEventKind.DELIVERY, "anna@example.com", T0, customer_id="c1")
    store.record_mail_event(event)
    order = Order("o1", T0, "RUB", (OrderLine("1", "beans", Decimal(10)),))
    earn = Entry(EntryKind.EARN, 5, T0, T0, "earn:o1", "v1", order_id="o1")
    thank_you = OwedEmail(AutomationKey("c1", Automation.THANK_YOU, "o1"), 0, {"points": 5})
    store.commit(
        "c1",
        Request("purchase:o1", "anna"),
        lambda h: Change({}, (("c1", earn),), order=order, owed=thank_you),
    )
    assert store.owed_emails_due(1, 10) == [thank_you]

    assert store.erase_customer("c1") is True

    assert store.customer("c1") is None
    assert store.customer_by_email("anna@example.com") is None
    assert store.customer_by_code("ANNA2345") is None
    assert list(store.customer_ids()) == []
    assert store.consents("c1") == []
    assert store.feedback("c1") == []
    assert store.site_feedback("anna@example.com") == []
    assert store.site_feedback("vera@example.com") == [theirs]  # someone else's stays
    assert [e.email for e in store.mail_events("c1")] == [""]
    assert store.owed_emails_due(1, 10) == []  # the thank-you is not sent to nobody
    assert store.order_owner("o1") == "c1"  # the order stays, under an id that leads nowhere
    with pytest.raises(UnknownCustomer):
        store.history("c1")
    # The email and the code are free: a new sign-up is a new customer.
    store.add_customer(replace(customer("c2"), referral_code="ANNA2345"))
    assert store.customer_by_email("anna@example.com") == replace(
        customer("c2"), referral_code="ANNA2345"
    )
    # Erasing again, or someone never known, is harmless and leaves the new customer be.
    assert store.erase_customer("c1") is False
    assert store.erase_customer("nobody") is False
    assert store.customer_by_code("ANNA2345") is not None


def test_the_nightly_run_of_someone_referred_by_an_erased_customer_still_runs(
    store: Store, rules: Rules
) -> None:
    store.add_customer(replace(customer("c1"), referral_code="ANNA2345"))
    store.add_customer(replace(customer("c2", "boris@example.com"), referred_by="c1"))
    loyalty = LoyaltyService(store, rules, clock=lambda: T0 + timedelta(days=60))
    order = Order("o1", T0, "RUB", (OrderLine("1", "beans", Decimal(1000)),))
    loyalty.record_purchase("c2", order)
    assert store.erase_customer("c1") is True

    outcome = loyalty.run_daily_for("c2")

    assert outcome.entries.count(EntryKind.REFERRAL) == 1  # the referred customer's own bonus
    assert store.customer("c1") is None
