"""Benchmark: Shopify order webhooks taken by a live `stampbook serve` (orders per second).

Each delivery is a signed `orders/paid` payload shaped like Shopify's
example, with two lines, posted from a few concurrent clients on kept-alive
connections: orders from one returning customer, orders each from a new
address (a member is made with each), then the same orders delivered again
(each answered from its first record). Nothing asserted.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

from stampbook.records.shops import ShopSecret
from stampbook.store.sqlite import SqliteStore
from tests.api.test_serve import serving
from tests.bench.api import Till, load
from tests.support import shop_webhooks as hooks

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PATH = "/shops/shopify/web"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, serving(Path(folder)) as (base, _):
        store = SqliteStore(Path(folder) / "served.db")
        store.add_integration_key(ShopSecret("shopify", "web", hooks.SECRET, NOW).as_key())
        store.close()
        numbers = count(1)
        sent: list[bytes] = []

        def deliver(email: str | None) -> None:
            order = hooks.shopify_order(
                order_id=next(numbers),
                email=email or f"buyer{len(sent)}@example.com",
                processed_at=datetime.now(UTC).isoformat(),
            )
            hook = hooks.shopify("orders/paid", order)
            sent.append(hook.body)
            shop.call("POST", PATH, hook.body, hook.headers)

        shop = Till(base, {"Content-Type": "application/json"}, kept_alive=True)
        load("orders/paid, one returning customer", lambda _: deliver("anna@example.com"))
        load("orders/paid, each a new member", lambda _: deliver(None))
        again = iter(list(sent))
        load("orders/paid delivered again", lambda _: _again(shop, next(again)))
        store = SqliteStore(Path(folder) / "served.db")
        customers = sum(1 for _ in store.customer_ids())
        entries = sum(len(store.history(c).entries) for c in store.customer_ids())
        store.close()
        print(
            f"{len(sent)} orders delivered twice: {entries} ledger entries, {customers} customers"
        )


def _again(shop: Till, body: bytes) -> None:
    hook = hooks.shopify("orders/paid", json.loads(body))
    shop.call("POST", PATH, hook.body, hook.headers)


if __name__ == "__main__":
    main()
