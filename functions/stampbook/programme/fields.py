"""Field types shared by the owner's files.

References to other things the owner declared (a reward id, a tier, a
locale, an interest) carry an `x-stampbook-ref` mark in the JSON Schema; the
schema exporter turns the mark into the list of ids that exist, so an editor
can autocomplete them and flag a dangling one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(_[A-Z]{2})?$"

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
"""An identifier the owner picks: lowercase letters, digits, `-` and `_`."""

MONEY = {"x-stampbook-money": True}

Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, json_schema_extra=MONEY)]
"""Money in the programme's currency, in major units (`2500` or `2500.50`)."""

PositiveAmount = Annotated[Decimal, Field(gt=0, allow_inf_nan=False, json_schema_extra=MONEY)]

Points = Annotated[int, Field(gt=0)]
Days = Annotated[int, Field(gt=0, le=3660)]
DaysOrZero = Annotated[int, Field(ge=0, le=3660)]
Months = Annotated[int, Field(gt=0, le=120)]
Multiplier = Annotated[Decimal, Field(gt=0, le=100, allow_inf_nan=False)]

LARGEST_HOLDOUT = Decimal("0.5")


def _holdout_share(value: object) -> Decimal:
    """`10%` as 0.10. Written as a percentage only: a bare 10 or 0.1 could mean either."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if value == 0:
            return Decimal(0)
        raise ValueError(
            f"write the share as a percentage, e.g. `holdout: 10%` for one person in ten"
            f" (not a bare {value}, which could be read two ways)"
        )
    text = value.strip() if isinstance(value, str) else str(value)
    number = text.removesuffix("%").strip()
    if not text.endswith("%") or not number.lstrip("-").replace(".", "", 1).isdigit():
        raise ValueError(f"write the share as a percentage, e.g. `holdout: 10%` (not {text!r})")
    share = Decimal(number) / 100
    if share < 0:
        raise ValueError(f"{text} is below zero: a holdout is from 0% to 50%")
    if share > LARGEST_HOLDOUT:
        raise ValueError(
            f"{text} would hold out more people than it sends to; at most 50%"
            " (10% is usual: enough to measure, few left without the email)"
        )
    return share


Holdout = Annotated[
    Decimal,
    BeforeValidator(_holdout_share),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*(50|[1-4]?[0-9])(\.[0-9]+)?\s*%\s*$"},
                {"const": 0},
            ],
            "description": "A share kept from the email to measure what it brings, e.g. 10%",
        }
    ),
]
"""The share of an email's audience chosen at random not to get it (`10%`), kept so the
report can compare them with those who got it; 0 by default."""


def _reference(kind: str) -> object:
    return Field(json_schema_extra={"x-stampbook-ref": kind})


TierRef = Annotated[str, _reference("tier")]
RewardRef = Annotated[str, _reference("reward")]
LocaleRef = Annotated[str, _reference("locale")]
InterestRef = Annotated[str, _reference("interest")]
CategoryRef = Annotated[str, _reference("category")]


class OwnerModel(BaseModel):
    """Base of every model read from the owner's files: immutable, strict about keys."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
        arbitrary_types_allowed=False,
    )
