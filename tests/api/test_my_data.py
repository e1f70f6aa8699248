"""Export my data and delete me, through the preferences link."""

from __future__ import annotations

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.audience.mail_events import MailEvent, MailEventKind
from stampbook.mail.tokens import Purpose
from stampbook.records.customers import Customer
from stampbook.records.feedback import Feedback, FeedbackReason
from stampbook.services.automations import Fired
from stampbook.services.courier import Courier

from .conftest import NOW, Api
from .test_subscriptions import sign

PURCHASE = {
    "customer": {"code": "ANNA2345"},
    "order_id": "T-9",
    "placed_at": NOW.isoformat(),
    "lines": [{"line_id": "1", "category": "beans", "amount": 990}],
}


def anna_with_a_past(api: Api) -> None:
    """Anna signed up from an address, bought beans and answered the questionnaire.

    She also told the site what went wrong, leaving her address for a reply;
    so did Vera, who is no customer.
    """
    store = api.app.store
    consent = ConsentRecord(ConsentStatus.CONFIRMED, NOW, "site:signup", "v1", "203.0.113.9", "Fx")
    store.record_consent("c1", consent)
    assert api.call("POST", "/till/purchases", PURCHASE)[0] == 200
    store.record_feedback(Feedback("f1", "c1", FeedbackReason.STAFF, NOW, "Грубили", "T-9"))
    bounce = MailEvent("e1", MailEventKind.DELIVERY, "anna@example.com", NOW, customer_id="c1")
    store.record_mail_event(bounce)
    assert Courier(api.app.emails).deliver_due() == {Fired.SENT: 1}  # her thank-you
    for email, text in (("Anna@Example.com", "Снова грубили"), ("vera@example.com", "Долго")):
        body = {"reason": "staff", "text": text, "email": email, "fill_ms": 9000}
        assert api.call("POST", "/feedback/site", body, key=None)[0] == 202


def test_export_hands_over_everything_held_and_changes_nothing(api: Api) -> None:
    anna_with_a_past(api)
    token = sign(api, Purpose.PREFERENCES, "c1")
    status, data, headers = api.call("POST", "/preferences/export", {"token": token}, key=None)
    assert status == 200, data
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert data["customer"]["email"] == "anna@example.com"
    assert [c["ip"] for c in data["consents"]] == ["203.0.113.9"]
    assert [o["order_id"] for o in data["orders"]] == ["T-9"]
    assert data["ledger"]
    assert data["points"]["total"] > 0
    assert [f["text"] for f in data["feedback"]] == ["Грубили"]
    assert [(f["text"], f["reply_to"]) for f in data["site_feedback"]] == [
        ("Снова грубили", "anna@example.com")
    ]
    assert [(e["kind"], e["email"]) for e in data["mail_events"]] == [
        ("delivery", "anna@example.com")
    ]
    # The thank-you for her purchase, once the courier sent it.
    assert [(a["email"], a["occasion"], a["status"]) for a in data["automatic_emails"]] == [
        ("thank_you", "T-9", "sent")
    ]
    assert api.app.store.customer("c1") is not None


def test_delete_erases_the_person_and_the_books_keep_the_figures(api: Api) -> None:
    anna_with_a_past(api)
    store = api.app.store
    token = sign(api, Purpose.PREFERENCES, "c1")
    body = {"token": token, "understood": True}
    status, answer, headers = api.call("POST", "/preferences/delete", body, key=None)
    assert (status, answer) == (200, {"status": "erased"})
    assert headers["Referrer-Policy"] == "no-referrer"
    assert store.customer("c1") is None
    assert store.customer_by_email("anna@example.com") is None
    assert store.customer_by_code("ANNA2345") is None
    assert store.consents("c1") == []
    assert store.feedback("c1") == []
    assert store.site_feedback("anna@example.com") == []
    assert [f.text for f in store.site_feedback("vera@example.com")] == ["Долго"]
    assert [event.email for event in store.mail_events("c1")] == [""]
    assert store.order_owner("T-9") == "c1"  # the order stays, under an id that leads nowhere
    # Pressing again (a lost answer, a second tab) is harmless.
    assert api.call("POST", "/preferences/delete", body, key=None)[:2] == (200, answer)
    # The erased customer's links answer as a stranger's do.
    for token_of in ("c1", "c-never"):
        link = sign(api, Purpose.PREFERENCES, token_of)
        status, refusal, _ = api.call("POST", "/preferences/export", {"token": link}, key=None)
        assert (status, refusal["error"]["code"]) == (404, "unknown_customer")
        assert api.call("GET", f"/preferences?t={link}", key=None)[0] == 404
        status, answer, _ = api.call(
            "POST", "/preferences/delete", {**body, "token": link}, key=None
        )
        assert (status, answer) == (200, {"status": "erased"})
    # The address is free: signing up again makes a new customer.
    store.add_customer(Customer("c2", "anna@example.com", NOW))
    assert api.call("POST", "/preferences/delete", body, key=None)[0] == 200
    assert store.customer_by_email("anna@example.com") is not None


def test_delete_needs_the_box_ticked_and_a_good_link(api: Api) -> None:
    good = sign(api, Purpose.PREFERENCES, "c1")
    expired = sign(api, Purpose.PREFERENCES, "c1", days=-1)
    points = sign(api, Purpose.POINTS, "c1")
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    refused = [
        ({"token": good}, 422, "understood"),
        ({"token": good, "understood": False}, 422, "understood"),
        ({"token": good, "understood": True, "also": 1}, 422, "also"),
        ({"understood": True}, 422, "token"),
        ({"token": expired, "understood": True}, 410, "token"),
        ({"token": points, "understood": True}, 403, "token"),
        ({"token": tampered, "understood": True}, 403, "token"),
    ]
    for body, status, field in refused:
        answer = api.call("POST", "/preferences/delete", body, key=None)
        assert (answer[0], answer[1]["error"]["field"]) == (status, field), body
    assert api.call("POST", "/preferences/delete", "{not json", key=None)[0] == 400
    assert api.app.store.customer("c1") is not None


def test_export_refuses_bad_links_and_unknown_fields(api: Api) -> None:
    expired = sign(api, Purpose.PREFERENCES, "c1", days=-1)
    feedback = sign(api, Purpose.FEEDBACK, "c1")
    for body, status in [
        ({"token": expired}, 410),
        ({"token": feedback}, 403),
        ({"token": "nonsense"}, 403),
        ({"token": sign(api, Purpose.PREFERENCES, "c1"), "format": "csv"}, 422),
        ({}, 422),
    ]:
        assert api.call("POST", "/preferences/export", body, key=None)[0] == status, body
