"""A use case's answer, kept as JSON with its request, reads back as the very same answer."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest

from stampbook.loyalty.ledger import EntryKind
from stampbook.services.results import (
    Adjusted,
    CertificateHeld,
    CertificateRedeemed,
    DailyRun,
    ExpiryNotice,
    LedgerLine,
    PurchaseRecorded,
    Redeemed,
    RefundRecorded,
    Statement,
    Summary,
)

MOSCOW = ZoneInfo("Europe/Moscow")
AT = datetime(2026, 3, 2, 12, 30, 15, 250_000, tzinfo=MOSCOW)


class Kept(Protocol):
    def as_json(self) -> dict[str, Any]: ...


# Each answer a commit keeps, and how its use case reads it back.
ANSWERS: list[tuple[Kept, Callable[[Mapping[str, Any]], Kept]]] = [
    (PurchaseRecorded("T-1", 125, AT, "regular", True), PurchaseRecorded.from_json),
    (
        PurchaseRecorded("T-2", 0, datetime(2026, 3, 2, tzinfo=UTC), None, False),
        PurchaseRecorded.from_json,
    ),
    (RefundRecorded("R-1", "T-1", 40), RefundRecorded.from_json),
    (Redeemed("espresso", 120, 5), Redeemed.from_json),
    (CertificateRedeemed("cert-1", Decimal("2500.00"), "RUB"), CertificateRedeemed.from_json),
    (Adjusted(-50, "entered twice"), Adjusted.from_json),
    (
        DailyRun(
            (EntryKind.BIRTHDAY, EntryKind.REFERRAL),
            ("cert-1",),
            "regular",
            ExpiryNotice(320, date(2026, 4, 1)),
            True,
            AT,
        ),
        DailyRun.from_json,
    ),
    (DailyRun((), (), None, None, False, None), DailyRun.from_json),
]


@pytest.mark.parametrize(
    ("answer", "read"), ANSWERS, ids=[type(answer).__name__ for answer, _ in ANSWERS]
)
def test_an_answer_read_back_from_its_json_is_the_same_and_says_it_byte_for_byte(
    answer: Kept, read: Callable[[Mapping[str, Any]], Kept]
) -> None:
    kept = json.dumps(answer.as_json())
    again = read(json.loads(kept))
    assert again == answer
    assert json.dumps(again.as_json()) == kept


def test_a_purchase_answers_with_strings_for_moments_and_keeps_the_offset() -> None:
    answer = PurchaseRecorded("T-1", 125, AT, None, False).as_json()
    assert answer == {
        "order_id": "T-1",
        "points": 125,
        "available_at": "2026-03-02T12:30:15.250000+03:00",
        "tier": None,
        "free_shipping": False,
    }


def test_a_night_recorded_before_the_automatic_emails_reads_as_no_occasion() -> None:
    night = DailyRun.from_json(
        {"entries": ["earn"], "certificates": [], "tier": "guest", "expiry_warning": None}
    )
    assert night == DailyRun((EntryKind.EARN,), (), "guest", None, False, None)


def test_a_statement_is_its_summary_with_the_history_after_it() -> None:
    summary = Summary(
        available=100,
        pending=25,
        total=125,
        tier="guest",
        expires_at=AT,
        certificates=(CertificateHeld("ABCD-EFGH-JKLM", Decimal("1000"), AT),),
    )
    line = LedgerLine(EntryKind.EARN, 125, AT)
    statement = Statement.of(summary, (line,))
    assert statement.as_json() == {
        **summary.as_json(),
        "entries": [
            {
                "kind": "earn",
                "points": 125,
                "at": "2026-03-02T12:30:15.250000+03:00",
                "order_id": None,
            }
        ],
    }
    assert list(statement.as_json()) == [*summary.as_json(), "entries"]
    assert summary.as_json()["certificates"] == [
        {"code": "ABCD-EFGH-JKLM", "value": "1000", "expires_at": AT.isoformat()}
    ]
