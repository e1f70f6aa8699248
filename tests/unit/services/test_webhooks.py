"""The webhook courier is woken by the changes that owe it deliveries, and by no other: a
retried purchase, or a nightly step with nothing to tell, wakes nobody (on AWS each wake is
a message on the send queue)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.support.shop import EVER, Shop

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_only_a_change_that_owes_deliveries_wakes_the_courier(tmp_path: Path) -> None:
    shop = Shop(tmp_path, NOW)
    for person in ("anna", "boris", "clara"):
        shop.customer(person, "en")
    webhooks = shop.app.loyalty.webhooks
    webhooks.add("https://crm.example.com/in", ["points.earned"])
    wakes: list[str] = []
    webhooks.on_owed = lambda: wakes.append("woken")

    shop.purchase("anna", "A-1", 1000)
    shop.purchase("anna", "A-1", 1000)  # the till retried
    shop.app.loyalty.run_daily()  # nobody's birthday, no bonus, no certificate, no tier
    assert wakes == ["woken"]
    assert [o.event_type for o in shop.app.store.owed_webhooks_due(EVER, 10)] == ["points.earned"]


def test_without_endpoints_nothing_is_owed_and_nobody_woken(tmp_path: Path) -> None:
    shop = Shop(tmp_path, NOW)
    shop.customer("anna", "en")
    wakes: list[str] = []
    shop.app.loyalty.webhooks.on_owed = lambda: wakes.append("woken")
    shop.purchase("anna", "A-1", 1000)
    assert wakes == []
    assert shop.app.store.owed_webhooks_due(EVER, 10) == []
