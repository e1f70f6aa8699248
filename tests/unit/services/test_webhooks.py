"""The webhook courier is woken by the changes that owe it deliveries, and by no other: a
retried purchase, or a nightly step with nothing to tell, wakes nobody (on AWS each wake is
a message on the send queue); and a receiver that is down costs it one try a round."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime
from pathlib import Path

from stampbook.records.webhooks import Outcome
from stampbook.services.webhook_courier import WebhookCourier
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


def test_a_receiver_that_never_answers_costs_one_timeout_a_round_not_one_per_event(
    tmp_path: Path,
) -> None:
    shop = Shop(tmp_path, NOW)
    shop.customer("anna", "en")
    with socket.socket() as silent:  # accepts connections, and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        shop.app.loyalty.webhooks.add(f"http://127.0.0.1:{port}/in", ["points.earned"])
        for n in range(5):
            shop.purchase("anna", f"A-{n}", 1000)
        courier = WebhookCourier(shop.app.store, shop.clock, timeout=0.3)
        started = time.monotonic()
        outcomes = courier.deliver_due()
        took = time.monotonic() - started
    assert outcomes == {Outcome.FAILED: 1, Outcome.PUT_OFF: 4}
    assert took < 1.2  # one timeout, not five
    [endpoint] = shop.app.store.webhook_endpoints()
    assert endpoint.failures == 1
    owed = shop.app.store.owed_webhooks_due(EVER, 10)
    assert sorted(o.attempts for o in owed) == [0, 0, 0, 0, 1]  # the others untried
