"""Who got an email, who was held out, and what each did in the days after, as the report
reads a real SQLite customer file: the days after are each person's own, an email counts
in the period its days after end in, and one not over yet is still measuring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.loyalty.orders import Order, OrderLine
from stampbook.loyalty.rules import Rules
from stampbook.programme import load_programme
from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.records.customers import Customer
from stampbook.report.build import build_report
from stampbook.report.facts import Period, PersonAfter
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.sends import CampaignState, SendStatus, Settled
from stampbook.store.sqlite import SqliteStore
from tests.support.paths import EXAMPLE

SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WON_BACK_AT = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.of(load_programme(EXAMPLE))


def shop(path: Path, rules: Rules) -> None:
    store = SqliteStore(path)
    clock = [SENT_AT]
    loyalty = LoyaltyService(store, rules, lambda: clock[0])
    for person in ("ann", "bob", "cat", "dan", "eve"):
        store.add_customer(Customer(person, f"{person}@example.com", SENT_AT - timedelta(days=99)))

    def buy(person: str, order_id: str, at: datetime, amount: int) -> None:
        clock[0] = at
        lines = (OrderLine("1", "beans", Decimal(amount)),)
        loyalty.record_purchase(person, Order(order_id, at, "RUB", lines, Decimal(0)))

    slug = "2026-03-spring"
    store.move_campaign(slug, CampaignState.DRAFT, SENT_AT, only_from={CampaignState.DRAFT})
    store.add_sends(slug, [("ann", "ru"), ("bob", "ru")])
    store.add_sends(slug, [("cat", "ru"), ("dan", "ru")], held_out=True)
    store.start_sending(slug, SENT_AT)
    claimed = store.claim_sends(slug, "w", 10, now=1.0, lease_until=60.0)
    store.settle_sends(
        slug, "w", [Settled(c.customer_id, SendStatus.SENT, at=SENT_AT) for c in claimed]
    )
    buy("ann", "a1", SENT_AT + timedelta(days=3), 1000)  # inside the 14 days
    buy("ann", "a2", SENT_AT + timedelta(days=13, hours=23), 500)  # the last hour of them
    buy("ann", "a3", SENT_AT + timedelta(days=14), 700)  # just after
    buy("cat", "c1", SENT_AT - timedelta(days=1), 300)  # before: not the email's doing
    buy("dan", "d1", SENT_AT + timedelta(days=10), 2000)
    # Win-back, person by person: eve got it, bob was held out of it.
    for person, status in (("eve", EmailStatus.SENT), ("bob", EmailStatus.HELD_OUT)):
        key = AutomationKey(person, Automation.WIN_BACK, "2025-12-01")
        assert store.claim_automation(key, 1, 2)
        store.finish_automation(key, status, WON_BACK_AT)
    buy("bob", "b1", WON_BACK_AT + timedelta(days=1), 400)
    store.close()


def test_each_side_with_what_it_did_in_its_own_days_after(tmp_path: Path, rules: Rules) -> None:
    shop(tmp_path / "shop.db", rules)
    reader = SqliteReport(tmp_path / "shop.db")
    facts = reader.facts(Period(None, datetime(2026, 5, 1, tzinfo=UTC)), "RUB", None, 14)
    groups = {group.kind: group for group in facts.holdouts}
    newsletter, win_back = groups["newsletter"], groups["win_back"]
    assert (newsletter.name, newsletter.month) == ("2026-03-spring", "2026-03")
    # ann: two orders, 1 500 roubles of beans, 10 points per 100 roubles earned on them.
    assert sorted(newsletter.sent, key=lambda p: p.orders) == [
        PersonAfter(0, 0, 0, 0),
        PersonAfter(2, 1500 * 10_000, 0, 150),
    ]
    assert sorted(newsletter.held_out, key=lambda p: p.orders) == [
        PersonAfter(0, 0, 0, 0),
        PersonAfter(1, 2000 * 10_000, 0, 200),
    ]
    assert (win_back.name, win_back.month) == ("win_back", "2026-03")
    assert win_back.sent == [PersonAfter(0, 0, 0, 0)]
    assert win_back.held_out == [PersonAfter(1, 400 * 10_000, 0, 40)]
    assert facts.measuring == []

    report = build_report(facts, reader.contacts)
    reader.close()
    assert {(one.kind, one.sent, one.held_out) for one in report.lift} == {
        ("newsletter", 2, 2),
        ("win_back", 1, 1),
    }


def test_an_email_counts_once_in_the_period_its_days_after_end_in(
    tmp_path: Path, rules: Rules
) -> None:
    shop(tmp_path / "shop.db", rules)
    reader = SqliteReport(tmp_path / "shop.db")
    march = reader.facts(
        Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)), "RUB", None
    )
    april = reader.facts(
        Period(datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)), "RUB", None
    )
    reader.close()
    # The 14 days end on 16 March; the win-back's on 3 April.
    assert [g.kind for g in march.holdouts] == ["newsletter"]
    [still] = march.measuring
    assert (still.kind, still.sent, still.held_out) == ("win_back", 1, 1)
    assert still.until == WON_BACK_AT + timedelta(days=14)
    assert [g.kind for g in april.holdouts] == ["win_back"]
    assert april.measuring == []
