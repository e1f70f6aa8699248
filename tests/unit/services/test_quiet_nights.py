"""A year and a half of nights: the nightly run that leaves quiet customers alone does
exactly what visiting everyone every night did (the ledger, certificates, tiers and
every automatic email), while visiting far fewer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from stampbook.audience.consent import ConsentStatus
from stampbook.loyalty.orders import Refund
from stampbook.services.loyalty import LoyaltyService
from stampbook.services.results import DailyRun
from tests.support.backends import fresh_table
from tests.support.shop import Shop
from tests.unit.services.test_automations_daily import night

START = date(2026, 1, 5)
NIGHTS = 540


def _everyone(loyalty: LoyaltyService) -> int:
    """The nightly run as it was: every customer's step, every night."""
    count = 0
    for customer_id in loyalty.store.customer_ids():
        loyalty.run_daily_for(customer_id)
        count += 1
    return count


def _events(shop: Shop, day: date) -> None:
    """What happens in the shop during `day` (at noon, UTC), the same in both shops."""
    shop.now = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)
    n = (day - START).days
    if n == 0:
        shop.customer("anna", "ru", birthday=date(1992, 2, 29))
        shop.customer("bob", "en", birthday=date(1980, 3, 20))
        shop.customer("carl", "ru", consent=ConsentStatus.UNCONFIRMED)
        shop.customer("idle", "en")
        for friend in range(7):
            shop.customer(f"friend{friend}", "en")
            assert shop.app.store.refer(f"friend{friend}", "anna")
        shop.purchase("anna", "a1", 21000)
        shop.purchase("bob", "b1", 900)
        shop.purchase("carl", "c1", 900)
    elif n in (3, 4, 5, 6, 7, 8, 9):  # seven friends' first orders: five bonuses a month
        shop.purchase(f"friend{n - 3}", f"f{n}", 500)
    elif n == 20:
        shop.purchase("anna", "a2", 30000)  # a second certificate, a higher tier
    elif n == 21:
        order = shop.app.store.history("friend6").order(f"f{9}")
        assert order is not None  # returned in full: no bonus for it
        refund = Refund("r1", order.order_id, shop.now, {"1": order.goods})
        shop.app.loyalty.record_refund("friend6", refund)
    elif n == 150:
        shop.consent("carl", ConsentStatus.CONFIRMED)  # the win-back may go now
    elif n == 200:
        shop.app.loyalty.redeem("anna", "cappuccino", "r-1")


def _count_visits(loyalty: LoyaltyService, name: str, visits: Counter[str]) -> None:
    step = loyalty.run_daily_for

    def counted(customer_id: str, quiet_key: str | None = None) -> DailyRun:
        visits[name] += 1
        return step(customer_id, quiet_key)

    loyalty.run_daily_for = counted  # type: ignore[method-assign]


def _what_happened(shop: Shop) -> dict[str, Any]:
    store = shop.app.store
    found: dict[str, Any] = {}
    for customer_id in store.customer_ids():
        history = store.history(customer_id)
        found[customer_id] = (
            sorted((e.kind, e.points, e.idempotency_key, e.at) for e in history.entries),
            sorted((c.rule_id, c.value, c.issued_at) for c in history.certificates),
            history.tier,
            sorted(
                (s.key.automation, s.key.occasion, s.status, s.at)
                for s in store.automation_sends(customer_id)
            ),
        )
    found["mail"] = Counter(
        (m["To"].addresses[0].addr_spec, str(m["Subject"])) for m in shop.mail()
    )
    return found


@pytest.fixture(params=["sqlite", "dynamodb"])
def stores(request: pytest.FixtureRequest) -> Iterator[tuple[dict[str, str], ...]]:
    """The two shops' stores: SQLite files, or two tables on DynamoDB Local."""
    if request.param == "sqlite":
        yield {}, {}
        return
    endpoint = request.getfixturevalue("dynamodb_local")
    with fresh_table(endpoint) as one, fresh_table(endpoint) as other:
        yield tuple(
            {"store": "dynamodb", "table": backend.location, "dynamodb_endpoint": endpoint}
            for backend in (one, other)
        )


def test_quiet_nights_change_nothing_but_the_visits(
    tmp_path: Path, stores: tuple[dict[str, str], ...]
) -> None:
    # Long enough on DynamoDB Local for the referrals, a certificate, a win-back held
    # back by consent and then sent; on SQLite a year and a half.
    nights = NIGHTS if not stores[0] else 160
    for name in ("quiet", "everyone"):
        (tmp_path / name).mkdir()
    quiet, everyone = (
        Shop(tmp_path / name, datetime.now(UTC), store=store)
        for name, store in zip(("quiet", "everyone"), stores, strict=True)
    )
    visits: Counter[str] = Counter()
    for shop, name in ((quiet, "quiet"), (everyone, "everyone")):
        _count_visits(shop.app.loyalty, name, visits)
    for n in range(nights):
        day = START + timedelta(days=n)
        for shop, run in ((quiet, LoyaltyService.run_daily), (everyone, _everyone)):
            _events(shop, day)
            shop.now = night(day + timedelta(days=1))
            assert run(shop.app.loyalty) == 11
            shop.deliver()
            if n % 97 == 0:  # now and then twice a night, as a retry would
                run(shop.app.loyalty)
                shop.deliver()

    assert _what_happened(quiet) == _what_happened(everyone)
    happened = _what_happened(quiet)
    assert {kind for kind, *_ in happened["anna"][0]} >= {"birthday", "referral", "earn"}
    assert happened["anna"][1]  # certificates
    assert happened["bob"][3]  # automatic emails
    assert happened["carl"][3]
    assert visits["quiet"] < visits["everyone"] // 3
