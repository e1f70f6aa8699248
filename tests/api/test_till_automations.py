"""The till's purchases and refunds owe their automatic emails; the courier sends each once,
after the till has its answer."""

from __future__ import annotations

from stampbook.services.automations import AutomaticEmails, Fired
from stampbook.services.courier import Courier
from tests.support.shop import EVER

from .conftest import NOW, Api, text_of
from .test_till import purchase


def test_a_till_purchase_is_thanked_once_and_its_refund_asks_why_once(api: Api) -> None:
    events = api.app.loyalty.events
    assert isinstance(events, AutomaticEmails)
    told: list[int] = []  # the emails in the outbox whenever the courier was told
    events.on_owed = lambda: told.append(len(api.sent))

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
    # Every answer came back with nothing sent: the emails are owed, once each.
    assert told == [0, 0, 0, 0, 0]
    assert api.sent == []
    owed = api.app.store.owed_emails_due(EVER, 10)
    assert [(o.key.automation, o.key.occasion) for o in owed] == [
        ("feedback_request", "T-1"),
        ("thank_you", "T-1"),
    ]

    assert Courier(api.app.emails).deliver_due() == {Fired.SENT: 2}
    assert Courier(api.app.emails).deliver_due() == {}
    [asking, thanks] = api.sent
    assert thanks["Subject"] == "Спасибо за покупку!"  # the programme's default language
    assert f"Вы получили {first['points']} баллов" in text_of(thanks)
    assert asking["Subject"] == "Что пошло не так?"
    assert "/feedback/?t=" in text_of(asking)
