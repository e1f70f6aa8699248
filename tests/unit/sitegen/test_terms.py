"""Every rule of program.yaml is on the terms page, with its numbers, in every locale."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from stampbook.loyalty.orders import OrderLine, points_for
from stampbook.mail.strings import Strings
from stampbook.programme import Programme, load_programme
from stampbook.sitegen import site_files
from stampbook.sitegen.words import site_words
from tests.support.paths import EXAMPLE

from .conftest import write_programme

NOW = datetime(2026, 11, 23, tzinfo=UTC)
API = "http://127.0.0.1:8000/"


def plain(text: str) -> str:
    """Spaces as a reader sees them: CLDR's narrow and no-break spaces become plain ones."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def terms(programme: Programme, locale: str) -> str:
    return plain(site_files(programme, locale, API, NOW).pages["terms.md"])


def one_order(programme: Programme, amount: Decimal, category: str, multiplier: Decimal) -> int:
    lines = (OrderLine("1", category, amount),)
    return points_for(lines, Decimal(0), programme.programme_file.loyalty.earning, multiplier)


def expected_numbers(programme: Programme, words: Strings) -> dict[str, list[str]]:
    """For each rule, the numbers a reader must find, formatted as they read them."""
    fmt, loyalty = words.formatter, programme.programme_file.loyalty
    earning = loyalty.earning
    example = earning.per * Decimal("12.5")
    found: dict[str, list[str]] = {
        "earning": [words.points(earning.points), fmt.money(earning.per), fmt.money(example)],
        "example": [words.points(one_order(programme, example, "other", Decimal(1)))],
        "pending": [fmt.number(loyalty.pending.days)],
    }
    for bonus in earning.category_bonuses:
        earned = one_order(programme, example, bonus.category, Decimal(1))
        found[f"bonus {bonus.category}"] = [fmt.number(bonus.multiplier), words.points(earned)]
    if loyalty.tiers:
        found["tier window"] = [fmt.number(loyalty.tiers.window_months)]
        for tier in loyalty.tiers.levels:
            earned = one_order(programme, example, "other", tier.multiplier)
            found[f"tier {tier.id}"] = [
                fmt.money(tier.min_spend),
                fmt.number(tier.multiplier),
                words.points(earned),
            ]
    for rule in loyalty.certificates:
        found[f"certificate {rule.id}"] = [
            fmt.money(rule.spend),
            fmt.number(rule.within_months),
            fmt.money(rule.value),
            fmt.number(rule.valid_days),
        ]
    if loyalty.free_shipping:
        found["free shipping"] = [fmt.money(loyalty.free_shipping.over)]
    if loyalty.birthday:
        found["birthday"] = [
            words.points(loyalty.birthday.points),
            fmt.number(loyalty.birthday.min_days_known),
        ]
    if loyalty.referral:
        found["referral"] = [
            words.points(loyalty.referral.referrer_points),
            words.points(loyalty.referral.referred_points),
        ]
        if loyalty.referral.max_per_month is not None:
            found["referral"].append(fmt.number(loyalty.referral.max_per_month))
    if loyalty.expiry:
        found["expiry"] = [
            fmt.number(loyalty.expiry.after_inactive_days),
            fmt.number(loyalty.expiry.warn_days_before),
        ]
    return found


def missing_numbers(programme: Programme, locale: str) -> dict[str, list[str]]:
    page = terms(programme, locale)
    expected = expected_numbers(programme, site_words(programme, locale))
    return {
        rule: [n for n in numbers if plain(n) not in page]
        for rule, numbers in expected.items()
        if any(plain(n) not in page for n in numbers)
    }


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_every_rule_of_the_example_is_on_its_terms_page(locale: str) -> None:
    assert missing_numbers(load_programme(EXAMPLE), locale) == {}


@pytest.mark.parametrize("locale", ["en", "bg"])
def test_every_rule_of_a_different_programme_is_on_its_terms_page(
    second_programme: Path, locale: str
) -> None:
    programme = load_programme(second_programme)
    assert missing_numbers(programme, locale) == {}
    page = terms(programme, locale)
    assert "Bring a friend" not in page  # no referral rule, no referral paragraph


def test_the_example_reads_as_the_engine_computes() -> None:
    programme = load_programme(EXAMPLE)
    en, ru = terms(programme, "en"), terms(programme, "ru")
    assert "You earn 5 points for every RUB 100.00 you spend." in en
    assert "rounded down" in en
    assert "Example: spend RUB 1,250.00 and you earn 62 points." in en
    assert "Example: RUB 1,250.00 of Coffee beans earns 125 points." in en
    # One of two equal lines returned: 125 earned, the rest earns 62, so 63 go back.
    assert "Return goods worth RUB 1,250.00 and 63 points are taken back" in en
    assert "At Connoisseur, RUB 1,250.00 earns 93 points." in en
    assert "| Connoisseur | RUB 40,000.00 | × 1.5 | yes |" in en
    assert "Spend RUB 20,000.00 within 6 months" in en
    assert "Orders of RUB 3,000.00 or more ship free." in en
    assert "За каждые 100,00 ₽ покупки вы получаете 5 баллов." in ru
    assert "Пример: покупка на 1 250,00 ₽ приносит 62 балла." in ru
    assert f"Rules version {programme.rules_version}." in en


def test_a_different_programme_reads_as_the_engine_computes(second_programme: Path) -> None:
    en = terms(load_programme(second_programme), "en")
    # 3 points per €7, rounded up: €87.50 -> 37.5 -> 38.
    assert "You earn 3 points for every €7.00 you spend." in en
    assert "rounded up" in en
    assert "Example: spend €87.50 and you earn 38 points." in en
    assert "Tax charged on top of the prices earns no points." in en
    assert "Gold members get free shipping on every order." in en
    assert "Orders of €55.50 or more ship free." in en


def _per(value: int) -> Any:
    def edit(data: dict[str, Any]) -> None:
        data["loyalty"]["earning"]["per"] = value

    return edit


def test_changing_a_number_in_the_yaml_changes_the_page(tmp_path: Path) -> None:
    before = terms(load_programme(write_programme(tmp_path / "a", _per(100))), "en")
    after = terms(load_programme(write_programme(tmp_path / "b", _per(50))), "en")
    assert before != after
    assert "for every RUB 100.00 you spend" in before
    assert "for every RUB 50.00 you spend" in after
    # The example follows: 12.5 x RUB 50 = RUB 625 -> 62.5 -> 62 points.
    assert "Example: spend RUB 625.00 and you earn 62 points." in after


def test_the_terms_say_when_a_referral_bonus_is_taken_back_and_how_many_a_month() -> None:
    programme = load_programme(EXAMPLE)
    assert "returned in full, both bonuses are taken back" in terms(programme, "en")
    assert "at most 5 bring-a-friend bonuses a month" in terms(programme, "en")
    assert "не больше 5 бонусов за друзей в месяц" in terms(programme, "ru")


# How each language says "this amount counts" at a threshold: the engine
# ships free at exactly the amount, so "over" would promise less than it does.
AT_LEAST = {"en": "or more", "ru": "от", "bg": "или повече", "hy": "և ավելի"}


@pytest.mark.parametrize("locale", sorted(AT_LEAST))
def test_free_shipping_is_promised_at_exactly_the_threshold_as_the_engine_gives_it(
    locale: str,
) -> None:
    from stampbook.loyalty.purchases import ships_free
    from stampbook.loyalty.rules import Rules

    programme = load_programme(EXAMPLE)
    rules = Rules.of(programme)
    threshold = programme.programme_file.loyalty.free_shipping
    assert threshold is not None
    assert ships_free(rules, None, threshold.over)
    assert not ships_free(rules, None, threshold.over - Decimal("0.01"))
    words = site_words(programme, locale)
    said = words("terms.shipping_over", amount=words.formatter.money(threshold.over))
    assert AT_LEAST[locale] in said
