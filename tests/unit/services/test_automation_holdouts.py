"""Automatic emails with a holdout: a fixed random share of those it would go to is kept
from it, recorded as held out (never sent, never tried again), and the rest get it.

The bonus the terms promise is paid to both sides: only the email is held out. (Which
emails may have a holdout at all: the broken-programme corpus, tests/unit/programme.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from stampbook.audience.consent import ConsentStatus
from stampbook.audience.holdout import automation_occasion, held_out
from stampbook.loyalty.ledger import EntryKind
from stampbook.records.automation_sends import Automation, EmailStatus
from stampbook.services.automations import AutomaticEmails
from tests.support.paths import EXAMPLE
from tests.support.shop import Shop, own_campaigns
from tests.unit.services.test_automations_daily import night, run_nightly

PEOPLE = 60


def with_holdouts(folder: Path) -> Path:
    text = (EXAMPLE / "automations.yaml").read_text(encoding="utf-8")
    text = text.replace("birthday:\n", "birthday:\n  holdout: 30%\n", 1)
    text = text.replace("win_back:\n", "win_back:\n  holdout: 30%\n", 1)
    assert text.count("holdout: 30%") == 2
    return own_campaigns(folder, text)


def held(shop: Shop, customer_id: str) -> list[tuple[str, str]]:
    return [
        (record.key.automation, record.key.occasion)
        for record in shop.app.store.automation_sends(customer_id)
        if record.status is EmailStatus.HELD_OUT
    ]


def test_a_birthday_holdout_keeps_the_email_from_a_fixed_share_and_pays_everyone(
    tmp_path: Path,
) -> None:
    shop = Shop(tmp_path, night(date(2027, 5, 16)), with_holdouts(tmp_path))
    people = [f"p{n:02}" for n in range(PEOPLE)]
    for person in people:
        shop.customer(person, "en", birthday=date(1990, 5, 17))
    shop.customer("quiet", "en", birthday=date(1990, 5, 17), consent=ConsentStatus.UNCONFIRMED)
    run_nightly(shop, date(2027, 5, 17))  # twice, as a repeated run would

    expected = {
        p for p in people if held_out(p, automation_occasion("birthday", "2027"), Decimal("0.3"))
    }
    assert 0 < len(expected) < PEOPLE
    for person in people:
        if person in expected:
            assert held(shop, person) == [("birthday", "2027")]
            assert shop.mail(f"{person}@example.com") == []
        else:
            assert shop.sent(person) == [("birthday", "2027")]
            assert len(shop.mail(f"{person}@example.com")) == 1
        bonus = [
            e for e in shop.app.loyalty.statement(person).entries if e.kind is EntryKind.BIRTHDAY
        ]
        assert len(bonus) == 1
    # Without consent nobody could have had it: neither sent nor held out.
    assert held(shop, "quiet") == []
    assert shop.sent("quiet") == []
    emails = shop.app.loyalty.events
    assert isinstance(emails, AutomaticEmails)
    assert emails.held_out[Automation.BIRTHDAY] == len(expected)

    # Next year is another occasion with its own split.
    run_nightly(shop, date(2028, 5, 17))
    next_year = {
        p for p in people if held_out(p, automation_occasion("birthday", "2028"), Decimal("0.3"))
    }
    assert {p for p in people if ("birthday", "2028") in held(shop, p)} == next_year
    assert next_year != expected
