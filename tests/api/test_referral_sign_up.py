"""A friend's referral code at sign-up: checked at once, recorded only on confirmation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from .conftest import Api, link_token, text_of
from .test_subscriptions import form


def confirm(api: Api, mail_index: int = 0) -> None:
    """Confirm from the confirmation email (the first, unless told otherwise)."""
    confirmations = [m for m in api.outbox if "confirm/" in text_of(m)]
    token = link_token(confirmations[mail_index], "confirm/")
    status, body, _ = api.call("POST", "/subscribe/confirm", {"token": token}, key=None)
    assert (status, body) == (200, {"status": "confirmed"})


def test_the_referrer_is_recorded_when_the_address_is_confirmed_not_before(api: Api) -> None:
    status, _, _ = api.call("POST", "/subscribe", form(ref=" anna2345 "), key=None)
    assert status == 202
    boris = api.app.store.customer_by_email("boris@example.com")
    assert boris is not None
    # Unconfirmed: nobody is referred yet, so no nightly run could pay anyone.
    assert (boris.referred_by, boris.invited_by) == (None, "c1")
    assert api.app.store.history(boris.customer_id).referred_by is None

    confirm(api)

    assert api.app.store.history(boris.customer_id).referred_by == "c1"


@pytest.mark.parametrize(
    ("locale", "words"), [("ru", "Такого кода приглашения нет"), ("en", "We do not know")]
)
def test_an_unknown_code_is_refused_in_the_readers_language_and_nothing_is_stored(
    api: Api, locale: str, words: str
) -> None:
    status, body, _ = api.call("POST", "/subscribe", form(ref="NOSUCH22", locale=locale), key=None)
    assert status == 404
    assert body["error"]["code"] == "unknown_referral_code"
    assert body["error"]["field"] == "ref"
    assert body["error"]["message"].startswith(words)
    assert api.app.store.customer_by_email("boris@example.com") is None
    assert api.outbox == []


def test_a_code_given_for_a_known_customer_refers_nobody(api: Api) -> None:
    # Anna is in the file already; Clara's code on a form with Anna's address changes nothing.
    known = api.app.store.customer("c1")
    assert known is not None
    clara = replace(known, customer_id="c2", email="clara@example.com", referral_code="CLARA234")
    api.app.store.add_customer(clara)
    status, _, _ = api.call(
        "POST", "/subscribe", form("anna@example.com", ref="CLARA234"), key=None
    )
    assert status == 202
    confirm(api)
    anna = api.app.store.customer("c1")
    assert anna is not None
    assert (anna.referred_by, anna.invited_by) == (None, None)


def test_a_second_confirmation_keeps_the_first_referrer(api: Api) -> None:
    api.call("POST", "/subscribe", form(ref="ANNA2345"), key=None)
    confirm(api)
    boris = api.app.store.customer_by_email("boris@example.com")
    assert boris is not None
    assert api.app.store.refer(boris.customer_id, "someone-else") is False
    confirm(api)  # the link again: still confirmed, still Anna's referral
    assert api.app.store.history(boris.customer_id).referred_by == "c1"


def test_nobody_refers_their_own_mailbox(api: Api) -> None:
    # Anna signs up another address of her own mailbox with her own code.
    api.call("POST", "/subscribe", form("anna+coffee@example.com", ref="ANNA2345"), key=None)
    confirm(api)
    twin = api.app.store.customer_by_email("anna+coffee@example.com")
    assert twin is not None
    assert twin.invited_by == "c1"
    assert api.app.store.history(twin.customer_id).referred_by is None


def test_a_referrer_erased_before_the_confirmation_refers_nobody(api: Api) -> None:
    api.call("POST", "/subscribe", form(ref="ANNA2345"), key=None)
    assert api.app.store.erase_customer("c1") is True
    confirm(api)
    boris = api.app.store.customer_by_email("boris@example.com")
    assert boris is not None
    assert api.app.store.history(boris.customer_id).referred_by is None
