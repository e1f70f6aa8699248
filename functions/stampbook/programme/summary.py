"""A readable overview of a loaded programme, for the owner's terminal."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from rich.console import Console
from rich.table import Table

from .loader import Programme


def print_summary(programme: Programme, console: Console) -> None:
    programme_file = programme.programme_file
    locale = programme_file.locales.default
    loyalty = programme_file.loyalty

    def money(amount: Decimal) -> str:
        return format_currency(amount, programme_file.currency, locale=locale)

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
        f"{earning.points} points per {money(earning.per)} spent, rounded {earning.rounding}",
        *(
            f"{bonus.category}: points x{format_decimal(bonus.multiplier, locale=locale)}"
            for bonus in earning.category_bonuses
        ),
        f"points pending for {loyalty.pending.days} days (return window)",
    ]
    if loyalty.free_shipping:
        lines.append(f"free shipping over {money(loyalty.free_shipping.over)}")
    if loyalty.birthday:
        lines.append(f"birthday bonus: {loyalty.birthday.points} points")
    if loyalty.referral:
        lines.append(
            f"referral: {loyalty.referral.referrer_points} points to the referrer, "
            f"{loyalty.referral.referred_points} to the new customer"
        )
    if loyalty.expiry:
        lines.append(
            f"points expire after {loyalty.expiry.after_inactive_days} days without a purchase "
            f"(warning {loyalty.expiry.warn_days_before} days before)"
        )
    for rule in loyalty.certificates:
        lines.append(
            f"certificate {rule.id}: spend {money(rule.spend)} within {rule.within_months} "
            f"months -> {money(rule.value)} valid {rule.valid_days} days"
        )
    console.print("\n".join(f"  • {line}" for line in lines))

    if loyalty.tiers:
        tiers = Table(title=f"Tiers (spend over {loyalty.tiers.window_months} months)")
        for column in ("tier", "from", "points x", "free shipping"):
            tiers.add_column(column)
        for tier in loyalty.tiers.levels:
            tiers.add_row(
                text(tier.name),
                money(tier.min_spend),
                format_decimal(tier.multiplier, locale=locale),
                "yes" if tier.free_shipping else "",
            )
        console.print(tiers)

    rewards = Table(title="Rewards")
    for column in ("id", "reward", "points"):
        rewards.add_column(column)
    for reward in programme_file.rewards:
        rewards.add_row(reward.id, text(reward.title), str(reward.points))
    console.print(rewards)

    automations = programme.automations
    switched_on = [
        name
        for name in type(automations).model_fields
        if getattr(automations, name) is not None and getattr(automations, name).enabled
    ]
    console.print(f"Automatic emails on: {', '.join(switched_on) or 'none'}")
    letters = Table(title="Newsletters")
    for column in ("slug", "subject", "send at", "archive"):
        letters.add_column(column)
    for letter in programme.newsletters:
        letters.add_row(
            letter.slug,
            text(letter.subject),
            str(letter.send_at or "when sent"),
            "public" if letter.public else "",
        )
    console.print(letters)
