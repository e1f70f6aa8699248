"""A readable overview of a loaded programme, for the owner's terminal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from babel.numbers import format_decimal
from rich.console import Console
from rich.markup import escape

from ..tables import fitted
from .automations import HolidayGreeting, Holidays
from .currencies import written_money
from .loader import Programme
from .rules import Exclusions


def points(count: int) -> str:
    return f"{count} point" if count == 1 else f"{count} points"


def listed(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    words = list(items)
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


def print_summary(programme: Programme, console: Console, today: dt.date) -> None:
    """`today`: the business's own day, from which the next greetings are counted."""
    programme_file = programme.programme_file
    locale = programme_file.locales.default
    loyalty = programme_file.loyalty

    def money(amount: Decimal) -> str:
        from babel import Locale

        owner = programme_file.money
        return written_money(
            amount, programme_file.currency, Locale.parse(locale), owner.decimals, owner.sign
        )

    def text(value: object) -> str:
        return value.get(locale) if hasattr(value, "get") else str(value)

    business = programme_file.business
    languages = ", ".join(programme_file.locales.available)
    console.print(
        f"[bold]{text(business.name)}[/bold] — {business.legal_name}\n"
        f"currency {programme_file.currency}, languages {languages} "
        f"(default {locale}), rules version {programme.rules_version}"
    )
    earning = loyalty.earning
    lines = [
        f"{points(earning.points)} per {money(earning.per)} spent, rounded {earning.rounding}",
        *_what_earns(earning.exclude),
        *(
            f"{bonus.category}: points x{format_decimal(bonus.multiplier, locale=locale)}"
            for bonus in earning.category_bonuses
        ),
        f"points pending for {loyalty.pending.days} days (return window)",
    ]
    if loyalty.free_shipping:
        # The engine ships free from the threshold itself: "or more", not "over".
        lines.append(f"free shipping on orders of {money(loyalty.free_shipping.over)} or more")
    if loyalty.birthday:
        lines.append(f"birthday bonus: {points(loyalty.birthday.points)}")
    if loyalty.referral:
        lines.append(
            f"referral: {points(loyalty.referral.referrer_points)} to the referrer, "
            f"{points(loyalty.referral.referred_points)} to the new customer"
            + (
                f", at most {loyalty.referral.max_per_month} a month to one referrer"
                if loyalty.referral.max_per_month is not None
                else ""
            )
        )
    if loyalty.expiry:
        lines.append(
            f"points expire after {loyalty.expiry.after_inactive_days} days without a purchase "
            f"(warning {loyalty.expiry.warn_days_before} days before)"
        )
    for rule in loyalty.certificates:
        lines.append(
            f"certificate {rule.id}: spend {money(rule.spend)} or more within "
            f"{rule.within_months} months -> {money(rule.value)} valid {rule.valid_days} days"
        )
    console.print("\n".join(f"  • {line}" for line in lines))

    if loyalty.tiers:
        tiers = [
            [
                text(tier.name),
                money(tier.min_spend),
                format_decimal(tier.multiplier, locale=locale),
                "yes" if tier.free_shipping else "",
            ]
            for tier in loyalty.tiers.levels
        ]
        title = f"Tiers (spend over {loyalty.tiers.window_months} months)"
        _table(console, title, ["tier", "from", "points x", "free shipping"], tiers)
    rewards = [
        [reward.id, text(reward.title), str(reward.points)] for reward in programme_file.rewards
    ]
    _table(console, "Rewards", ["id", "reward", "points"], rewards)

    automations = programme.automations
    switched_on = [
        name + (f" ({held} held out)" if (held := _holdout(getattr(automations, name))) else "")
        for name in type(automations).model_fields
        if getattr(automations, name) is not None and getattr(automations, name).enabled
    ]
    console.print(f"Automatic emails on: {', '.join(switched_on) or 'none'}")
    if automations.holidays:
        print_greetings(automations.holidays, console, today)
    letters = [
        [
            letter.slug,
            text(letter.subject),
            str(letter.send_at or "when sent"),
            "public" if letter.public else "",
            _holdout(letter),
        ]
        for letter in programme.newsletters
    ]
    columns = ["slug", "subject", "send at", "archive", "held out"]
    _table(console, "Newsletters", columns, letters)


def _table(console: Console, title: str, columns: list[str], rows: list[list[str]]) -> None:
    """A table of the programme's own words (a subject may hold brackets), whole where it
    fits the terminal: a slug the owner types next is never cut short."""
    cells = [[escape(cell) for cell in row] for row in rows]
    console.print(fitted(title, columns, cells, console.width, title_justify="center"))


def _holdout(section: object) -> str:
    """`10%` for an email with a holdout, else nothing."""
    share = getattr(section, "holdout", 0)
    return f"{float(share * 100):g}%" if share else ""


def _what_earns(exclude: Exclusions) -> list[str]:
    """`no points on shipping and gift-cards`, `tax earns points too`."""
    parts = {"shipping": exclude.shipping, "tax": exclude.tax}
    excluded = [part for part, out in parts.items() if out] + list(exclude.categories)
    included = [part for part, out in parts.items() if not out]
    lines = [f"no points on {listed(excluded)}"] if excluded else []
    if included:
        lines.append(f"{listed(included)} earn{'s' if len(included) == 1 else ''} points too")
    return lines


def print_greetings(holidays: Holidays, console: Console, today: dt.date) -> None:
    """Each holiday greeting, when it goes and the next day it will."""
    off = "" if holidays.enabled else " — switched off"
    greetings = []
    for greeting in holidays.greetings:
        following = greeting.next_day(today)
        greetings.append(
            [
                greeting.id,
                _when(greeting),
                following.isoformat() if following else "passed",
                ", ".join(greeting.locales) or "all",
            ]
        )
    columns = ["id", "when", "next", "languages"]
    _table(console, f"Holiday greetings{off}", columns, greetings)


def _when(greeting: HolidayGreeting) -> str:
    if greeting.holiday is not None:
        return f"{greeting.holiday.name} ({greeting.holiday.country})"
    if greeting.date is not None and len(greeting.date) == len("MM-DD"):
        return f"every {greeting.date}"
    return f"once, {greeting.date}"
