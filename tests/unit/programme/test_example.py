"""The example roastery in `campaigns/` loads, and every rule kind means what it says."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from stampbook.programme import Programme, load_programme
from stampbook.programme.newsletter import (
    ButtonBlock,
    ImageBlock,
    PointsSummaryBlock,
    RewardBlock,
    TextBlock,
)
from tests.support.paths import EXAMPLE, FIXTURE


@pytest.fixture(scope="module")
def example() -> Programme:
    return load_programme(EXAMPLE)


def test_the_business_speaks_russian_first_and_english(example: Programme) -> None:
    programme_file = example.programme_file
    assert programme_file.currency == "RUB"
    assert programme_file.locales.default == "ru"
    assert programme_file.locales.available == ("ru", "en")
    assert programme_file.business.name.get("en") == "Copper Cezve"
    assert programme_file.business.name.get("ru") == "Медная турка"
    assert programme_file.business.timezone == "Europe/Moscow"
    assert programme_file.consent.version == "2026-11-01"


def test_earning_rule_with_rounding_exclusions_and_category_bonus(example: Programme) -> None:
    earning = example.programme_file.loyalty.earning
    assert (earning.points, earning.per, earning.rounding) == (5, Decimal(100), "down")
    assert earning.exclude.shipping is True
    assert earning.exclude.tax is False
    assert earning.exclude.categories == ("gift-cards",)
    (bonus,) = earning.category_bonuses
    assert (bonus.category, bonus.multiplier) == ("beans", Decimal(2))


def test_pending_points_during_the_return_window(example: Programme) -> None:
    assert example.programme_file.loyalty.pending.days == 14


def test_tiers_by_spend_in_a_rolling_window(example: Programme) -> None:
    tiers = example.programme_file.loyalty.tiers
    assert tiers is not None
    assert tiers.window_months == 12
    assert [(t.id, t.min_spend, t.multiplier, t.free_shipping) for t in tiers.levels] == [
        ("guest", Decimal(0), Decimal(1), False),
        ("regular", Decimal(15000), Decimal("1.25"), False),
        ("connoisseur", Decimal(40000), Decimal("1.5"), True),
    ]


def test_gift_certificate_for_spend_within_months(example: Programme) -> None:
    (rule,) = example.programme_file.loyalty.certificates
    assert (rule.spend, rule.within_months, rule.value, rule.valid_days) == (
        Decimal(20000),
        6,
        Decimal(2500),
        90,
    )


def test_free_shipping_birthday_referral_and_expiry(example: Programme) -> None:
    loyalty = example.programme_file.loyalty
    assert loyalty.free_shipping is not None
    assert loyalty.free_shipping.over == Decimal(3000)
    assert loyalty.birthday is not None
    assert (loyalty.birthday.points, loyalty.birthday.min_days_known) == (200, 30)
    assert loyalty.referral is not None
    assert (loyalty.referral.referrer_points, loyalty.referral.referred_points) == (300, 150)
    assert loyalty.expiry is not None
    assert (loyalty.expiry.after_inactive_days, loyalty.expiry.warn_days_before) == (365, 30)


def test_rewards_catalogue(example: Programme) -> None:
    rewards = {reward.id: reward for reward in example.programme_file.rewards}
    assert {rid: r.points for rid, r in rewards.items()} == {
        "espresso": 120,
        "cappuccino": 200,
        "beans-250": 600,
        "cupping": 900,
    }
    assert rewards["cupping"].title.get("en") == "A seat at a cupping"


def test_every_automatic_email_is_configured(example: Programme) -> None:
    automations = example.automations
    for name in type(automations).model_fields:
        email = getattr(automations, name)
        assert email is not None, name
        assert email.enabled, name
    assert automations.win_back is not None
    assert automations.win_back.after_days == 90
    assert automations.holidays is not None
    dates = {g.id: (g.date, g.locales) for g in automations.holidays.greetings}
    assert dates["womens-day"] == ("03-08", ("ru",))
    assert dates["new-year"] == ("12-31", ())


def test_newsletters_use_every_block_kind_and_audience_filter(example: Programme) -> None:
    winter = example.newsletter("2026-12-winter-lots")
    cupping = example.newsletter("2027-01-regulars-cupping")
    assert winter is not None
    assert cupping is not None
    assert winter.audience.is_everyone
    assert winter.public
    kinds = {type(block) for block in winter.blocks}
    assert kinds == {TextBlock, ImageBlock, ButtonBlock, RewardBlock, PointsSummaryBlock}
    assert cupping.audience.tiers == ("regular", "connoisseur")
    assert cupping.audience.points_balance is not None
    assert cupping.audience.points_balance.min == 100
    assert cupping.send_at == datetime(2027, 1, 8, 12, tzinfo=timezone(timedelta(hours=3)))
    assert not cupping.public


def test_a_plain_text_serves_every_language(example: Programme) -> None:
    assert example.automations.holidays is not None
    womens_day = example.automations.holidays.greetings[1]
    assert womens_day.subject.get("ru") == womens_day.subject.get("en") == "С 8 Марта!"


def test_the_fixture_in_bulgarian_and_euro_loads() -> None:
    fixture = load_programme(FIXTURE)
    assert fixture.programme_file.currency == "EUR"
    assert fixture.programme_file.loyalty.certificates[0].value == Decimal("25.50")
    assert fixture.automations.points_expiring is not None
    assert fixture.automations.points_expiring.enabled is False


def test_models_are_immutable(example: Programme) -> None:
    with pytest.raises(ValueError, match="frozen"):
        example.programme_file.loyalty.pending.days = 0  # type: ignore[misc]
