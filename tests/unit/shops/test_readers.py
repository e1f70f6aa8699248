"""Each provider's signature check and what its payloads are read as (pure: no store)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from stampbook.programme.shops import ShopSettings
from stampbook.shops import shopify, square, woocommerce
from stampbook.shops.events import BadSignature, Ignored, Malformed, OrderPaid, RefundMade
from stampbook.shops.orders import order_of, refund_of
from tests.support import shop_webhooks as hooks

URL = "https://api.mednaya-turka.example/shops/square/kiosk"
TABLE = ShopSettings.model_validate(
    {
        "categories": [
            {"match": {"sku_prefix": "GC-"}, "category": "gift-cards"},
            {"match": {"product": "hario v60 dripper"}, "category": "equipment"},
            {"match": {"tag": "Equipment"}, "category": "equipment"},
        ],
        "default_category": "beans",
    }
)


def test_shopify_signature_is_checked_on_the_raw_body() -> None:
    hook = hooks.shopify("orders/paid", hooks.shopify_order())
    shopify.verify(hook.body, hook.headers, hooks.SECRET, URL)
    with pytest.raises(BadSignature):
        shopify.verify(hook.body, hook.headers, "another-secret-entirely", URL)
    # The same JSON written another way is another body: not what Shopify signed.
    respaced = json.dumps(json.loads(hook.body), indent=1).encode()
    with pytest.raises(BadSignature):
        shopify.verify(respaced, hook.headers, hooks.SECRET, URL)
    with pytest.raises(BadSignature):
        shopify.verify(hook.body, {}, hooks.SECRET, URL)


def test_shopify_order_earns_on_what_was_paid_in_the_owners_categories() -> None:
    hook = hooks.shopify("orders/paid", hooks.shopify_order())
    paid = shopify.read(hook.body, hook.headers).event
    assert isinstance(paid, OrderPaid)
    assert paid.email == "jon@example.com"
    assert paid.name == "John Smith"
    order = order_of(paid, "shopify/web", TABLE)
    assert order.order_id == "shopify/web/820982911946154508"
    assert [(line.category, line.amount) for line in order.lines] == [
        ("beans", Decimal("1300.00")),  # 2 x 700, less the 100 discount shared to it
        ("gift-cards", Decimal("500.00")),
    ]
    assert order.tax == 0  # prices include it
    assert order.shipping == Decimal("300.00")


def test_shopify_tag_puts_every_line_of_the_order_in_a_category() -> None:
    payload = hooks.shopify_order()
    payload["tags"] = "equipment, sale"
    hook = hooks.shopify("orders/paid", payload)
    paid = shopify.read(hook.body, hook.headers).event
    assert isinstance(paid, OrderPaid)
    # The first matching row wins: the gift card's SKU comes before the tag.
    assert [line.category for line in order_of(paid, "shopify/web", TABLE).lines] == [
        "equipment",
        "gift-cards",
    ]


def test_shopify_refund_names_the_lines_and_amounts_given_back() -> None:
    hook = hooks.shopify("refunds/create", hooks.shopify_refund())
    made = shopify.read(hook.body, hook.headers).event
    assert isinstance(made, RefundMade)
    refund = refund_of(made, "shopify/web")
    assert refund.refund_id == "shopify/web/509562969"
    assert refund.order_id == "shopify/web/820982911946154508"
    assert dict(refund.lines) == {"866550311766439020": Decimal("650.0")}


def test_shopify_triggered_at_is_when_it_was_sent() -> None:
    hook = hooks.shopify(
        "orders/paid", hooks.shopify_order(), **{"x-shopify-triggered-at": "2026-11-20T10:00:00Z"}
    )
    sent_at = shopify.read(hook.body, hook.headers).sent_at
    assert sent_at is not None
    assert sent_at.isoformat() == "2026-11-20T10:00:00+00:00"


@pytest.mark.parametrize("topic", ["orders/create", "products/update", ""])
def test_shopify_other_topics_are_ignored(topic: str) -> None:
    hook = hooks.shopify(topic, hooks.shopify_order())
    assert isinstance(shopify.read(hook.body, hook.headers).event, Ignored)


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"id": 1}', b'{"id": 1, "email": "a@b.example", "line_items": 3}'],
)
def test_shopify_unreadable_orders_are_malformed(body: bytes) -> None:
    with pytest.raises(Malformed):
        shopify.read(body, {"x-shopify-topic": "orders/paid"})


def test_shopify_negative_prices_are_malformed() -> None:
    payload = hooks.shopify_order()
    payload["line_items"][0]["price"] = "-5.00"
    with pytest.raises(Malformed):
        shopify.read(json.dumps(payload).encode(), {"x-shopify-topic": "orders/paid"})


def test_woocommerce_completed_order_earns_and_refunded_gives_all_back() -> None:
    hook = hooks.woocommerce(hooks.woocommerce_order())
    woocommerce.verify(hook.body, hook.headers, hooks.SECRET, URL)
    delivery = woocommerce.read(hook.body, hook.headers)
    assert delivery.sent_at is None  # WooCommerce sends no time: ids stop replays
    paid = delivery.event
    assert isinstance(paid, OrderPaid)
    order = order_of(paid, "woocommerce/web", TABLE)
    assert [(line.category, line.amount) for line in order.lines] == [
        ("beans", Decimal("1800.00")),
        ("equipment", Decimal("200.00")),  # by the product's name, in any case
    ]
    assert order.tax == Decimal("200.00")  # on top of the line totals
    refunded = hooks.woocommerce(hooks.woocommerce_order(status="refunded"))
    made = woocommerce.read(refunded.body, refunded.headers).event
    assert isinstance(made, RefundMade)
    assert dict(made.lines) == {"315": Decimal("1800.00"), "316": Decimal("200.00")}


def test_woocommerce_signature_and_ping() -> None:
    hook = hooks.woocommerce(hooks.woocommerce_order(), secret="not-the-shops-secret")
    with pytest.raises(BadSignature):
        woocommerce.verify(hook.body, hook.headers, hooks.SECRET, URL)
    # Saving the webhook in WooCommerce posts this, unsigned: answered, nothing done.
    woocommerce.verify(b"webhook_id=15", {}, hooks.SECRET, URL)
    assert isinstance(woocommerce.read(b"webhook_id=15", {}).event, Ignored)


@pytest.mark.parametrize("status", ["processing", "on-hold", "cancelled"])
def test_woocommerce_orders_neither_completed_nor_refunded_are_ignored(status: str) -> None:
    hook = hooks.woocommerce(hooks.woocommerce_order(status=status))
    assert isinstance(woocommerce.read(hook.body, hook.headers).event, Ignored)


def test_square_signs_the_notification_url_with_the_body() -> None:
    hook = hooks.square(hooks.square_payment(), URL)
    square.verify(hook.body, hook.headers, hooks.SECRET, URL)
    with pytest.raises(BadSignature):
        square.verify(hook.body, hook.headers, hooks.SECRET, URL.replace("kiosk", "other"))


def test_square_payment_is_one_line_of_the_default_category_without_the_tip() -> None:
    hook = hooks.square(hooks.square_payment(), URL)
    delivery = square.read(hook.body, hook.headers)
    assert delivery.sent_at is not None
    paid = delivery.event
    assert isinstance(paid, OrderPaid)
    order = order_of(paid, "square/kiosk", TABLE)
    assert [(line.category, line.amount) for line in order.lines] == [
        ("beans", Decimal("900.00"))  # 90000 kopecks; the 50.00 tip earns nothing
    ]


def test_square_amounts_follow_the_currencys_minor_unit() -> None:
    hook = hooks.square(hooks.square_payment(currency="JPY"), URL)
    paid = square.read(hook.body, hook.headers).event
    assert isinstance(paid, OrderPaid)
    assert paid.lines[0].amount == Decimal(90000)  # yen have no minor unit


def test_square_refund_and_pending_refund() -> None:
    hook = hooks.square(hooks.square_refund(), URL)
    made = square.read(hook.body, hook.headers).event
    assert isinstance(made, RefundMade)
    assert dict(made.lines) == {"KkAkhdMsgzn59SM8A89WgKwekxLZY": Decimal("300.00")}
    pending = hooks.square(hooks.square_refund(status="PENDING"), URL)
    assert isinstance(square.read(pending.body, pending.headers).event, Ignored)


def test_square_unknown_types_are_ignored_and_bad_money_malformed() -> None:
    other = hooks.square_payment()
    other["type"] = "customer.created"
    hook = hooks.square(other, URL)
    assert isinstance(square.read(hook.body, hook.headers).event, Ignored)
    broken = hooks.square_payment()
    broken["data"]["object"]["payment"]["amount_money"]["amount"] = "900"
    with pytest.raises(Malformed):
        square.read(json.dumps(broken).encode(), {})
