"""The member page's answer for the example's Anna, in her words: what the page shows."""

from __future__ import annotations

from typing import Any

import pytest

from stampbook.mail.tokens import Purpose
from tests.support.paths import EXAMPLE
from tests.support.story import EVENING, tell_the_story

from .conftest import Api, link_token
from .test_subscriptions import sign

NBSP = "\u00a0"


@pytest.fixture
def anna(api: Api, monkeypatch: pytest.MonkeyPatch) -> str:
    """The example's story (`make demo`): her year of purchases, and the night's run."""
    settings = api.app.settings
    for name, value in {
        "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
        "STAMPBOOK_DB": str(settings.database),
        "STAMPBOOK_SIGNING_KEY_FILE": str(settings.mail.key_file),
        "STAMPBOOK_OUTBOX": str(settings.mail.outbox),
        "STAMPBOOK_NOW": EVENING,
    }.items():
        monkeypatch.setenv(name, value)
    tell_the_story()
    customer = api.app.store.customer_by_email("anna.petrova@example.com")
    assert customer is not None
    return customer.customer_id


def page(api: Api, customer_id: str, language: str) -> dict[str, Any]:
    token = sign(api, Purpose.POINTS, customer_id)
    status, answer, _ = api.call(
        "GET", f"/points?t={token}", key=None, **{"Accept-Language": language}
    )
    assert status == 200, answer
    return dict(answer["shown"])


def test_annas_page_in_russian_has_her_real_numbers_in_her_words(api: Api, anna: str) -> None:
    shown = page(api, anna, "ru")
    assert shown["available"] == f"1{NBSP}636"
    assert shown["balance"] == f"1{NBSP}636 баллов"
    assert shown["tier"] == "Ваш уровень: Завсегдатай"
    assert shown["next_tier"] == f"До уровня «Знаток» осталось потратить 18{NBSP}920,00{NBSP}₽"
    assert 0 < shown["progress"] < 1
    (certificate,) = shown["certificates"]
    assert certificate["value"] == f"2{NBSP}500,00{NBSP}₽"
    assert certificate["until"].startswith("действует до ")
    assert certificate["until"].endswith("2027\u202fг.")
    assert shown["rewards"]  # what 1 636 points buy now
    assert all(
        reward["points"].endswith(("балл", "балла", "баллов")) for reward in shown["rewards"]
    )
    first = shown["history"][-1]  # oldest last
    assert (first["what"], first["points"][0]) == ("Покупка", "+")
    assert first["order"]
    assert shown["card_code"]
    # Her card as a QR code for the till's scanner, drawn here (no image fetched).
    assert shown["card_qr"].startswith('<svg width="')
    assert f"<title>Ваш номер карты: {shown['card_code']}</title>" in shown["card_qr"]
    assert shown["referral_url"] == (
        f"https://mednaya-turka.example/signup/?ref={shown['card_code']}"
    )


def test_the_same_page_in_english_is_in_english(api: Api, anna: str) -> None:
    shown = page(api, anna, "en")
    assert shown["balance"] == "1,636 points"
    assert shown["next_tier"] == f"Spend RUB{NBSP}18,920.00 more to reach Connoisseur"
    assert shown["history"][-1]["what"] == "Purchase"
    assert shown["referral_url"].startswith("https://mednaya-turka.example/en/signup/?ref=")


def test_a_language_the_programme_does_not_offer_falls_back_to_hers(api: Api, anna: str) -> None:
    assert page(api, anna, "de")["balance"] == f"1{NBSP}636 баллов"


def test_each_kind_of_entry_is_said_in_every_language() -> None:
    from stampbook.loyalty.ledger import EntryKind
    from stampbook.programme import load_programme
    from stampbook.sitegen.words import site_words

    programme = load_programme(EXAMPLE)
    for language in ("ru", "en", "bg", "hy"):
        words = site_words(programme, language)
        for kind in EntryKind:
            assert words(f"member.entry.{kind.value}").strip()


def test_her_page_sends_the_settings_link_to_her_address_never_to_the_page(
    api: Api, anna: str
) -> None:
    token = sign(api, Purpose.POINTS, anna)
    before = len(api.outbox)
    status, body, _ = api.call("POST", "/points", {"token": token}, key=None)
    assert (status, body) == (202, {"status": "accepted"})
    [mail] = api.outbox[before:]
    assert mail["To"].addresses[0].addr_spec == "anna.petrova@example.com"
    assert link_token(mail, "preferences/")  # her settings, by email
    assert "preferences" not in str(body)
    status, body, _ = api.call("POST", "/points", {"token": token + "x"}, key=None)
    assert (status, body["error"]["code"]) == (403, "invalid_token")
