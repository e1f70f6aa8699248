"""The loyalty rules in `program.yaml`: what the engine executes and the terms describe.

Amounts are in the programme's currency, in major units (roubles, not
kopecks); the loader checks that no amount has more decimals than the
currency allows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from .fields import (
    Amount,
    CategoryRef,
    Days,
    DaysOrZero,
    Months,
    Multiplier,
    OwnerModel,
    Points,
    PositiveAmount,
    Slug,
)
from .text import LocalizedText

Rounding = Literal["down", "nearest", "up"]


class Exclusions(OwnerModel):
    """Parts of an order that earn no points."""

    shipping: bool = True
    tax: bool = True
    categories: tuple[CategoryRef, ...] = ()


class CategoryBonus(OwnerModel):
    """Points in a category are multiplied, e.g. double points on coffee beans."""

    category: CategoryRef
    multiplier: Multiplier


class Earning(OwnerModel):
    """`points` for every `per` spent, e.g. 5 points per 100 ₽."""

    points: Points
    per: PositiveAmount
    rounding: Rounding = "down"
    exclude: Exclusions = Exclusions()
    category_bonuses: tuple[CategoryBonus, ...] = ()


class Pending(OwnerModel):
    """Points stay pending while the order can still be returned."""

    days: DaysOrZero = 0


class Tier(OwnerModel):
    id: Slug
    name: LocalizedText
    min_spend: Amount
    multiplier: Multiplier = Decimal(1)
    free_shipping: bool = False


class Tiers(OwnerModel):
    """Tiers by spend over a rolling window of months, lowest first."""

    window_months: Months
    levels: tuple[Tier, ...] = Field(min_length=1)


class CertificateRule(OwnerModel):
    """Spend `spend` within `within_months` -> a certificate worth `value`."""

    id: Slug
    spend: PositiveAmount
    within_months: Months
    value: PositiveAmount
    valid_days: Days


class FreeShipping(OwnerModel):
    """Orders whose goods come to at least `over` ship free."""

    over: PositiveAmount


class Birthday(OwnerModel):
    points: Points
    # A birthday added this recently does not pay this year, so nobody can
    # type in "today" to collect the bonus.
    min_days_known: DaysOrZero = 30


class Referral(OwnerModel):
    """Paid once the referred customer's first order can no longer be returned,
    taken back if that order is later returned in full (`loyalty.referrals`)."""

    referrer_points: Points
    referred_points: int = Field(default=0, ge=0)
    # At most this many bonuses paid to one referrer in a calendar month; more
    # wait for the next month. None: no limit.
    max_per_month: int | None = Field(default=None, ge=1)


class Expiry(OwnerModel):
    after_inactive_days: Days
    warn_days_before: Days

    @model_validator(mode="after")
    def _warning_fits(self) -> Expiry:
        if self.warn_days_before >= self.after_inactive_days:
            raise ValueError(
                "warn_days_before must be less than after_inactive_days, "
                "or the warning would come before the points can expire"
            )
        return self


class Loyalty(OwnerModel):
    earning: Earning
    pending: Pending = Pending()
    tiers: Tiers | None = None
    certificates: tuple[CertificateRule, ...] = ()
    free_shipping: FreeShipping | None = None
    birthday: Birthday | None = None
    referral: Referral | None = None
    expiry: Expiry | None = None


class Reward(OwnerModel):
    id: Slug
    title: LocalizedText
    points: Points
    description: LocalizedText


__all__ = [
    "Birthday",
    "CategoryBonus",
    "CertificateRule",
    "Earning",
    "Exclusions",
    "Expiry",
    "FreeShipping",
    "Loyalty",
    "Pending",
    "Referral",
    "Reward",
    "Rounding",
    "Tier",
    "Tiers",
]
