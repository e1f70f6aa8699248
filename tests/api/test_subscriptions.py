"""Sign-up with double opt-in, confirmation and unsubscribing, through the HTTP API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from stampbook.audience.consent import ConsentRecord, ConsentStatus, current_status
from stampbook.mail.tokens import Purpose
from stampbook.services.automations import Fired
from stampbook.services.courier import Courier

from .conftest import NOW, Api, link_token, text_of


def form(email: str = "boris@example.com", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": email,
        "name": "Борис",
        "locale": "ru",
        "interests": ["espresso"],
        "consent": True,
        "consent_version": "2026-11-01",
        "website": "",
        "fill_ms": 9000,
    }
    body.update(changes)
    return body


def status_of(api: Api, email: str) -> ConsentStatus | None:
    customer = api.app.store.customer_by_email(email)
    assert customer is not None
    return current_status(api.app.store.consents(customer.customer_id))


def sign(api: Api, purpose: Purpose, subject: str, **lifetime: int) -> str:
    from stampbook.api.public import mailer

    span = timedelta(**lifetime) if lifetime else None
    return mailer().keyring.sign(purpose, subject, NOW, span)


def test_a_sign_up_is_accepted_and_a_confirmation_email_with_a_signed_link_follows(
    api: Api,
) -> None:
    status, body, _ = api.call(
        "POST", "/subscribe", form(email="Boris@Example.COM"), key=None, **{"User-Agent": "Fx/1"}
    )
    assert (status, body) == (202, {"status": "accepted"})
    customer = api.app.store.customer_by_email("boris@example.com")
    assert customer is not None
    assert (customer.name, customer.locale, customer.interests) == ("Борис", "ru", ("espresso",))
    [record] = api.app.store.consents(customer.customer_id)
    assert record == ConsentRecord(
        ConsentStatus.UNCONFIRMED, NOW, "site:subscribe", "2026-11-01", "127.0.0.1", "Fx/1"
    )
    [mail] = api.outbox
    assert mail["To"].addresses[0].addr_spec == "boris@example.com"
    token = link_token(mail, "confirm/")
    assert api.app.store.customer_by_email("boris@example.com") is not None
    assert "List-Unsubscribe" not in mail  # transactional, not marketing
    assert len(token) > 20


def test_the_answer_is_the_same_for_new_known_and_confirmed_addresses(api: Api) -> None:
    answers = [api.call("POST", "/subscribe", form(), key=None)[:2]]
    token = link_token(api.outbox[0], "confirm/")
    api.call("POST", "/subscribe/confirm", {"token": token}, key=None)
    answers.append(api.call("POST", "/subscribe", form(), key=None)[:2])  # confirmed now
    answers.append(api.call("POST", "/subscribe", form("anna@example.com"), key=None)[:2])
    assert answers == [(202, {"status": "accepted"})] * 3
    # A known customer's profile is not rewritten by a form anyone can fill in.
    anna = api.app.store.customer_by_email("anna@example.com")
    assert anna is not None
    assert (anna.name, anna.interests) == ("Анна", ())


def test_at_most_one_confirmation_email_per_address_per_hour(api: Api) -> None:
    for _ in range(4):
        assert api.call("POST", "/subscribe", form(), key=None)[0] == 202
    assert len(api.outbox) == 1
    api.call("POST", "/subscribe", form("clara@example.com"), key=None)
    assert len(api.outbox) == 2  # another address is not held back


def test_the_hold_lasts_an_hour_across_processes_because_it_is_stored(api: Api) -> None:
    from stampbook.services.limits import once_per

    hour_later = NOW + timedelta(hours=1)
    key = api.app.mailer.keyring.limits_key()
    assert once_per(api.app.store, "confirmation-mail", "x@example.com", 3600, NOW, key)
    assert not once_per(api.app.store, "confirmation-mail", "x@example.com", 3600, NOW, key)
    assert once_per(api.app.store, "confirmation-mail", "x@example.com", 3600, hour_later, key)


@pytest.mark.parametrize("bot", [{"website": "http://spam.example"}, {"fill_ms": 400}])
def test_bots_get_the_normal_answer_and_nothing_is_stored_or_sent(
    api: Api, bot: dict[str, Any]
) -> None:
    status, body, _ = api.call("POST", "/subscribe", form(**bot), key=None)
    assert (status, body) == (202, {"status": "accepted"})
    assert api.app.store.customer_by_email("boris@example.com") is None
    assert api.outbox == []


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"email": "not-an-address"}, "invalid_email", "email"),
        ({"email": "boris@ex_ample.com"}, "invalid_email", "email"),  # the mailer refuses it
        ({"email": "boris.@example.com"}, "invalid_email", "email"),
        ({"consent": False}, "terms_required", "terms"),  # neither box: nobody joins
        ({"locale": "de"}, "invalid", "locale"),
        ({"interests": ["tea-ceremony"]}, "invalid", "interests.0"),
        ({"name": "Win <b>big</b>"}, "invalid", "name"),
        ({"name": "see https://spam.example"}, "invalid", "name"),
        ({"fill_ms": "soon"}, "invalid", "fill_ms"),
        ({"birthday": "31.02.1990"}, "invalid", "birthday"),
        ({"admin": True}, "invalid", "admin"),
    ],
)
def test_bad_sign_ups_are_refused_and_change_nothing(
    api: Api, changes: dict[str, Any], code: str, field: str
) -> None:
    status, body, _ = api.call("POST", "/subscribe", form(**changes), key=None)
    assert status == 422
    assert (body["error"]["code"], body["error"]["field"]) == (code, field)
    assert api.app.store.customer_by_email("boris@example.com") is None
    assert api.outbox == []


def test_malformed_and_oversize_bodies_are_4xx(api: Api) -> None:
    assert api.call("POST", "/subscribe", "{nope", key=None)[0] == 400
    assert api.call("POST", "/subscribe", "x" * 70_000, key=None)[0] == 413
    status, body, _ = api.call(
        "POST", "/subscribe", "email=a", key=None, **{"Content-Type": "text/plain"}
    )
    assert (status, body["error"]["code"]) == (415, "unsupported_media_type")


def test_confirming_records_the_time_and_sends_the_welcome_once(api: Api) -> None:
    api.call("POST", "/subscribe", form(), key=None)
    assert api.sent == []  # the confirmation is owed, not sent while the reader waits
    token = link_token(api.outbox[0], "confirm/")
    for _ in range(2):
        status, body, headers = api.call("POST", "/subscribe/confirm", {"token": token}, key=None)
        assert (status, body) == (200, {"status": "confirmed"})
        assert headers["Referrer-Policy"] == "no-referrer"
    assert status_of(api, "boris@example.com") is ConsentStatus.CONFIRMED
    assert len(api.sent) == 1  # the welcome is owed, too
    assert Courier(api.app.emails).deliver_due() == {Fired.SENT: 1}
    mails = api.sent
    assert len(mails) == 2
    welcome = mails[1]
    assert "Борис" in welcome["Subject"]
    assert "List-Unsubscribe" in welcome  # marketing: one-click unsubscribe
    customer = api.app.store.customer_by_email("boris@example.com")
    assert customer is not None
    confirmed = [r for r in api.app.store.consents(customer.customer_id) if r.status == "confirmed"]
    assert [(r.at, r.text_version) for r in confirmed] == [(NOW, "2026-11-01")]


def test_get_on_a_confirm_link_changes_nothing(api: Api) -> None:
    api.call("POST", "/subscribe", form(), key=None)
    token = link_token(api.outbox[0], "confirm/")
    status, body, headers = api.call("GET", f"/subscribe/confirm?t={token}", key=None)
    assert status == 200
    assert (body["action"], body["method"]) == ("confirm", "POST")
    assert headers["Referrer-Policy"] == "no-referrer"
    assert status_of(api, "boris@example.com") is ConsentStatus.UNCONFIRMED
    assert len(api.outbox) == 1


@pytest.mark.parametrize("route", ["/subscribe/confirm", "/unsubscribe"])
def test_tampered_expired_and_foreign_tokens_are_refused(api: Api, route: str) -> None:
    purpose = Purpose.CONFIRM if route == "/subscribe/confirm" else Purpose.UNSUBSCRIBE
    good = sign(api, purpose, "c1")
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    expired = sign(api, purpose, "c1", seconds=-1)
    foreign = sign(api, Purpose.POINTS, "c1")
    for token, code in [
        (tampered, (403, "invalid_token")),
        (foreign, (403, "invalid_token")),
        ("garbage", (403, "invalid_token")),
        (expired, (410, "expired_token")),
    ]:
        for method, path, body in [
            ("POST", route, {"token": token}),
            ("GET", f"{route}?t={token}", None),
        ]:
            status, answer, _ = api.call(method, path, body, key=None)
            assert (status, answer["error"]["code"]) == code, (method, token)
    assert api.app.store.consents("c1") == []
    assert api.call("GET", route, key=None)[1]["error"]["code"] == "token_required"


def confirmed_anna(api: Api) -> str:
    api.app.store.record_consent("c1", ConsentRecord(ConsentStatus.CONFIRMED, NOW, "test"))
    return sign(api, Purpose.UNSUBSCRIBE, "c1")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"),
        (
            "multipart/form-data; boundary=XyZ",
            '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
            "One-Click\r\n--XyZ--\r\n",
        ),
    ],
)
def test_one_click_unsubscribe_in_both_encodings_is_immediate_and_idempotent(
    api: Api, content_type: str, body: str
) -> None:
    token = confirmed_anna(api)
    for _ in range(2):
        response = api.client.http.post(
            f"/unsubscribe/one-click?t={token}", headers={"Content-Type": content_type}, body=body
        )
        assert response.status_code == 200  # no redirect
        assert "Location" not in response.headers
        assert "Set-Cookie" not in response.headers
        assert response.body == b'{"status": "unsubscribed"}'
    records = api.app.store.consents("c1")
    assert [r.status for r in records] == ["confirmed", "unsubscribed"]
    assert records[-1].form == "one-click"


def test_one_click_refuses_json_and_bad_tokens(api: Api) -> None:
    token = confirmed_anna(api)
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    refused = api.client.http.post(
        f"/unsubscribe/one-click?t={token}",
        headers={"Content-Type": "application/json"},
        body="{}",
    )
    assert refused.status_code == 415
    bad = api.client.http.post(
        "/unsubscribe/one-click?t=k1.u.zzz.YzE.AAAA",
        headers=form_type,
        body="List-Unsubscribe=One-Click",
    )
    assert bad.status_code == 403
    assert status_of(api, "anna@example.com") is ConsentStatus.CONFIRMED


def test_the_site_button_unsubscribes_and_the_link_works_for_months(api: Api) -> None:
    confirmed_anna(api)
    token = sign(api, Purpose.UNSUBSCRIBE, "c1")
    status, body, _ = api.call("GET", f"/unsubscribe?t={token}", key=None)
    assert (status, body["action"]) == (200, "unsubscribe")
    assert status_of(api, "anna@example.com") is ConsentStatus.CONFIRMED  # GET changed nothing
    from stampbook.mail.tokens import LIFETIMES

    assert LIFETIMES[Purpose.UNSUBSCRIBE] >= timedelta(days=60)
    status, body, _ = api.call("POST", "/unsubscribe", {"token": token}, key=None)
    assert (status, body) == (200, {"status": "unsubscribed"})
    assert status_of(api, "anna@example.com") is ConsentStatus.UNSUBSCRIBED


def test_after_unsubscribing_transactional_mail_goes_out_and_marketing_does_not(api: Api) -> None:
    from stampbook.api.public import mailer

    confirmed_anna(api)
    token = sign(api, Purpose.UNSUBSCRIBE, "c1")
    api.call("POST", "/unsubscribe", {"token": token}, key=None)
    anna = api.app.store.customer("c1")
    assert anna is not None
    assert not mailer().send("welcome", anna)
    assert mailer().send("your_points", anna)
    [mail] = api.outbox
    assert "/points/?t=" in text_of(mail)


def test_a_confirm_link_after_unsubscribing_does_not_resubscribe(api: Api) -> None:
    api.call("POST", "/subscribe", form(), key=None)
    confirm_token = link_token(api.outbox[0], "confirm/")
    customer = api.app.store.customer_by_email("boris@example.com")
    assert customer is not None
    unsubscribe = sign(api, Purpose.UNSUBSCRIBE, customer.customer_id)
    api.call("POST", "/unsubscribe", {"token": unsubscribe}, key=None)
    status, body, _ = api.call("POST", "/subscribe/confirm", {"token": confirm_token}, key=None)
    assert (status, body) == (200, {"status": "unsubscribed"})
    assert len(api.outbox) == 1  # no welcome


@pytest.mark.parametrize("status", [ConsentStatus.PAUSED, ConsentStatus.CONFIRMED])
def test_signing_a_subscriber_up_again_only_tells_them_where_to_manage_it(
    api: Api, status: ConsentStatus
) -> None:
    api.app.store.record_consent("c1", ConsentRecord(ConsentStatus.CONFIRMED, NOW, "test"))
    api.app.store.record_consent("c1", ConsentRecord(status, NOW, "test"))
    for _ in range(2):
        assert api.call("POST", "/subscribe", form("anna@example.com"), key=None)[:2] == (
            202,
            {"status": "accepted"},
        )
    assert status_of(api, "anna@example.com") is status  # never lowered by a stranger
    [told] = api.outbox  # one an hour, like a confirmation; nothing to confirm
    assert told["To"] == "Анна <anna@example.com>"
    assert told["Subject"].startswith("Вы уже в программе")  # in her language
    preferences = link_token(told, "preferences/")
    assert api.call("GET", f"/preferences?t={preferences}", key=None)[0] == 200
    assert "confirm/" not in text_of(told)


def test_plus_addresses_of_one_mailbox_get_one_confirmation_between_them(api: Api) -> None:
    for n in range(10):
        assert api.call("POST", "/subscribe", form(f"victim+{n}@example.org"), key=None)[0] in (
            202,
            429,
        )
    assert len(api.outbox) == 1  # one mailbox, one confirmation an hour
    statuses = [
        api.call("POST", "/subscribe", form(f"v.i.c.t.i.m+{n}@gmail.com"), key=None)[0]
        for n in range(7)
    ]
    assert statuses[:5] == [202] * 5
    assert set(statuses[5:]) == {429}  # the address limit counts the mailbox
    assert len(api.outbox) == 2
