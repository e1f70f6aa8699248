"""Automatic emails of the nightly run: certificates, expiring points, birthdays,
holidays, win-back. Each once per occasion, in the customer's language, only
with the consent its kind needs, and not again when the run repeats (also two
runs at once); on a real SQLite file, read back from the outbox."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from stampbook.audience.consent import ConsentStatus
from stampbook.loyalty.ledger import EntryKind
from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.services.automations import EMAILS_PER_BATCH, AutomaticEmails
from tests.support.outbox import text_of
from tests.support.refusing import Refusing
from tests.support.shop import Shop, own_campaigns

MOSCOW = ZoneInfo("Europe/Moscow")


def night(day: date) -> datetime:
    """Half past midnight in the shop's town: when the nightly run goes."""
    return datetime(day.year, day.month, day.day, 0, 30, tzinfo=MOSCOW)


def run_nightly(shop: Shop, day: date, times: int = 2) -> None:
    """As `stampbook daily` runs it: the loyalty run, then what purchases still owe."""
    shop.now = night(day)
    for _ in range(times):
        shop.app.loyalty.run_daily()
        shop.deliver()


def test_points_about_to_expire_are_announced_once_per_expiry(tmp_path: Path) -> None:
    shop = Shop(tmp_path, datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
    shop.customer("anna", "ru")
    shop.customer("bob", "en")
    shop.customer("carl", "ru", consent=ConsentStatus.UNCONFIRMED)
    for person in ("anna", "bob", "carl"):
        shop.purchase(person, f"{person}-1", 900)
    run_nightly(shop, date(2026, 12, 10))  # a day before the 30-day warning window
    assert ("points_expiring", "2027-01-10") not in shop.sent("anna")
    for day in (date(2026, 12, 15), date(2026, 12, 16)):
        run_nightly(shop, day)

    assert shop.subjects("anna@example.com").count("90 баллов скоро сгорят") == 1
    assert shop.subjects("bob@example.com").count("90 points expire soon") == 1
    [warning] = [m for m in shop.mail("bob@example.com") if "expire" in str(m["Subject"])]
    assert "Visit us before January 10, 2027 to keep your points." in text_of(warning)
    assert "List-Unsubscribe" in warning  # marketing
    assert ("points_expiring", "2027-01-10") in shop.sent("anna")
    assert not any(kind == "points_expiring" for kind, _ in shop.sent("carl"))  # no consent

    shop.now = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
    shop.purchase("anna", "anna-2", 100)  # a new expiry, a new occasion
    run_nightly(shop, date(2027, 11, 25))
    expiring = [occasion for kind, occasion in shop.sent("anna") if kind == "points_expiring"]
    assert expiring == ["2027-01-10", "2027-12-20"]


def test_a_birthday_is_greeted_once_a_year_with_the_bonus_the_engine_paid(tmp_path: Path) -> None:
    shop = Shop(tmp_path, night(date(2027, 5, 16)))
    born = date(1990, 5, 17)
    shop.customer("anna", "ru", birthday=born, name="Анна")
    shop.customer("eve", "en", birthday=born)
    shop.customer("bob", "en", birthday=born, consent=ConsentStatus.UNCONFIRMED)
    shop.customer("dina", "ru", birthday=born)
    told_late = shop.app.store.customer("dina")
    assert told_late is not None  # gave her birthday a week ago: no bonus, no greeting
    shop.app.store.update_customer(
        type(told_late)(**{**told_late.__dict__, "birthday_set_at": night(date(2027, 5, 10))})
    )
    run_nightly(shop, date(2027, 5, 16))
    assert shop.mail() == []
    run_nightly(shop, date(2027, 5, 17))
    run_nightly(shop, date(2027, 5, 18))

    assert shop.subjects("anna@example.com") == ["С днём рождения, Анна!"]
    [to_eve] = shop.mail("eve@example.com")
    assert to_eve["Subject"] == "Happy birthday, Eve!"
    assert "Here are 200 points from us." in text_of(to_eve)
    assert shop.mail("bob@example.com") == []  # marketing: not without consent
    assert shop.mail("dina@example.com") == []
    history = shop.app.loyalty.statement("bob").entries
    bonus = [e for e in history if e.kind is EntryKind.BIRTHDAY]
    assert len(bonus) == 1  # the bonus is paid all the same; only the email needs consent

    run_nightly(shop, date(2028, 5, 17))
    assert shop.sent("anna") == [("birthday", "2027"), ("birthday", "2028")]


def test_holiday_greetings_go_on_their_date_to_their_languages(tmp_path: Path) -> None:
    shop = Shop(tmp_path, night(date(2027, 3, 7)))
    shop.customer("anna", "ru")
    shop.customer("eve", "en")
    shop.customer("bg", "bg")  # no Bulgarian in this programme: Russian, its default
    shop.customer("carl", "ru", consent=ConsentStatus.UNSUBSCRIBED)
    shop.customer("gone", "ru", consent=ConsentStatus.SUPPRESSED)
    run_nightly(shop, date(2027, 3, 7))
    assert shop.mail() == []
    run_nightly(shop, date(2027, 3, 8))  # women's day: Russian readers only

    assert shop.subjects("anna@example.com") == ["С 8 Марта!"]
    assert shop.subjects("bg@example.com") == ["С 8 Марта!"]
    assert shop.mail("eve@example.com") == []
    assert shop.mail("carl@example.com") == shop.mail("gone@example.com") == []

    run_nightly(shop, date(2027, 12, 31))  # new year: everyone who agreed, in their language
    [to_eve] = shop.mail("eve@example.com")
    assert to_eve["Subject"] == "Happy New Year!"
    assert text_of(to_eve).startswith("Hello, Eve!")  # compiled once, filled per reader
    assert "/unsubscribe/?t=" in text_of(to_eve)
    assert shop.subjects("anna@example.com") == ["С 8 Марта!", "С Новым годом!"]
    assert shop.sent("anna") == [
        ("holiday", "new-year:2027-12-31"),
        ("holiday", "womens-day:2027-03-08"),
    ]
    run_nightly(shop, date(2028, 12, 31))
    assert ("holiday", "new-year:2028-12-31") in shop.sent("eve")


def test_win_back_goes_once_per_lapse(tmp_path: Path) -> None:
    shop = Shop(tmp_path, datetime(2027, 1, 5, 12, 0, tzinfo=UTC))
    shop.customer("eve", "en", name="Eve")
    shop.customer("carl", "en", consent=None)
    for person in ("eve", "carl"):
        shop.purchase(person, f"{person}-1", 500)
    run_nightly(shop, date(2027, 4, 5))  # 89 days and a half
    assert shop.subjects("eve@example.com") == ["Thank you for your order!"]
    for day in (date(2027, 4, 6), date(2027, 4, 7), date(2027, 5, 1)):
        run_nightly(shop, day)
    assert shop.subjects("eve@example.com") == ["Thank you for your order!", "We miss you, Eve"]
    assert shop.subjects("carl@example.com") == ["Thank you for your order!"]

    shop.now = datetime(2027, 5, 2, 12, 0, tzinfo=UTC)
    shop.purchase("eve", "eve-2", 500)
    run_nightly(shop, date(2027, 7, 31))  # the second lapse: 90 days after 2 May
    run_nightly(shop, date(2027, 8, 1))
    assert [kind for kind, _ in shop.sent("eve")].count("win_back") == 2
    assert shop.subjects("eve@example.com").count("We miss you, Eve") == 2


def test_a_certificate_is_sent_once_when_the_nightly_run_issues_it(tmp_path: Path) -> None:
    shop = Shop(tmp_path, datetime(2027, 2, 1, 12, 0, tzinfo=UTC))
    shop.customer("anna", "ru", consent=None)  # transactional: no newsletter consent needed
    shop.purchase("anna", "big", 21_000)
    run_nightly(shop, date(2027, 2, 20))
    run_nightly(shop, date(2027, 2, 21))

    [certificate] = shop.app.store.history("anna").certificates
    [email] = [m for m in shop.mail("anna@example.com") if "сертификат" in str(m["Subject"])]
    assert email["Subject"] == "Ваш сертификат на 2 500,00 ₽"
    assert certificate.code in text_of(email)
    assert ("certificate_issued", certificate.certificate_id) in shop.sent("anna")


def test_two_nightly_runs_at_once_send_each_greeting_once(tmp_path: Path) -> None:
    shop = Shop(tmp_path, night(date(2027, 12, 31)))
    people = [f"p{n:02}" for n in range(24)]
    for person in people:
        shop.customer(person, "en" if int(person[1:]) % 2 else "ru")
    runs = [shop.open() for _ in range(2)]  # two processes' worth of connections and postmen
    threads = [threading.Thread(target=run.loyalty.run_daily) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for person in people:
        assert len(shop.mail(f"{person}@example.com")) == 1, person
        assert shop.sent(person) == [("holiday", "new-year:2027-12-31")]
    assert shop.app.store.automation_counts(night(date(2027, 12, 31)), night(date(2028, 1, 1))) == {
        "holiday": len(people)
    }


def test_a_holidays_greetings_are_claimed_in_batches_each_failure_kept_apart(
    tmp_path: Path,
) -> None:
    shop = Shop(tmp_path, night(date(2027, 12, 31)))
    people = [f"p{n:03}" for n in range(EMAILS_PER_BATCH + 30)]
    for person in people:
        shop.customer(person, "en")
    shop.consent("p003", ConsentStatus.UNSUBSCRIBED)
    events = shop.app.loyalty.events
    assert isinstance(events, AutomaticEmails)
    events.mailer._transport = Refusing(
        events.mailer.transport, deferred={"p001"}, refused={"p002"}
    )
    claims = shop.app.store.claim_automations
    written: list[int] = []

    def counted(keys: Sequence[AutomationKey], now: int, until: int) -> list[bool]:
        written.append(len(keys))
        return claims(keys, now, until)

    shop.app.store.claim_automations = counted  # type: ignore[method-assign]
    shop.app.loyalty.run_daily()

    assert written == [EMAILS_PER_BATCH - 1, 30]  # one write a batch; p003 not asked
    assert shop.sent("p001") == []  # deferred: released for the next run
    [refused] = shop.app.store.automation_sends("p002")
    assert refused.status is EmailStatus.FAILED
    assert shop.sent("p003") == []
    assert shop.sent("p004") == [("holiday", "new-year:2027-12-31")]
    assert events.sent[Automation.HOLIDAY] == len(people) - 3
    events.mailer._transport = None  # the provider takes it now
    shop.app.loyalty.run_daily()
    assert written[2:] == [EMAILS_PER_BATCH - 1, 30]  # asked again; only p001's is taken
    assert events.sent[Automation.HOLIDAY] == len(people) - 2
    assert shop.sent("p001") == [("holiday", "new-year:2027-12-31")]
    assert len(shop.mail("p001@example.com")) == 1
    assert shop.mail("p002@example.com") == []
    assert len(shop.mail()) == len(people) - 2


def test_nightly_emails_switched_off_or_left_out_never_fire(tmp_path: Path) -> None:
    holidays_off = (
        "holidays:\n  enabled: false\n  greetings:\n"
        "    - id: new-year\n      date: '12-31'\n      subject: Hi\n      body: Hello\n"
        "points_expiring:\n  enabled: false\n  subject: Soon\n  body: Come by\n"
    )
    shop = Shop(
        tmp_path, datetime(2026, 12, 31, 9, 0, tzinfo=UTC), own_campaigns(tmp_path, holidays_off)
    )
    shop.customer("anna", "ru", birthday=date(1990, 12, 31))  # no birthday section either
    shop.purchase("anna", "o1", 900, at=datetime(2026, 1, 20, 12, 0, tzinfo=UTC))
    run_nightly(shop, date(2026, 12, 31))
    assert shop.mail() == []
    assert shop.sent("anna") == []
