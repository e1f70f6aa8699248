"""The preferences page's routes: read and change my settings, pause the newsletter."""

from __future__ import annotations

from datetime import date, timedelta

from stampbook.api.public import mailer
from stampbook.audience.consent import ConsentRecord, ConsentStatus, current_status
from stampbook.mail.tokens import Purpose
from stampbook.records.customers import Customer

from .conftest import NOW, Api
from .test_subscriptions import sign


def confirmed(api: Api, customer_id: str = "c1") -> None:
    api.app.store.record_consent(customer_id, ConsentRecord(ConsentStatus.CONFIRMED, NOW, "test"))


def me(api: Api) -> Customer:
    customer = api.app.store.customer("c1")
    assert customer is not None
    return customer


def status_of(api: Api) -> ConsentStatus | None:
    return current_status(api.app.store.consents("c1"))


def test_the_link_shows_my_settings_and_changes_nothing(api: Api) -> None:
    confirmed(api)
    token = sign(api, Purpose.PREFERENCES, "c1")
    status, settings, headers = api.call("GET", f"/preferences?t={token}", key=None)
    assert status == 200
    assert headers["Referrer-Policy"] == "no-referrer"
    assert settings == {
        "locale": "ru",  # none chosen yet: the programme's default
        "interests": [],
        "birthday": None,
        "marketing": True,
        "status": "confirmed",
    }
    assert len(api.app.store.consents("c1")) == 1


def test_language_and_interests_change_to_what_the_programme_offers(api: Api) -> None:
    token = sign(api, Purpose.PREFERENCES, "c1")
    body = {"token": token, "locale": "en", "interests": ["tea", "espresso", "tea"]}
    status, settings, _ = api.call("POST", "/preferences", body, key=None)
    assert status == 200
    assert (settings["locale"], settings["interests"]) == ("en", ["tea", "espresso"])
    customer = api.app.store.customer("c1")
    assert customer is not None
    assert (customer.locale, customer.interests) == ("en", ("tea", "espresso"))


def test_a_language_or_interest_not_offered_is_refused_and_nothing_changes(api: Api) -> None:
    token = sign(api, Purpose.PREFERENCES, "c1")
    before = api.app.store.customer("c1")
    status, refusal, _ = api.call(
        "POST", "/preferences", {"token": token, "locale": "de"}, key=None
    )
    assert (status, refusal["error"]["field"]) == (422, "locale")
    body = {"token": token, "interests": ["tea", "golf"]}
    status, refusal, _ = api.call("POST", "/preferences", body, key=None)
    assert (status, refusal["error"]["field"]) == (422, "interests.1")
    body = {"token": token, "colour": "blue"}
    status, refusal, _ = api.call("POST", "/preferences", body, key=None)
    assert (status, refusal["error"]["field"]) == (422, "colour")
    assert api.app.store.customer("c1") == before


def test_a_new_birthday_starts_the_wait_and_the_same_one_keeps_it(api: Api) -> None:
    token = sign(api, Purpose.PREFERENCES, "c1")
    body = {"token": token, "birthday": "1990-11-30"}
    assert api.call("POST", "/preferences", body, key=None)[0] == 200
    customer = api.app.store.customer("c1")
    assert customer is not None
    assert (customer.birthday, customer.birthday_set_at) == (date(1990, 11, 30), NOW)
    # A week from now, a birthday in a week would not pay: it is known for days only.
    later = NOW + timedelta(days=7)
    api.app.loyalty.clock = lambda: later
    api.call("POST", "/preferences", body, key=None)
    assert me(api).birthday_set_at == NOW  # the same date: wait kept
    api.call("POST", "/preferences", {**body, "birthday": "1990-12-01"}, key=None)
    assert me(api).birthday_set_at == later
    status, settings, _ = api.call("POST", "/preferences", {**body, "birthday": None}, key=None)
    assert (status, settings["birthday"]) == (200, None)
    assert (me(api).birthday, me(api).birthday_set_at) == (None, None)


def test_pausing_stops_marketing_at_send_time_and_resuming_brings_it_back(api: Api) -> None:
    confirmed(api)
    token = sign(api, Purpose.PREFERENCES, "c1")
    body = {"token": token, "marketing": False}
    status, settings, _ = api.call("POST", "/preferences", body, key=None)
    assert (status, settings["marketing"], settings["status"]) == (200, False, "paused")
    customer = me(api)
    sender = mailer()
    assert sender.send("welcome", customer) is False  # marketing: not to a paused customer
    assert sender.send("your_points", customer, sender.reader(customer)) is True  # transactional
    records = api.app.store.consents("c1")
    assert (records[-1].form, records[-1].ip) == ("site:preferences", "127.0.0.1")
    api.call("POST", "/preferences", {**body, "marketing": True}, key=None)
    assert status_of(api) is ConsentStatus.CONFIRMED
    assert sender.send("welcome", customer) is True


def test_ticking_marketing_never_confirms_someone_who_did_not_opt_in(api: Api) -> None:
    token = sign(api, Purpose.PREFERENCES, "c1")
    api.app.store.record_consent("c1", ConsentRecord(ConsentStatus.UNSUBSCRIBED, NOW, "test"))
    body = {"token": token, "marketing": True}
    status, settings, _ = api.call("POST", "/preferences", body, key=None)
    assert (status, settings["marketing"], settings["status"]) == (200, False, "unsubscribed")
    assert status_of(api) is ConsentStatus.UNSUBSCRIBED


def test_foreign_expired_and_tampered_links_change_nothing(api: Api) -> None:
    expired = sign(api, Purpose.PREFERENCES, "c1", days=-1)
    points = sign(api, Purpose.POINTS, "c1")
    good = sign(api, Purpose.PREFERENCES, "c1")
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    for token, expected in [(expired, 410), (points, 403), (tampered, 403)]:
        assert api.call("GET", f"/preferences?t={token}", key=None)[0] == expected
        body = {"token": token, "locale": "en"}
        assert api.call("POST", "/preferences", body, key=None)[0] == expected
    assert api.call("GET", "/preferences", key=None)[0] == 400
    assert me(api).locale is None


def test_a_link_for_nobody_we_know_leads_nowhere(api: Api) -> None:
    token = sign(api, Purpose.PREFERENCES, "c-gone")
    status, refusal, _ = api.call("GET", f"/preferences?t={token}", key=None)
    assert (status, refusal["error"]["code"]) == (404, "unknown_customer")
    body = {"token": token, "marketing": False}
    assert api.call("POST", "/preferences", body, key=None)[0] == 404
