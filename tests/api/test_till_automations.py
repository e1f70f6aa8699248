"""The till's purchases and refunds send their automatic emails, once each."""

from __future__ import annotations

from .conftest import NOW, Api, text_of
from .test_till import purchase


def test_a_till_purchase_is_thanked_once_and_its_refund_asks_why_once(api: Api) -> None:
    status, first, _ = api.call("POST", "/till/purchases", purchase())
    assert status == 200
    api.call("POST", "/till/purchases", purchase())  # a retry: the first answer, no second note
    refund = {
        "customer": {"email": "anna@example.com"},
        "order_id": "T-1",
        "refunded_at": NOW.isoformat(),
        "lines": {"1": "250.00"},
    }
    for refund_id in ("R-1", "R-1", "R-2"):
        status, _, _ = api.call("POST", "/till/refunds", {**refund, "refund_id": refund_id})
        assert status == 200

    [thanks, asking] = api.outbox
    assert thanks["Subject"] == "Спасибо за покупку!"  # the programme's default language
    assert f"Вы получили {first['points']} баллов" in text_of(thanks)
    assert asking["Subject"] == "Что пошло не так?"
    assert "/feedback/?t=" in text_of(asking)
