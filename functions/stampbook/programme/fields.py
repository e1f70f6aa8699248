"""Field types shared by the owner's files.

References to other things the owner declared (a reward id, a tier, a
locale, an interest) carry an `x-stampbook-ref` mark in the JSON Schema; the
schema exporter turns the mark into the list of ids that exist, so an editor
can autocomplete them and flag a dangling one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

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
