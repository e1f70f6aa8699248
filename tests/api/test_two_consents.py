"""Joining the programme and receiving the newsletter are two consents, asked apart."""

from __future__ import annotations

from decimal import Decimal

from stampbook.audience.consent import ConsentStatus, current_status
from stampbook.bootstrap import open_keyring
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.mail.transports.outbox import Outbox
from stampbook.services.campaigns import Campaigns
from stampbook.store.sends import SendStore

from .conftest import NOW, Api, link_token
from .test_subscriptions import form

ISSUE = "2026-12-winter-lots"


def _joined(api: Api, email: str, **changes: object) -> str:
    assert api.call("POST", "/subscribe", form(email, **changes), key=None)[0] == 202
    mail = [m for m in api.outbox if m["To"].addresses[0].addr_spec == email][-1]
    token = link_token(mail, "confirm/")
    status, body, _ = api.call("POST", "/subscribe/confirm", {"token": token}, key=None)
    assert status == 200, body
    customer = api.app.store.customer_by_email(email)
    assert customer is not None
    return customer.customer_id


def _to(api: Api, email: str) -> list[str]:
    return [str(m["Subject"]) for m in api.outbox if m["To"].addresses[0].addr_spec == email]


def test_joining_without_the_newsletter_makes_a_member_who_gets_no_marketing(api: Api) -> None:
    member = _joined(api, "vera@example.com", terms=True, consent=False)
    fan = _joined(api, "gleb@example.com", terms=True, consent=True)
    assert current_status(api.app.store.consents(member)) is ConsentStatus.MEMBER
    assert current_status(api.app.store.consents(fan)) is ConsentStatus.CONFIRMED
    # The newsletter goes to who asked for it.
    store = api.app.store
    assert isinstance(store, SendStore)
    campaigns = Campaigns.of(api.app.programme, api.app.loyalty, api.app.settings.mail)
    campaigns.start(ISSUE, ignore_send_at=True)
    outbox = api.app.settings.mail.outbox
    campaigns.send(ISSUE, open_keyring(api.app.settings), lambda: Outbox(outbox))
    assert "Зимние лоты уже в обжарке" in _to(api, "gleb@example.com")
    assert "Зимние лоты уже в обжарке" not in _to(api, "vera@example.com")
    # A purchase's thank-you is about her account: it goes to the member too.
    line = OrderLine("1", "beans", Decimal(900))
    api.app.loyalty.record_purchase(member, Order("V-1", NOW, "RUB", (line,)))
    from stampbook.services.courier import deliver_owed

    deliver_owed(api.app.emails)
    assert "Спасибо за покупку!" in _to(api, "vera@example.com")
    # The welcome is a marketing email: for the one who asked for the newsletter.
    welcome = "Добро пожаловать в «Медную турку», Борис!"  # the form's name
    assert welcome in _to(api, "gleb@example.com")
    assert not any(
        subject.startswith("Добро пожаловать") for subject in _to(api, "vera@example.com")
    )


def test_the_confirmation_record_says_which_consent_was_given(api: Api) -> None:
    member = _joined(api, "vera@example.com", terms=True, consent=False)
    asked, confirmed = api.app.store.consents(member)
    assert (asked.status, asked.form) == (ConsentStatus.UNCONFIRMED, "site:join")
    assert confirmed.status is ConsentStatus.MEMBER


def test_without_the_terms_nobody_joins_and_the_reason_is_in_the_readers_language(
    api: Api,
) -> None:
    status, body, _ = api.call(
        "POST", "/subscribe", form("vera@example.com", terms=False, consent=False), key=None
    )
    assert status == 422
    assert body["error"] == {
        "code": "terms_required",
        "message": "Чтобы вступить в программу, примите её условия.",
        "field": "terms",
    }
    assert api.app.store.customer_by_email("vera@example.com") is None
    assert api.outbox == []


def test_a_member_who_later_wants_the_newsletter_confirms_it(api: Api) -> None:
    member = _joined(api, "vera@example.com", terms=True, consent=False)
    _joined(api, "vera@example.com", terms=True, consent=True)
    assert current_status(api.app.store.consents(member)) is ConsentStatus.CONFIRMED
