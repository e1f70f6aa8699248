"""My points: a magic link by email, and the page it opens; plus the public rate limits."""

from __future__ import annotations

from datetime import timedelta

from stampbook.loyalty.orders import Order, OrderLine
from stampbook.mail.tokens import Purpose

from .conftest import NOW, Api, link_token
from .test_subscriptions import form, sign


def test_the_answer_is_the_same_for_customers_and_strangers(api: Api) -> None:
    known = api.call("POST", "/points", {"email": "ANNA@example.com"}, key=None)
    stranger = api.call("POST", "/points", {"email": "nobody@example.com"}, key=None)
    assert known[:2] == stranger[:2] == (202, {"status": "accepted"})
    # Nothing is sent while anyone waits: the link is owed, to the customer only,
    # and a courier sends it after the answer (tests/bench/enumeration.py times it).
    assert api.sent == []
    owed = api.app.store.owed_emails_due(int(NOW.timestamp()), 10)
    assert [(o.key.customer_id, o.key.automation) for o in owed] == [("c1", "your_points")]
    [mail] = api.outbox  # only the customer gets an email
    assert mail["To"].addresses[0].addr_spec == "anna@example.com"
    assert api.app.store.customer_by_email("nobody@example.com") is None


def test_the_magic_link_shows_balance_tier_progress_and_affordable_rewards(api: Api) -> None:
    from decimal import Decimal

    order = Order("T-1", NOW - timedelta(days=30), "RUB", (OrderLine("1", "beans", Decimal(5000)),))
    api.app.loyalty.record_purchases([("c1", order)])  # a month ago, imported
    api.call("POST", "/points", {"email": "anna@example.com"}, key=None)
    token = link_token(api.outbox[0], "points/")
    status, page, headers = api.call("GET", f"/points?t={token}", key=None)
    assert status == 200
    assert headers["Referrer-Policy"] == "no-referrer"
    assert page["name"] == "Анна"
    assert page["available"] == 500  # 5000 ₽ of beans: 2 x 5 per 100 ₽, past the return window
    assert page["pending"] == 0
    assert page["tier"] == {"id": "guest", "name": "Гость"}
    assert page["next_tier"]["spend_needed"] == "10000"  # Regular from 15 000 ₽
    assert [r["points"] for r in page["rewards"]] == sorted(
        r.points for r in api.app.loyalty.rules.rewards.values() if r.points <= 500
    )
    assert [e["kind"] for e in page["history"]] == ["earn"]
    assert page["expiring"]["points"] == 500


def test_points_links_last_the_owners_days_and_are_purpose_bound(api: Api) -> None:
    expired = sign(api, Purpose.POINTS, "c1", minutes=-1)
    assert api.call("GET", f"/points?t={expired}", key=None)[0] == 410
    unsubscribe = sign(api, Purpose.UNSUBSCRIBE, "c1")
    assert api.call("GET", f"/points?t={unsubscribe}", key=None)[0] == 403
    # The link a customer asks for works for the programme's member_page_days (90).
    api.call("POST", "/points", {"email": "anna@example.com"}, key=None)
    token = link_token(api.outbox[0], "points/")
    claim = api.app.mailer.keyring.verify(token, Purpose.POINTS, NOW)
    assert claim.expires == NOW + timedelta(days=90)


def test_one_magic_link_per_address_per_five_minutes(api: Api) -> None:
    for _ in range(3):
        api.call("POST", "/points", {"email": "anna@example.com"}, key=None)
    assert len(api.outbox) == 1


def test_too_many_requests_from_one_address_get_429_with_retry_after(api: Api) -> None:
    answers = [
        api.call("POST", "/points", {"email": "nobody@example.com"}, key=None) for _ in range(6)
    ]
    assert [a[0] for a in answers] == [202] * 5 + [429]
    _, refusal, headers = answers[-1]
    assert refusal["error"]["code"] == "too_many_requests"
    assert 0 < int(headers["Retry-After"]) <= 3600
    # The same for a customer's address: the limit reveals nothing either.
    known = [api.call("POST", "/points", {"email": "anna@example.com"}, key=None) for _ in range(6)]
    assert [a[0] for a in known] == [202] * 5 + [429]


def test_too_many_requests_from_one_ip_get_429(api: Api) -> None:
    statuses = [
        api.call("POST", "/subscribe", form(f"p{n}@example.com"), key=None)[0] for n in range(21)
    ]
    assert statuses == [202] * 20 + [429]
    assert api.app.store.customer_by_email("p20@example.com") is None


def test_bad_points_requests_are_4xx(api: Api) -> None:
    assert api.call("POST", "/points", {"email": "nope"}, key=None)[0] == 422
    assert api.call("POST", "/points", {"mail": "a@b.example"}, key=None)[0] == 422
    assert api.call("POST", "/points", "[", key=None)[0] == 400
    assert api.call("GET", "/points", key=None)[1]["error"]["code"] == "token_required"
