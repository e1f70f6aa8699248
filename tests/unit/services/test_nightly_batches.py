"""Every email of the nightly run goes in batches, on every store: birthdays, win-back,
points about to expire and certificates for many customers, each once per occasion, the
held out kept from it, a deferred one sent by the next run, and a run killed in the
middle leaving claims the next run resolves with at most `MARKED_EVERY` sent twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from stampbook.audience.consent import ConsentStatus
from stampbook.audience.holdout import automation_occasion, held_out
from stampbook.mail.message import Message
from stampbook.mail.transports.base import Accepted
from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.records.customers import Customer
from stampbook.services.automations import (
    CLAIM_SECONDS,
    EMAILS_PER_BATCH,
    MARKED_EVERY,
    AutomaticEmails,
)
from stampbook.store.base import StoreError
from tests.support.refusing import Refusing
from tests.support.shop import Shop
from tests.unit.services.test_automation_holdouts import with_holdouts
from tests.unit.services.test_automations_daily import night

TONIGHT = date(2027, 5, 17)  # no holiday in the example programme
PEOPLE = 90  # a third each: born today, lapsed with points expiring, a certificate due
SHARE = Decimal("0.3")  # the birthday's and the win-back's holdout (`with_holdouts`)
MARKETING = (Automation.BIRTHDAY, Automation.WIN_BACK, Automation.POINTS_EXPIRING)


def busy_night(folder: Path, store: dict[str, str]) -> tuple[Shop, list[str]]:
    """`PEOPLE` customers with something due tonight; one in ten without newsletter
    consent (their certificate still goes: it is transactional)."""
    shop = Shop(folder, night(TONIGHT), with_holdouts(folder), store=store)
    people = [f"c{n:02}" for n in range(PEOPLE)]
    for n, person in enumerate(people):
        consent = ConsentStatus.UNCONFIRMED if n % 10 == 7 else ConsentStatus.CONFIRMED
        born = date(1990, 5, 17) if n % 3 == 0 else None
        shop.customer(person, "en" if n % 2 else "ru", consent, birthday=born)
        if n % 3 == 1:  # lapsed 340 days ago: the win-back, and points expiring in 25 days
            shop.now = night(TONIGHT) - timedelta(days=340)
            shop.purchase(person, f"o{n}", 900)
        elif n % 3 == 2:  # 21 000 ₽ twenty days ago: final by now, a certificate
            shop.now = night(TONIGHT) - timedelta(days=20)
            shop.purchase(person, f"o{n}", 21_000)
    shop.now = night(TONIGHT)
    return shop, people


def due(shop: Shop, people: list[str]) -> dict[AutomationKey, EmailStatus]:
    """What tonight owes each customer: sent, or held out; consent leaves some out."""
    owed: dict[AutomationKey, EmailStatus] = {}
    for person in people:
        n = int(person[1:])
        kinds: list[tuple[Automation, str]] = []
        if n % 3 == 0:
            kinds.append((Automation.BIRTHDAY, "2027"))
        elif n % 3 == 1:
            since = (night(TONIGHT) - timedelta(days=340)).astimezone(UTC).isoformat()
            kinds += [(Automation.WIN_BACK, since), (Automation.POINTS_EXPIRING, "2027-06-11")]
        else:
            [certificate] = shop.app.store.history(person).certificates
            kinds.append((Automation.CERTIFICATE_ISSUED, certificate.certificate_id))
        for kind, occasion in kinds:
            if n % 10 == 7 and kind in MARKETING:
                continue
            kept = kind in (Automation.BIRTHDAY, Automation.WIN_BACK) and held_out(
                person, automation_occasion(kind, occasion), SHARE
            )
            key = AutomationKey(person, kind, occasion)
            owed[key] = EmailStatus.HELD_OUT if kept else EmailStatus.SENT
    return owed


def automatic_emails(shop: Shop) -> AutomaticEmails:
    events = shop.app.loyalty.events
    assert isinstance(events, AutomaticEmails)
    return events


def recorded(shop: Shop, people: list[str]) -> dict[AutomationKey, EmailStatus]:
    return {
        record.key: record.status
        for person in people
        for record in shop.app.store.automation_sends(person)
    }


def mail_per_occasion(shop: Shop) -> Counter[tuple[str, str]]:
    """How many times each customer got each subject (the thank-yous are not delivered)."""
    return Counter((m["To"].addresses[0].addr_spec, str(m["Subject"])) for m in shop.mail())


def test_a_busy_night_sends_each_email_once_a_batch_at_a_time(
    tmp_path: Path, shop_store: dict[str, str]
) -> None:
    shop, people = busy_night(tmp_path, shop_store)
    events = automatic_emails(shop)
    events.mailer._transport = Refusing(
        events.mailer.transport, deferred={"c01", "c02"}, refused={"c05"}
    )
    claims, consents = shop.app.store.claim_automations, shop.app.store.consents
    written: list[int] = []
    read: Counter[str] = Counter()

    def claimed(keys: Sequence[AutomationKey], now: int, until: int) -> list[bool]:
        written.append(len(keys))
        return claims(keys, now, until)

    def consent_of(customer_id: str) -> list:  # type: ignore[type-arg]
        read[customer_id] += 1
        return consents(customer_id)

    shop.app.store.claim_automations = claimed  # type: ignore[method-assign]
    shop.app.store.consents = consent_of  # type: ignore[method-assign]
    shop.app.loyalty.run_daily()

    owed = due(shop, people)
    assert len(owed) > EMAILS_PER_BATCH
    assert sum(written) == len(owed)
    assert len(written) == 2  # one claim write a batch, not one an email
    # Held out is decided before the transport is tried: only those that would go fail.
    trying = {key for key, status in owed.items() if status is EmailStatus.SENT}
    deferred = {key for key in trying if key.customer_id in ("c01", "c02")}
    refused = {key for key in trying if key.customer_id == "c05"}
    assert deferred
    assert refused
    expected = {key: status for key, status in owed.items() if key not in deferred}
    expected |= dict.fromkeys(refused, EmailStatus.FAILED)
    assert recorded(shop, people) == expected
    # Once to decide, once more by the mailer as each goes: not once an email more.
    going = Counter(key.customer_id for key, s in owed.items() if s is EmailStatus.SENT)
    for person in people:
        assert read[person] <= 1 + going[person], person
    sent = Counter(key.automation for key, s in expected.items() if s is EmailStatus.SENT)
    held = Counter(key.automation for key, s in expected.items() if s is EmailStatus.HELD_OUT)
    assert held[Automation.BIRTHDAY]
    assert held[Automation.WIN_BACK]
    assert (events.sent, events.held_out, events.not_sent) == (sent, held, Counter())

    events.mailer._transport = None  # the provider takes them now
    shop.now += timedelta(hours=1)
    shop.app.loyalty.run_daily()  # the same night again: steps replayed, only the deferred go
    owed |= dict.fromkeys(refused, EmailStatus.FAILED)
    assert recorded(shop, people) == owed
    assert events.sent == Counter(
        key.automation for key, s in owed.items() if s is EmailStatus.SENT
    )
    mail = mail_per_occasion(shop)
    assert sum(mail.values()) == list(owed.values()).count(EmailStatus.SENT)
    assert set(mail.values()) == {1}
    for person in ("c01", "c02"):
        assert any(to == f"{person}@example.com" for to, _ in mail)


class Killed(BaseException):
    """The process gone, as a SIGKILL would take it: nothing after it runs."""


def test_a_night_killed_in_the_middle_is_finished_by_the_next_run(
    tmp_path: Path, shop_store: dict[str, str]
) -> None:
    shop, people = busy_night(tmp_path, shop_store)
    events = automatic_emails(shop)
    outbox = events.mailer.transport
    dead = [False]
    sends = [0]

    class Dying:
        def send(self, message: Message) -> Accepted:
            if sends[0] == MARKED_EVERY + 7:
                dead[0] = True
                raise Killed
            sends[0] += 1
            return outbox.send(message)

        def accepts_8bit(self) -> bool:
            return outbox.accepts_8bit()

        def close(self) -> None:
            outbox.close()

    store_ = shop.app.store
    finish, release = store_.finish_automations, store_.release_automation

    def marking(finished: Sequence[tuple[AutomationKey, EmailStatus]], at: datetime) -> None:
        if dead[0]:
            raise StoreError("gone")
        finish(finished, at)

    def released(key: AutomationKey) -> None:
        if dead[0]:
            raise StoreError("gone")
        release(key)

    store_.finish_automations = marking  # type: ignore[method-assign]
    store_.release_automation = released  # type: ignore[method-assign]
    events.mailer._transport = Dying()
    with pytest.raises(Killed):
        shop.app.loyalty.run_daily()
    left = [k for k, s in recorded(shop, people).items() if s is EmailStatus.SENDING]
    assert left  # claimed, some sent, none marked since the last mark

    dead[0] = False
    events.mailer._transport = outbox
    shop.app.loyalty.run_daily()  # at once: the claims are still held, nothing more goes
    assert set(left) <= {k for k, s in recorded(shop, people).items() if s is EmailStatus.SENDING}
    shop.now += timedelta(seconds=CLAIM_SECONDS + 60)
    shop.app.loyalty.run_daily()  # later the same night: the lapsed claims taken over

    owed = due(shop, people)
    assert recorded(shop, people) == owed
    mail = mail_per_occasion(shop)
    twice = sum(count - 1 for count in mail.values())
    assert 0 < twice <= MARKED_EVERY
    assert sum(mail.values()) - twice == list(owed.values()).count(EmailStatus.SENT)


def test_a_step_that_fails_lets_the_emails_gathered_before_it_go(
    tmp_path: Path, shop_store: dict[str, str]
) -> None:
    shop, people = busy_night(tmp_path, shop_store)
    loyalty = shop.app.loyalty
    step = loyalty.run_daily_for
    visited: list[str] = []

    def failing(customer_id: str, quiet_key: str | None = None) -> object:
        if len(visited) == 30:
            raise StoreError("throttled")
        visited.append(customer_id)
        return step(customer_id, quiet_key)

    loyalty.run_daily_for = failing  # type: ignore[method-assign, assignment]
    with pytest.raises(StoreError):
        loyalty.run_daily()
    before = set(due(shop, visited))
    assert 0 < len(before) < EMAILS_PER_BATCH  # none sent yet had it not been for the error
    assert before == set(recorded(shop, people))


def test_an_email_that_breaks_unexpectedly_goes_with_the_next_run_and_the_others_tonight(
    tmp_path: Path, shop_store: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    shop, people = busy_night(tmp_path, shop_store)
    events = automatic_emails(shop)
    send = events.mailer.send
    broken: list[tuple[str, str]] = []  # (customer, email): one of each a customer tonight
    mending = [False]

    def sending(name: str, customer: Customer, *rest: Any) -> bool:
        if not broken:  # the night's first email: many go after it, in its batch and later
            broken.append((customer.customer_id, name))
        if (customer.customer_id, name) in broken and not mending[0]:
            raise KeyError("a filter's bug, on this reader's data only")
        return send(name, customer, *rest)

    events.mailer.send = sending  # type: ignore[method-assign, assignment]
    shop.app.loyalty.run_daily()
    owed = due(shop, people)
    [key] = [k for k in owed if (k.customer_id, k.automation) in broken]

    assert recorded(shop, people) == {k: s for k, s in owed.items() if k != key}
    assert events.not_sent == Counter({key.automation: 1})
    assert "KeyError: \"a filter's bug" in caplog.text  # logged with its traceback

    mending[0] = True
    shop.now += timedelta(hours=1)
    shop.app.loyalty.run_daily()  # the same night again: only the broken one goes
    assert recorded(shop, people) == owed
    mail = mail_per_occasion(shop)
    assert set(mail.values()) == {1}
    assert sum(mail.values()) == list(owed.values()).count(EmailStatus.SENT)
