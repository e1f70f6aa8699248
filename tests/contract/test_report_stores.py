"""The owner's report is the same from SQLite and from DynamoDB for the same data.

A small shop's year is written through the store's port into both stores
(the same customers, purchases, a refund, adjustments, the nightly runs, a
redemption, answers on both forms, a newsletter with its reports, automatic
emails), then the report's JSON is read from each. A few figures are
checked by hand too, so two empty reports cannot agree by accident.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path

import pytest

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.audience.mail_events import MailEvent, MailEventKind
from stampbook.loyalty.orders import Order, OrderLine, Refund
from stampbook.loyalty.rules import Rules
from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.records.customers import Customer
from stampbook.records.feedback import Feedback, FeedbackReason, SiteFeedback
from stampbook.report.as_json import report_json
from stampbook.report.build import build_report
from stampbook.report.dynamodb_reader import DynamoReport
from stampbook.report.facts import Period
from stampbook.report.owner import ReportReader
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.base import Store
from stampbook.store.dynamodb.store import DynamoStore
from stampbook.store.sends import CampaignState, SendStatus, SendStore, Settled
from stampbook.store.sqlite import SqliteStore
from tests.support.backends import fresh_table
from tests.support.dynamodb_local import LOCAL_ENVIRONMENT
from tests.support.paths import EXAMPLE
from tests.support.processes import this_package

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)
PEOPLE = 12
HELD_FROM = 9  # the newsletter's holdout: c09, c10 and c11


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _a_year(store: Store, rules: Rules) -> None:
    """The same year of a small shop, whatever the store."""
    clock = Clock()
    codes = count(1)
    loyalty = LoyaltyService(store, rules, clock, new_code=lambda: f"GIFT{next(codes):04}")
    store.add_customers(
        [
            Customer(
                f"c{n:02}",
                f"guest{n}@example.com",
                START + timedelta(days=20 * n),
                name=f"Guest {n}",
                locale="ru" if n % 2 else "en",
                birthday=date(1990, 1 + n % 12, 10),
                birthday_set_at=START - timedelta(days=400),
                referral_code=f"CODE{n:04}",
            )
            for n in range(PEOPLE)
        ]
    )
    for n in range(PEOPLE):
        confirmed = ConsentRecord(ConsentStatus.CONFIRMED, START + timedelta(days=20 * n), "test")
        store.record_consent(f"c{n:02}", confirmed)
    orders = count(1)
    bought: dict[str, list[str]] = {}
    for day in range(0, 360, 9):
        clock.now = START + timedelta(days=day, hours=day % 7)
        for n in range(PEOPLE):
            # Regulars every visit, others now and then, two who stop in the spring.
            if (day // 9) % (1 + n % 4) or (n in (3, 7) and day > 120):
                continue
            if clock.now < START + timedelta(days=20 * n):
                continue
            shipping = Decimal(350) if n % 5 == 0 else Decimal(0)
            lines = (
                OrderLine("1", "beans", Decimal(1200 + 150 * n)),
                OrderLine("2", "drinks", Decimal("310.50")),
            )
            order = Order(f"o{next(orders):04}", clock.now, "RUB", lines, shipping)
            loyalty.record_purchase(f"c{n:02}", order)
            bought.setdefault(f"c{n:02}", []).append(order.order_id)
        if day % 27 == 0:
            for n in range(PEOPLE):
                loyalty.run_daily_for(f"c{n:02}")
    clock.now = START + timedelta(days=200)
    refunded = bought["c01"][0]
    loyalty.record_refund("c01", Refund("r1", refunded, clock.now, {"1": Decimal(1350)}))
    loyalty.adjust("c02", 40, "a welcome coffee", "adjust-1")
    loyalty.adjust("c05", -200, "points given by mistake", "adjust-2")
    loyalty.redeem("c00", "espresso", "till-9")
    store.record_feedback(
        Feedback("f1", "c03", FeedbackReason.DID_NOT_FIT, clock.now, "too bitter", bought["c03"][0])
    )
    store.record_site_feedback(
        SiteFeedback("s1", FeedbackReason.STAFF, clock.now, "slow", "A-17", "")
    )
    _newsletter(store, clock.now)
    key = AutomationKey("c04", Automation.BIRTHDAY, "2026")
    assert store.claim_automation(key, 1, 2)
    store.finish_automation(key, EmailStatus.SENT, clock.now)
    held = AutomationKey("c05", Automation.BIRTHDAY, "2026")
    assert store.claim_automation(held, 1, 2)
    store.finish_automation(held, EmailStatus.HELD_OUT, clock.now)


def _newsletter(store: Store, at: datetime) -> None:
    assert isinstance(store, SendStore)
    slug = "2026-07-summer"
    store.move_campaign(slug, CampaignState.DRAFT, at, only_from={CampaignState.DRAFT})
    store.add_sends(slug, [(f"c{n:02}", "ru") for n in range(HELD_FROM)])
    # The last few held out, to compare with the rest.
    store.add_sends(slug, [(f"c{n:02}", "ru") for n in range(HELD_FROM, PEOPLE)], held_out=True)
    store.start_sending(slug, at)
    claimed = store.claim_sends(slug, "w", PEOPLE, 1.0, 2.0)
    store.settle_sends(
        slug,
        "w",
        [
            Settled(
                c.customer_id,
                SendStatus.SENT,
                message_id=f"m-{c.customer_id}@example.com",
                provider_id=f"p-{c.customer_id}",
                at=at,
            )
            for c in claimed
        ],
    )
    later = at + timedelta(hours=2)
    store.record_mail_event(
        MailEvent("e1", MailEventKind.DELIVERY, "guest1@example.com", later, "p-c01", "", "c01")
    )
    store.record_mail_event(
        MailEvent(
            "e2",
            MailEventKind.BOUNCE,
            "guest2@example.com",
            later,
            "m-c02@example.com",
            "General",
            "c02",
        )
    )
    store.record_consent(
        "c06", ConsentRecord(ConsentStatus.UNSUBSCRIBED, later + timedelta(days=1), "site")
    )


@pytest.fixture
def both(tmp_path: Path, dynamodb_local: str, rules: Rules) -> Iterator[tuple[Path, DynamoStore]]:
    local = SqliteStore(tmp_path / "shop.db")
    _a_year(local, rules)
    local.close()
    with fresh_table(dynamodb_local) as backend:
        table = backend.open_dynamodb()
        _a_year(table, rules)
        yield tmp_path / "shop.db", table
        table.close()


def _report(reader: ReportReader) -> dict[str, object]:
    try:
        facts = reader.facts(Period(None, END), "RUB", Decimal(3000))
        made = build_report(facts, reader.contacts, point_value=Decimal("0.5"))
    finally:
        reader.close()
    answer: dict[str, object] = json.loads(report_json(made))
    return answer


def test_the_same_report_from_sqlite_and_from_dynamodb(both: tuple[Path, DynamoStore]) -> None:
    path, table = both
    from_sqlite = _report(SqliteReport(path))
    reader = DynamoReport(table, segments=3)
    assert reader.scanned.pages >= 3  # every segment read
    assert reader.scanned.items > 0
    from_dynamodb = _report(reader)
    assert from_dynamodb == from_sqlite
    text = json.dumps(from_sqlite)
    # Not two empty reports: the year is in it.
    customers = from_sqlite["customers"]
    assert isinstance(customers, dict)
    assert customers["total"] == PEOPLE
    assert customers["repeat"] >= 6
    assert "too bitter" in text  # the answer with words, from the email's link
    assert "2026-07-summer" in text
    assert '"drifting"' in text
    # Those who got the newsletter and those held out of it, and the birthday greeting's.
    lift = from_sqlite["lift"]
    assert isinstance(lift, list)
    assert {(one["kind"], one["sent"], one["held_out"]) for one in lift} == {
        ("newsletter", HELD_FROM, PEOPLE - HELD_FROM),
        ("birthday", 1, 1),
    }


def test_the_report_command_reads_a_dynamodb_table_as_it_reads_a_file(
    both: tuple[Path, DynamoStore], dynamodb_local: str
) -> None:
    path, table = both

    def report(**store: str) -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-m", "stampbook", "report", "--format", "json", "--to", "2026-12-31"],
            capture_output=True,
            text=True,
            env={
                "PATH": os.environ["PATH"],
                **this_package(),
                **LOCAL_ENVIRONMENT,
                "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
                **store,
            },
        )
        assert done.returncode == 0, done.stderr
        answer: dict[str, object] = json.loads(done.stdout)
        return answer

    from_file = report(STAMPBOOK_DB=str(path))
    from_table = report(
        STAMPBOOK_STORE="dynamodb",
        STAMPBOOK_TABLE=table.table,
        STAMPBOOK_DYNAMODB_ENDPOINT=dynamodb_local,
    )
    assert from_table == from_file
    customers = from_table["customers"]
    assert isinstance(customers, dict)
    assert customers["total"] == PEOPLE
