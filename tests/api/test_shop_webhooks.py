"""Order webhooks from Shopify, WooCommerce and Square, through the app, on both stores.

Each payload is shaped like the provider's documented example and signed
with a test secret the way the provider signs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from app import app as chalice_app
from stampbook.api import context
from stampbook.audience.consent import ConsentStatus, current_status
from stampbook.bootstrap import App, build
from stampbook.config import MailSettings, Settings
from stampbook.records.customers import Customer
from stampbook.records.shops import ShopSecret
from tests.support import shop_webhooks as hooks
from tests.support.backends import fresh_table
from tests.support.paths import EXAMPLE, FIXTURE

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
API = "https://api.mednaya-turka.example"


@dataclass
class Shops:
    client: Client
    app: App

    def post(self, path: str, hook: hooks.Webhook) -> tuple[int, Any]:
        response = self.client.http.post(path, headers=hook.headers, body=hook.body)
        return response.status_code, json.loads(response.body or b"null")

    def points(self, email: str) -> tuple[int, int]:
        """(pending, available) of the customer with this address."""
        customer = self.app.store.customer_by_email(email)
        assert customer is not None, f"no customer {email}"
        summary = self.app.loyalty.summary(customer.customer_id)
        return summary.pending, summary.available

    def entries(self) -> int:
        return sum(
            len(self.app.store.history(customer_id).entries)
            for customer_id in self.app.store.customer_ids()
        )


@pytest.fixture(params=["sqlite", "dynamodb"])
def shops(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shops]:
    mail = MailSettings(outbox=tmp_path / "outbox", key_file=tmp_path / "keys", api_url=API)
    with ExitStack() as cleanup:
        where: dict[str, Any] = {"database": tmp_path / "shops.db"}
        if request.param == "dynamodb":
            endpoint = request.getfixturevalue("dynamodb_local")
            table = cleanup.enter_context(fresh_table(endpoint)).location
            where = {"store": "dynamodb", "table": table, "dynamodb_endpoint": endpoint}
        wired = build(Settings(campaigns=EXAMPLE, mail=mail, **where), clock=lambda: NOW)
        cleanup.callback(wired.store.close)
        for provider, name in (("shopify", "web"), ("woocommerce", "web"), ("square", "kiosk")):
            wired.store.add_integration_key(ShopSecret(provider, name, hooks.SECRET, NOW).as_key())
        context.use(wired)
        cleanup.callback(context.use, None)
        with Client(chalice_app) as client:
            yield Shops(client, wired)


def test_shopify_order_earns_once_and_its_refund_takes_back_the_refunded_part(
    shops: Shops,
) -> None:
    paid = hooks.shopify("orders/paid", hooks.shopify_order())
    # 1300 of beans (double points), the gift card earns nothing: 2600 x 5 / 100.
    assert shops.post("/shops/shopify/web", paid) == (200, {"recorded": "purchase", "points": 130})
    assert shops.post("/shops/shopify/web", paid) == (200, {"recorded": "purchase", "points": 130})
    assert shops.points("jon@example.com") == (130, 0)
    refund = hooks.shopify("refunds/create", hooks.shopify_refund())
    assert shops.post("/shops/shopify/web", refund) == (200, {"recorded": "refund", "points": 65})
    assert shops.post("/shops/shopify/web", refund) == (200, {"recorded": "refund", "points": 65})
    assert shops.points("jon@example.com") == (65, 0)


def test_a_new_address_becomes_a_member_without_marketing_consent(shops: Shops) -> None:
    shops.post("/shops/shopify/web", hooks.shopify("orders/paid", hooks.shopify_order()))
    customer = shops.app.store.customer_by_email("jon@example.com")
    assert customer is not None
    assert customer.name == "John Smith"
    consents = shops.app.store.consents(customer.customer_id)
    assert current_status(consents) is ConsentStatus.MEMBER
    assert consents[0].form == "shop:shopify/web"


def test_a_known_customer_is_found_by_email_in_any_case(shops: Shops) -> None:
    shops.app.store.add_customer(Customer("c1", "jon@example.com", NOW, name="Jon"))
    order = hooks.shopify_order(email="Jon@Example.COM")
    shops.post("/shops/shopify/web", hooks.shopify("orders/paid", order))
    assert list(shops.app.store.customer_ids()) == ["c1"]
    assert shops.points("jon@example.com") == (130, 0)


def test_woocommerce_completed_order_earns_and_refunded_order_gives_it_all_back(
    shops: Shops,
) -> None:
    completed = hooks.woocommerce(hooks.woocommerce_order())
    # 1800 of beans (double), 200 of equipment and 200 of tax: 4000 x 5 / 100.
    assert shops.post("/shops/woocommerce/web", completed) == (
        200,
        {"recorded": "purchase", "points": 200},
    )
    assert shops.post("/shops/woocommerce/web", completed)[1]["points"] == 200
    assert shops.points("john.doe@example.com") == (200, 0)
    refunded = hooks.woocommerce(hooks.woocommerce_order(status="refunded"))
    assert shops.post("/shops/woocommerce/web", refunded) == (
        200,
        {"recorded": "refund", "points": 200},
    )
    assert shops.points("john.doe@example.com") == (0, 0)


def test_woocommerce_ping_is_answered(shops: Shops) -> None:
    ping = hooks.Webhook(b"webhook_id=15", {"content-type": "application/x-www-form-urlencoded"})
    assert shops.post("/shops/woocommerce/web", ping) == (200, {"ignored": "WooCommerce's ping"})


def test_square_payment_earns_and_its_refund_takes_back_part(shops: Shops) -> None:
    url = f"{API}/shops/square/kiosk"
    payment = hooks.square(hooks.square_payment(), url)
    # 900 ₽ (the tip left out) in the default category, beans: 1800 x 5 / 100.
    assert shops.post("/shops/square/kiosk", payment) == (
        200,
        {"recorded": "purchase", "points": 90},
    )
    assert shops.post("/shops/square/kiosk", payment)[1]["points"] == 90
    refund = hooks.square(hooks.square_refund(), url)
    assert shops.post("/shops/square/kiosk", refund) == (200, {"recorded": "refund", "points": 30})
    assert shops.points("buyer@example.com") == (60, 0)


@pytest.mark.parametrize(
    ("path", "hook"),
    [
        ("/shops/shopify/web", hooks.shopify("orders/paid", hooks.shopify_order(), "wrong-secret")),
        ("/shops/woocommerce/web", hooks.woocommerce(hooks.woocommerce_order(), "wrong-secret")),
        ("/shops/square/kiosk", hooks.square(hooks.square_payment(), f"{API}/other")),
        ("/shops/shopify/nobody", hooks.shopify("orders/paid", hooks.shopify_order())),
        ("/shops/square/web", hooks.square(hooks.square_payment(), f"{API}/shops/square/web")),
    ],
)
def test_a_delivery_not_signed_with_the_shops_secret_is_refused_and_writes_nothing(
    shops: Shops, path: str, hook: hooks.Webhook
) -> None:
    status, body = shops.post(path, hook)
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    assert list(shops.app.store.customer_ids()) == []


def test_a_removed_shop_is_refused(shops: Shops) -> None:
    shops.app.store.revoke_integration_key("shopify.web", NOW)
    hook = hooks.shopify("orders/paid", hooks.shopify_order())
    assert shops.post("/shops/shopify/web", hook)[0] == 401


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"id": 5, "line_items": "many"}'])
def test_a_signed_but_malformed_body_is_a_400(shops: Shops, body: bytes) -> None:
    hook = hooks.Webhook(
        body,
        {
            "content-type": "application/json",
            "x-shopify-topic": "orders/paid",
            "x-shopify-hmac-sha256": hooks.signature(hooks.SECRET, body),
        },
    )
    status, answer = shops.post("/shops/shopify/web", hook)
    assert (status, answer["error"]["code"]) == (400, "bad_request")
    assert list(shops.app.store.customer_ids()) == []


def test_unknown_topics_are_acknowledged_and_ignored(shops: Shops) -> None:
    hook = hooks.shopify("customers/update", {"id": 1, "email": "jon@example.com"})
    status, body = shops.post("/shops/shopify/web", hook)
    assert status == 200
    assert "customers/update" in body["ignored"]
    assert list(shops.app.store.customer_ids()) == []


def test_an_order_in_another_currency_is_refused_and_writes_nothing(shops: Shops) -> None:
    hook = hooks.shopify("orders/paid", hooks.shopify_order(currency="EUR"))
    status, body = shops.post("/shops/shopify/web", hook)
    assert (status, body["error"]["code"]) == (422, "wrong_currency")
    assert list(shops.app.store.customer_ids()) == []


def test_a_delivery_older_than_the_replay_window_is_acknowledged_and_not_recorded(
    shops: Shops,
) -> None:
    stale = hooks.shopify(
        "orders/paid", hooks.shopify_order(), **{"x-shopify-triggered-at": "2026-11-19T15:00:00Z"}
    )
    status, body = shops.post("/shops/shopify/web", stale)
    assert status == 200
    assert "days ago" in body["ignored"]
    old = hooks.square(
        hooks.square_payment(created_at="2026-11-19T12:00:00Z"), f"{API}/shops/square/kiosk"
    )
    assert "days ago" in shops.post("/shops/square/kiosk", old)[1]["ignored"]
    assert list(shops.app.store.customer_ids()) == []
    fresh = hooks.shopify(
        "orders/paid", hooks.shopify_order(), **{"x-shopify-triggered-at": "2026-11-23T14:59:00Z"}
    )
    assert shops.post("/shops/shopify/web", fresh)[1]["recorded"] == "purchase"


def test_a_refund_of_an_order_never_recorded_is_acknowledged(shops: Shops) -> None:
    refund = hooks.shopify("refunds/create", hooks.shopify_refund(order_id=1))
    status, body = shops.post("/shops/shopify/web", refund)
    assert status == 200
    assert "no order" in body["ignored"]


def test_two_shops_numbering_orders_alike_each_earn(shops: Shops) -> None:
    shops.app.store.add_integration_key(
        ShopSecret("shopify", "outlet", "another-secret-01", NOW).as_key()
    )
    order = hooks.shopify_order()
    shops.post("/shops/shopify/web", hooks.shopify("orders/paid", order))
    shops.post("/shops/shopify/outlet", hooks.shopify("orders/paid", order, "another-secret-01"))
    assert shops.points("jon@example.com") == (260, 0)


def test_a_programme_without_a_shops_section_refuses_shop_orders(tmp_path: Path) -> None:
    settings = Settings(campaigns=FIXTURE, database=tmp_path / "bare.db")
    wired = build(settings, clock=lambda: NOW)
    wired.store.add_integration_key(ShopSecret("shopify", "web", hooks.SECRET, NOW).as_key())
    context.use(wired)
    try:
        with Client(chalice_app) as client:
            hook = hooks.shopify("orders/paid", hooks.shopify_order(currency="EUR"))
            response = client.http.post("/shops/shopify/web", headers=hook.headers, body=hook.body)
    finally:
        context.use(None)
        wired.store.close()
    assert response.status_code == 422
    assert json.loads(response.body)["error"]["code"] == "shops_not_set_up"
