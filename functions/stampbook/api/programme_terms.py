"""What the loaded programme allows, written into the OpenAPI document it serves.

The server checks a category, a reward, a language, an interest, the currency,
the business's decimals, the largest line and a till's dates against the
programme it runs. The document served beside it is built from that same
programme (and today's date), so its lists and bounds are the server's own.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING, Any

from .formats import DECIMALS, money

if TYPE_CHECKING:
    from ..bootstrap import App

# RFC 3339 after the date, as pydantic reads it; the offset is required.
_TIME = (
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)


def placed_at(today: date, first: date, last: date) -> dict[str, Any]:
    """A till's date-time, on a date the server takes today and tomorrow alike.

    The server takes `first` to `last`; a day less at either end keeps the
    list true for a client that read it yesterday, or reads it at midnight.
    """
    days = [first + timedelta(days=n) for n in range(1, (last - first).days)]
    return {
        "type": "string",
        "pattern": "^(" + "|".join(day.isoformat() for day in days) + ")" + _TIME,
        "description": f"With its offset; dated {days[0]} to {days[-1]} on {today}"
        " (older orders: `stampbook purchases import`)",
    }


def with_the_programme(document: dict[str, Any], app: App) -> dict[str, Any]:
    """`document` with the lists and bounds of the programme `app` runs, as of its clock."""
    programme = app.programme.programme_file
    rules = app.loyalty.rules
    schemas = document["components"]["schemas"]
    decimals = DECIMALS if programme.money.decimals is None else programme.money.decimals
    amount = money(decimals)

    line = schemas["Line"]["properties"]
    line["category"]["enum"] = [category.id for category in programme.categories]
    line["amount"] = money(decimals, programme.till.largest_line)
    purchase = schemas["PurchaseIn"]["properties"]
    purchase["currency"]["anyOf"][0]["enum"] = [rules.currency]
    purchase["shipping"] = purchase["tax"] = amount
    today = app.loyalty.clock().astimezone(UTC).date()  # as the till's routes count
    purchase["placed_at"] = placed_at(
        today, *programme.till.dates(today, rules.loyalty.pending.days)
    )
    refund = schemas["RefundIn"]["properties"]
    refund["lines"]["additionalProperties"] = refund["tax"] = amount
    schemas["RedemptionIn"]["properties"]["reward"]["enum"] = [
        reward.id for reward in rules.rewards.values()
    ]

    locales = list(programme.locales.available)
    interests = [interest.id for interest in programme.interests]
    subscribe = schemas["SubscribeIn"]["properties"]
    subscribe["locale"]["enum"] = locales
    subscribe["interests"]["items"]["enum"] = interests
    preferences = schemas["PreferencesIn"]["properties"]
    preferences["locale"]["anyOf"][0]["enum"] = locales
    preferences["interests"]["anyOf"][0]["items"]["enum"] = interests
    return document
