"""The till and web-shop routes: every promise and every refusal, in the one envelope."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from stampbook.records.customers import Customer
from stampbook.records.integrations import issue_key

from .conftest import NOW, Api


def purchase(order_id: str = "T-1", amount: str = "1250.00", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer": {"email": "Anna@Example.com"},
        "order_id": order_id,
        "placed_at": NOW.isoformat(),
        "lines": [{"line_id": "1", "category": "beans", "amount": amount}],
    }
    body.update(changes)
    return body


def test_a_purchase_earns_points_and_a_retry_gets_the_first_answer(api: Api) -> None:
    status, first, _ = api.call("POST", "/till/purchases", purchase())
    assert status == 200
    assert first["order_id"] == "T-1"
    assert first["points"] > 0
    again = api.call("POST", "/till/purchases", purchase())
    assert again[:2] == (200, first)
    assert len(api.app.store.history("c1").orders) == 1


def test_the_same_order_id_with_another_payload_is_a_conflict(api: Api) -> None:
    api.call("POST", "/till/purchases", purchase())
    status, body, _ = api.call("POST", "/till/purchases", purchase(amount="99.00"))
    assert status == 409
    assert body["error"]["code"] == "idempotency_conflict"


def test_the_customer_can_be_named_by_the_code_on_their_card(api: Api) -> None:
    status, _, _ = api.call("POST", "/till/purchases", purchase(customer={"code": "anna2345"}))
    assert status == 200
    status, card, _ = api.call("GET", "/till/customers/ANNA2345")
    assert status == 200
    assert card["name"] == "Анна"
    assert card["pending"] > 0
    assert card["available"] == 0
    assert card["rewards"] == []  # nothing affordable with pending points only


@pytest.mark.parametrize(
    ("key", "headers"),
    [
        (None, {}),
        ("sbk_nope_nope", {}),
        ("not-a-key", {}),
    ],
)
def test_without_a_valid_key_nothing_is_recorded(
    api: Api, key: str | None, headers: dict[str, str]
) -> None:
    status, body, _ = api.call("POST", "/till/purchases", purchase(), key=key, **headers)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"
    assert api.app.store.history("c1").orders == ()


def test_a_revoked_key_is_refused_at_once(api: Api) -> None:
    key_id = api.key.split("_")[1]
    assert api.app.store.revoke_integration_key(key_id, NOW)
    status, _, _ = api.call("POST", "/till/purchases", purchase())
    assert status == 401


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ("{not json", 400, "malformed_json", None),
        (purchase(colour="red"), 422, "invalid", "colour"),
        (purchase(amount="twelve"), 422, "invalid", "lines.0.amount"),
        (purchase(amount="-5"), 422, "invalid", "lines.0.amount"),
        (purchase(placed_at="2026-11-23T15:00:00"), 422, "invalid", "placed_at"),
        (purchase(lines=[]), 422, "invalid", "lines"),
        (purchase(customer={}), 422, "invalid", "customer"),
        (
            purchase(lines=[{"line_id": "1", "category": "cakes", "amount": "5"}]),
            422,
            "unknown_category",
            "lines.0.category",
        ),
        (purchase(currency="EUR"), 422, "wrong_currency", None),
        (purchase(customer={"email": "boris@example.com"}), 404, "unknown_customer", "customer"),
        (purchase(customer={"email": "no at sign"}), 422, "invalid_email", "email"),
        ("x" * 70_000, 413, "too_large", None),
        # What no till sends for a purchase made now:
        (purchase(placed_at="2026-11-25T15:00:00+00:00"), 422, "implausible", "placed_at"),
        (purchase(placed_at="2099-01-01T00:00:00+00:00"), 422, "implausible", "placed_at"),
        (purchase(placed_at="9999-12-31T23:59:59-14:00"), 422, "implausible", "placed_at"),
        (purchase(placed_at="0001-01-01T00:00:00+00:00"), 422, "implausible", "placed_at"),
        (purchase(placed_at="2026-01-01T12:00:00+03:00"), 422, "implausible", "placed_at"),
        (purchase(amount="9999999999.9999"), 422, "implausible", "lines.0.amount"),
        (purchase(tax="2000"), 422, "implausible", "tax"),
        (
            purchase(
                lines=[
                    {"line_id": "1", "category": "beans", "amount": "5"},
                    {"line_id": "1", "category": "beans", "amount": "7"},
                ]
            ),
            422,
            "implausible",
            "lines.1.line_id",
        ),
    ],
)
def test_bad_input_gets_a_clear_4xx_and_changes_nothing(
    api: Api, body: Any, status: int, code: str, field: str | None
) -> None:
    answer = api.call("POST", "/till/purchases", body)
    assert answer[0] == status
    assert answer[1] == {
        "error": {"code": code, "message": answer[1]["error"]["message"], "field": field}
    }
    assert answer[1]["error"]["message"]
    assert api.app.store.history("c1").orders == ()


def test_chalice_s_own_refusals_come_in_the_same_envelope(api: Api) -> None:
    status, body, _headers = api.call("DELETE", "/till/purchases", purchase())
    assert status == 405
    assert body["error"]["code"] == "method_not_allowed"
    status, body, _ = api.call(
        "POST", "/till/purchases", "order_id=1", **{"Content-Type": "text/plain"}
    )
    assert status == 415
    assert body["error"]["code"] == "unsupported_media_type"


def test_a_refund_takes_back_the_points_of_what_was_returned(api: Api) -> None:
    _, bought, _ = api.call("POST", "/till/purchases", purchase())
    body = {
        "customer": {"email": "anna@example.com"},
        "refund_id": "R-1",
        "order_id": "T-1",
        "refunded_at": NOW.isoformat(),
        "lines": {"1": "1250.00"},
    }
    status, refunded, _ = api.call("POST", "/till/refunds", body)
    assert status == 200
    assert refunded["points_taken_back"] == bought["points"]
    assert api.app.store.history("c1").balance(NOW).total == 0


def test_a_refund_dated_before_its_purchase_is_refused(api: Api) -> None:
    api.call("POST", "/till/purchases", purchase())
    body = {
        "customer": {"email": "anna@example.com"},
        "refund_id": "R-1",
        "order_id": "T-1",
        "refunded_at": (NOW - timedelta(hours=1)).isoformat(),
        "lines": {"1": "1250.00"},
    }
    status, refused, _ = api.call("POST", "/till/refunds", body)
    assert (status, refused["error"]["code"]) == (409, "refund_before_purchase")
    assert api.app.store.history("c1").refunds == ()


def test_redemptions_need_an_idempotency_key_and_points(api: Api) -> None:
    body = {"customer": {"email": "anna@example.com"}, "reward": "cappuccino"}
    status, answer, _ = api.call("POST", "/till/redemptions", body)
    assert (status, answer["error"]["code"]) == (400, "idempotency_key_required")
    status, answer, _ = api.call(
        "POST", "/till/redemptions", body, **{"Idempotency-Key": "till-1-0001"}
    )
    assert (status, answer["error"]["code"]) == (409, "not_enough_points")


def test_a_redemption_retried_with_its_key_spends_once(api: Api) -> None:
    api.app.loyalty.adjust("c1", 500, "welcome gift", "gift-1")
    body = {"customer": {"email": "anna@example.com"}, "reward": "cappuccino"}
    headers = {"Idempotency-Key": "till-1-0002"}
    first = api.call("POST", "/till/redemptions", body, **headers)
    again = api.call("POST", "/till/redemptions", body, **headers)
    assert first[0] == 200
    assert again[:2] == first[:2]
    cost = api.app.loyalty.rules.rewards["cappuccino"].points
    assert api.app.store.history("c1").balance(NOW).available == 500 - cost


def test_a_purchase_a_few_days_old_from_a_till_that_was_offline_is_taken(api: Api) -> None:
    late = purchase(placed_at=(NOW - timedelta(days=20)).isoformat())  # 14-day window + 7
    status, taken, _ = api.call("POST", "/till/purchases", late)
    assert status == 200
    # It could still be returned: pending from when it reached us, not from its date.
    assert taken["available_at"] == (NOW + timedelta(days=14)).isoformat()
    soon = purchase("T-2", placed_at=(NOW + timedelta(hours=3)).isoformat())  # a fast clock
    assert api.call("POST", "/till/purchases", soon)[0] == 200


def test_two_tills_counting_their_keys_alike_each_get_their_own_redemption(api: Api) -> None:
    record, second_till = issue_key("second till", NOW)
    api.app.store.add_integration_key(record)
    api.app.store.add_customer(Customer("c2", "boris@example.com", NOW, name="Борис"))
    api.app.loyalty.adjust("c1", 500, "welcome gift", "gift-1")
    api.app.loyalty.adjust("c2", 500, "welcome gift", "gift-2")
    cost = api.app.loyalty.rules.rewards["cappuccino"].points
    headers = {"Idempotency-Key": "redemption-0001"}  # every till starts counting at 1
    anna = {"customer": {"email": "anna@example.com"}, "reward": "cappuccino"}
    boris = {"customer": {"email": "boris@example.com"}, "reward": "cappuccino"}

    assert api.call("POST", "/till/redemptions", anna, **headers)[0] == 200
    first = api.call("POST", "/till/redemptions", anna, key=second_till, **headers)
    assert first[:2] == (
        200,
        {"reward_id": "cappuccino", "points": cost, "available": 500 - 2 * cost},
    )
    assert api.call("POST", "/till/redemptions", boris, **headers)[0] == 200  # another customer
    assert api.app.store.history("c1").balance(NOW).available == 500 - 2 * cost
    assert api.app.store.history("c2").balance(NOW).available == 500 - cost


@contextmanager
def till_of(campaigns: Path, folder: Path) -> Iterator[Api]:
    """The API of another programme, a till key issued and Anna a customer."""
    from chalice.test import Client

    from app import app as chalice_app
    from stampbook.api import context
    from stampbook.bootstrap import build
    from stampbook.config import MailSettings, Settings

    mail = MailSettings(outbox=folder / "outbox", key_file=folder / "keys")
    shop = build(Settings(campaigns, database=folder / "shop.db", mail=mail), clock=lambda: NOW)
    shop.store.add_customer(Customer("c1", "anna@example.com", NOW, name="Анна"))
    record, token = issue_key("till", NOW)
    shop.store.add_integration_key(record)
    context.use(shop)
    try:
        with Client(chalice_app) as client:
            yield Api(client, shop, token)
    finally:
        context.use(None)
        shop.store.close()


def test_a_business_in_whole_drams_refuses_luma_from_the_till(tmp_path: Path) -> None:
    from tests.support.paths import FLORIST

    with till_of(FLORIST, tmp_path) as api:
        body = purchase(amount="12500.50")
        body["lines"][0]["category"] = "bouquets"
        status, answer, _ = api.call("POST", "/till/purchases", body)
        assert status == 422
        assert answer["error"]["code"] == "invalid"
        assert answer["error"]["field"] == "lines.0.amount"
        assert answer["error"]["message"] == "12500.50: whole amounts only in this programme"
        assert api.app.store.history("c1").orders == ()
        body["lines"][0]["amount"] = "12500"
        assert api.call("POST", "/till/purchases", body)[0] == 200


def test_the_owner_says_how_large_and_how_late_a_till_purchase_may_be(tmp_path: Path) -> None:
    from tests.support.paths import EXAMPLE

    campaigns = tmp_path / "campaigns"
    shutil.copytree(EXAMPLE, campaigns)
    program = campaigns / "program.yaml"
    program.write_text(
        program.read_text("utf-8") + "\ntill:\n  largest_line: 5000\n  late_days: 0\n", "utf-8"
    )
    with till_of(campaigns, tmp_path) as api:
        status, answer, _ = api.call("POST", "/till/purchases", purchase(amount="5000.01"))
        assert (status, answer["error"]["field"]) == (422, "lines.0.amount")
        # The example's return window is 14 days: with no days late, the 15th is refused.
        late = (NOW - timedelta(days=15)).isoformat()
        status, answer, _ = api.call("POST", "/till/purchases", purchase(placed_at=late))
        assert (status, answer["error"]["code"]) == (422, "implausible")
        within = (NOW - timedelta(days=13)).isoformat()
        assert api.call("POST", "/till/purchases", purchase(placed_at=within))[0] == 200


def test_a_mistyped_category_is_refused_with_the_one_meant(api: Api) -> None:
    body = purchase(lines=[{"line_id": "1", "category": "bean", "amount": "500"}])
    status, answer, _ = api.call("POST", "/till/purchases", body)
    assert status == 422
    assert answer["error"] == {
        "code": "unknown_category",
        "message": "no category 'bean'; did you mean 'beans'?",
        "field": "lines.0.category",
    }
