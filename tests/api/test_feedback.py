"""The questionnaire: why an order left its customer unhappy, by the email's link or on the site."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

import pytest

from stampbook.mail.tokens import Purpose
from stampbook.records.feedback import FeedbackReason, SiteFeedback

from .conftest import NOW, Api
from .test_my_data import PURCHASE
from .test_subscriptions import sign


def bought(api: Api) -> str:
    assert api.call("POST", "/till/purchases", PURCHASE)[0] == 200
    return sign(api, Purpose.FEEDBACK, "T-9")


def test_an_answer_is_kept_once_for_the_orders_customer(api: Api) -> None:
    token = bought(api)
    body = {"token": token, "reason": "pushy_sale", "text": "Навязывали абонемент"}
    status, answer, headers = api.call("POST", "/feedback", body, key=None)
    assert (status, answer) == (200, {"status": "recorded"})
    assert headers["Referrer-Policy"] == "no-referrer"
    again = {**body, "reason": "other", "text": "передумала"}
    assert api.call("POST", "/feedback", again, key=None)[:2] == (200, answer)
    (kept,) = api.app.store.feedback("c1")
    assert (kept.feedback_id, kept.order_id, kept.at) == ("order:T-9", "T-9", NOW)
    assert (kept.reason, kept.text) == (FeedbackReason.PUSHY_SALE, "Навязывали абонемент")


def test_the_text_is_optional(api: Api) -> None:
    token = bought(api)
    assert api.call("POST", "/feedback", {"token": token, "reason": "staff"}, key=None)[0] == 200
    assert [f.text for f in api.app.store.feedback("c1")] == [""]


def test_bad_answers_and_bad_links_change_nothing(api: Api) -> None:
    good = bought(api)
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    refused = [
        ({"token": good, "reason": "pushy"}, 422, "reason"),
        ({"token": good}, 422, "reason"),
        ({"token": good, "reason": "staff", "text": "x" * 2001}, 422, "text"),
        ({"token": good, "reason": "staff", "stars": 1}, 422, "stars"),
        ({"token": sign(api, Purpose.FEEDBACK, "T-9", days=-1), "reason": "staff"}, 410, "token"),
        ({"token": sign(api, Purpose.PREFERENCES, "c1"), "reason": "staff"}, 403, "token"),
        ({"token": tampered, "reason": "staff"}, 403, "token"),
    ]
    for body, status, field in refused:
        answer = api.call("POST", "/feedback", body, key=None)
        assert (answer[0], answer[1]["error"]["field"]) == (status, field), body
    assert api.app.store.feedback("c1") == []


def test_an_unknown_order_or_an_erased_customer_answers_as_nobody(api: Api) -> None:
    token = bought(api)
    stranger = sign(api, Purpose.FEEDBACK, "T-404")
    status, refusal, _ = api.call(
        "POST", "/feedback", {"token": stranger, "reason": "staff"}, key=None
    )
    assert (status, refusal["error"]["code"]) == (404, "unknown_customer")
    api.app.store.erase_customer("c1")
    status, again, _ = api.call("POST", "/feedback", {"token": token, "reason": "staff"}, key=None)
    assert (status, again) == (404, refusal)
    assert api.app.store.feedback("c1") == []


def site_answer(**changes: Any) -> dict[str, Any]:
    """The site's public form as its page sends it, filled in at a person's pace."""
    return {
        "reason": "staff",
        "text": "Кассир был груб",
        "order": "A-17",
        "email": "Vera@Example.com",
        "website": "",
        "fill_ms": 9000,
        **changes,
    }


def site_answers(api: Api) -> list[SiteFeedback]:
    """Every answer left on the site, read straight from the SQLite file."""
    rows = sqlite3.connect(api.app.settings.database).execute(
        "SELECT feedback_id, reason, at, text, order_ref, reply_to FROM site_feedback ORDER BY at"
    )
    return [
        SiteFeedback(fid, FeedbackReason(reason), datetime.fromisoformat(at), text, order, email)
        for fid, reason, at, text, order, email in rows
    ]


def test_anyone_can_answer_on_the_site_and_the_address_is_kept_only_for_a_reply(api: Api) -> None:
    status, body, _ = api.call("POST", "/feedback/site", site_answer(), key=None)
    assert (status, body) == (202, {"status": "accepted"})
    (kept,) = site_answers(api)
    assert (kept.reason, kept.text, kept.order_ref) == (
        FeedbackReason.STAFF,
        "Кассир был груб",
        "A-17",
    )
    assert (kept.reply_to, kept.at) == ("vera@example.com", NOW)
    # Nobody became a customer or a subscriber, and nobody was emailed.
    assert api.app.store.customer_by_email("vera@example.com") is None
    assert api.outbox == []


def test_an_answer_on_the_site_needs_no_address_order_or_text(api: Api) -> None:
    body = {"reason": "did_not_fit", "fill_ms": 5000}
    assert api.call("POST", "/feedback/site", body, key=None)[:2] == (202, {"status": "accepted"})
    (kept,) = site_answers(api)
    assert (kept.reason, kept.text, kept.order_ref, kept.reply_to) == ("did_not_fit", "", "", "")


def test_an_order_number_on_the_site_is_kept_as_typed_and_tells_nothing(api: Api) -> None:
    bought(api)  # T-9 is a real order of Anna's; T-404 is no one's
    answers = [
        api.call("POST", "/feedback/site", site_answer(order=order, email=""), key=None)[:2]
        for order in ("T-9", "T-404", "№ 1207/3")
    ]
    assert answers[0] == answers[1] == answers[2] == (202, {"status": "accepted"})
    assert sorted(a.order_ref for a in site_answers(api)) == ["T-404", "T-9", "№ 1207/3"]
    assert api.app.store.feedback("c1") == []  # not filed under the order's customer


@pytest.mark.parametrize("bot", [{"website": "http://spam.example"}, {"fill_ms": 400}])
def test_bots_on_the_site_get_the_usual_answer_and_nothing_is_kept(
    api: Api, bot: dict[str, Any]
) -> None:
    status, body, _ = api.call("POST", "/feedback/site", site_answer(**bot), key=None)
    assert (status, body) == (202, {"status": "accepted"})
    assert site_answers(api) == []


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"reason": "pushy"}, "invalid", "reason"),
        ({"reason": None}, "invalid", "reason"),
        ({"text": "x" * 2001}, "invalid", "text"),
        ({"order": "A" * 65}, "invalid", "order"),
        ({"order": "<script>"}, "invalid", "order"),
        ({"email": "not-an-address"}, "invalid_email", "email"),
        ({"email": "a" * 250 + "@example.com"}, "invalid", "email"),
        ({"fill_ms": "soon"}, "invalid", "fill_ms"),
        ({"fill_ms": -1}, "invalid", "fill_ms"),
        ({"website": "x" * 255}, "invalid", "website"),
        ({"stars": 5}, "invalid", "stars"),
    ],
)
def test_bad_answers_on_the_site_are_refused_and_nothing_is_kept(
    api: Api, changes: dict[str, Any], code: str, field: str
) -> None:
    status, body, _ = api.call("POST", "/feedback/site", site_answer(**changes), key=None)
    assert (status, body["error"]["code"], body["error"]["field"]) == (422, code, field)
    assert site_answers(api) == []


def test_a_missing_reason_or_fill_time_is_refused(api: Api) -> None:
    for missing in ("reason", "fill_ms"):
        body = {k: v for k, v in site_answer().items() if k != missing}
        status, refusal, _ = api.call("POST", "/feedback/site", body, key=None)
        assert (status, refusal["error"]["field"]) == (422, missing)
    assert site_answers(api) == []


def test_malformed_oversize_or_non_json_bodies_get_the_envelope(api: Api) -> None:
    status, body, _ = api.call("POST", "/feedback/site", '{"reason": ', key=None)
    assert (status, body["error"]["code"]) == (400, "malformed_json")
    huge = json.dumps(site_answer(text="x" * (70 * 1024)))
    status, body, _ = api.call("POST", "/feedback/site", huge, key=None)
    assert (status, body["error"]["code"]) == (413, "too_large")
    response = api.client.http.post(
        "/feedback/site",
        headers={"Content-Type": "text/plain"},
        body=json.dumps(site_answer()),
    )
    assert response.status_code == 415
    assert json.loads(response.body)["error"]["code"] == "unsupported_media_type"
    assert site_answers(api) == []


def test_too_many_answers_from_one_ip_get_429_with_retry_after(api: Api) -> None:
    answers = [
        api.call("POST", "/feedback/site", site_answer(email=f"p{n}@example.com"), key=None)
        for n in range(11)
    ]
    assert [a[0] for a in answers] == [202] * 10 + [429]
    _, refusal, headers = answers[-1]
    assert refusal["error"]["code"] == "too_many_requests"
    assert 0 < int(headers["Retry-After"]) <= 3600
    assert len(site_answers(api)) == 10
    # Bots count too: a script cannot hammer the form by tripping the honeypot.
    bot = site_answer(website="http://spam.example", email="")
    assert api.call("POST", "/feedback/site", bot, key=None)[0] == 429


def test_too_many_answers_with_one_address_get_429_from_any_ip(api: Api) -> None:
    statuses = [
        api.call("POST", "/feedback/site", site_answer(email="VERA@example.com"), key=None)[0]
        for _ in range(4)
    ]
    assert statuses == [202] * 3 + [429]
    assert len(site_answers(api)) == 3
    # Without an address, this IP may still answer.
    assert api.call("POST", "/feedback/site", site_answer(email=""), key=None)[0] == 202
