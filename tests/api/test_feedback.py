"""The questionnaire: why an order left its customer unhappy, through the email's link."""

from __future__ import annotations

from stampbook.feedback import FeedbackReason
from stampbook.mail.tokens import Purpose

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
        ({"token": sign(api, Purpose.PREFERENCES, "c1"), "reason": "staff"}, 400, "token"),
        ({"token": tampered, "reason": "staff"}, 400, "token"),
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
