"""The programme terms and the rewards catalogue, in plain words, from `program.yaml`.

Each rule kind has one paragraph; a rule the owner did not set is not
mentioned. Numbers are formatted for the reader's locale and examples are
computed by the engine (`examples.py`).
"""

from __future__ import annotations

from decimal import Decimal

from ..mail.strings import Strings
from ..programme import Programme
from ..programme.rules import Loyalty
from ..programme.text import LocalizedText
from . import examples
from .markdown import cell, heading, table
from .words import owner_text


class Terms:
    """The terms page of one programme in one locale."""

    def __init__(self, programme: Programme, locale: str, words: Strings) -> None:
        self.programme = programme
        self.programme_file = programme.programme_file
        self.locale = locale
        self.t = words
        self.fmt = words.formatter

    def _text(self, text: LocalizedText) -> str:
        return owner_text(self.programme, text, self.locale)

    def _category(self, category_id: str) -> str:
        found = next((c for c in self.programme_file.categories if c.id == category_id), None)
        return self._text(found.name) if found else category_id

    def _times(self, multiplier: Decimal) -> str:
        return self.t("terms.times", multiplier=self.fmt.number(multiplier))

    def page(self) -> str:
        loyalty = self.programme_file.loyalty
        business = self._text(self.programme_file.business.name)
        parts = [
            heading(1, self.t("nav.terms")),
            self.t("terms.intro", business=business),
            *self.earning(loyalty),
            *self.pending(loyalty),
            *self.refunds(loyalty),
            *self.tiers(loyalty),
            *self.certificates(loyalty),
            *self.shipping(loyalty),
            *self.birthday(loyalty),
            *self.referral(loyalty),
            *self.expiry(loyalty),
            heading(2, self.t("terms.rewards_title")),
            f"[{self.t('terms.rewards_link')}](rewards.md)",
            "_" + self.t("terms.version", version=self.programme.rules_version) + "_",
        ]
        return "\n\n".join(parts) + "\n"

    def earning(self, loyalty: Loyalty) -> list[str]:
        earning = loyalty.earning
        amount = examples.example_amount(earning)
        exclude = earning.exclude
        lines = [
            heading(2, self.t("terms.earning_title")),
            self.t(
                "terms.earning",
                points=self.t.points(earning.points),
                amount=self.fmt.money(earning.per),
            )
            + " "
            + self.t(f"terms.rounding_{earning.rounding}"),
            self.t(
                "terms.example",
                amount=self.fmt.money(amount),
                points=self.t.points(examples.points(earning, amount)),
            ),
        ]
        rules = [
            self.t("terms.shipping_excluded" if exclude.shipping else "terms.shipping_included"),
            self.t("terms.tax_excluded" if exclude.tax else "terms.tax_included"),
        ]
        if exclude.categories:
            names = ", ".join(self._category(c) for c in exclude.categories)
            rules.append(self.t("terms.categories_excluded", categories=names))
        for bonus in earning.category_bonuses:
            name = self._category(bonus.category)
            earned = examples.points(earning, amount, bonus.category)
            rules.append(
                self.t("terms.bonus", category=name, multiplier=self.fmt.number(bonus.multiplier))
                + " "
                + self.t(
                    "terms.bonus_example",
                    amount=self.fmt.money(amount),
                    category=name,
                    points=self.t.points(earned),
                )
            )
        return [*lines, "\n".join(f"- {rule}" for rule in rules)]

    def pending(self, loyalty: Loyalty) -> list[str]:
        days = loyalty.pending.days
        text = (
            self.t("terms.pending", days=self.fmt.number(days))
            if days
            else self.t("terms.pending_none")
        )
        return [heading(2, self.t("terms.pending_title")), text]

    def refunds(self, loyalty: Loyalty) -> list[str]:
        example = examples.refund_example(loyalty.earning)
        parts = [heading(2, self.t("terms.refunds_title")), self.t("terms.refunds")]
        if loyalty.pending.days:
            parts.append(self.t("terms.refunds_pending"))
        parts.append(self.t("terms.refunds_spent"))
        parts.append(
            self.t(
                "terms.refund_example",
                total=self.fmt.money(example.total),
                earned=self.t.points(example.earned),
                returned=self.fmt.money(example.returned),
                taken=self.t.points(example.taken),
                kept=self.fmt.money(example.kept),
                left=self.t.points(example.left),
            )
        )
        return parts

    def tiers(self, loyalty: Loyalty) -> list[str]:
        tiers = loyalty.tiers
        if tiers is None:
            return []
        months = self.fmt.number(tiers.window_months)
        rows = [
            [
                self._text(tier.name),
                self.fmt.money(tier.min_spend),
                self._times(tier.multiplier),
                self.t("terms.included" if tier.free_shipping else "terms.not_included"),
            ]
            for tier in tiers.levels
        ]
        header = [
            self.t("terms.tier_name"),
            self.t("terms.tier_from", months=months),
            self.t("terms.tier_multiplier"),
            self.t("terms.tier_shipping"),
        ]
        amount = examples.example_amount(loyalty.earning)
        worked = [
            "- "
            + self.t(
                "terms.tier_example",
                tier=self._text(tier.name),
                amount=self.fmt.money(amount),
                points=self.t.points(
                    examples.points(loyalty.earning, amount, multiplier=tier.multiplier)
                ),
            )
            for tier in tiers.levels
        ]
        return [
            heading(2, self.t("terms.tiers_title")),
            self.t("terms.tiers", months=months) + " " + self.t("terms.tiers_bonus"),
            table(header, rows),
            "\n".join(worked),
        ]

    def certificates(self, loyalty: Loyalty) -> list[str]:
        if not loyalty.certificates:
            return []
        offers = [
            "- "
            + self.t(
                "terms.certificate",
                spend=self.fmt.money(rule.spend),
                months=self.fmt.number(rule.within_months),
                value=self.fmt.money(rule.value),
                days=self.fmt.number(rule.valid_days),
            )
            for rule in loyalty.certificates
        ]
        return [
            heading(2, self.t("terms.certificates_title")),
            "\n".join(offers),
            self.t("terms.certificates_rules"),
        ]

    def shipping(self, loyalty: Loyalty) -> list[str]:
        rules = []
        if loyalty.free_shipping is not None:
            rules.append(
                self.t("terms.shipping_over", amount=self.fmt.money(loyalty.free_shipping.over))
            )
        for tier in loyalty.tiers.levels if loyalty.tiers else ():
            if tier.free_shipping:
                rules.append(self.t("terms.shipping_tier", tier=self._text(tier.name)))
        if not rules:
            return []
        return [heading(2, self.t("terms.shipping_title")), "\n".join(f"- {r}" for r in rules)]

    def birthday(self, loyalty: Loyalty) -> list[str]:
        if loyalty.birthday is None:
            return []
        text = self.t(
            "terms.birthday",
            points=self.t.points(loyalty.birthday.points),
            days=self.fmt.number(loyalty.birthday.min_days_known),
        )
        return [heading(2, self.t("terms.birthday_title")), text]

    def referral(self, loyalty: Loyalty) -> list[str]:
        rule = loyalty.referral
        if rule is None:
            return []
        text = self.t(
            "terms.referral",
            referrer=self.t.points(rule.referrer_points),
            referred=self.t.points(rule.referred_points),
        )
        if rule.max_per_month is not None:
            text += " " + self.t("terms.referral_limit", count=rule.max_per_month)
        return [heading(2, self.t("terms.referral_title")), text]

    def expiry(self, loyalty: Loyalty) -> list[str]:
        if loyalty.expiry is None:
            return []
        text = self.t(
            "terms.expiry",
            days=self.fmt.number(loyalty.expiry.after_inactive_days),
            warn=self.fmt.number(loyalty.expiry.warn_days_before),
        )
        return [heading(2, self.t("terms.expiry_title")), text]


def terms_page(programme: Programme, locale: str, words: Strings) -> str:
    return Terms(programme, locale, words).page()


def rewards_page(programme: Programme, locale: str, words: Strings) -> str:
    rewards = programme.programme_file.rewards
    parts = [heading(1, words("nav.rewards")), words("rewards.intro")]
    if rewards:
        rows = [
            [
                f"**{cell(owner_text(programme, reward.title, locale))}**<br>"
                + cell(owner_text(programme, reward.description, locale)),
                words.points(reward.points),
            ]
            for reward in sorted(rewards, key=lambda r: r.points)
        ]
        parts.append(table([words("rewards.reward"), words("rewards.costs")], rows))
    else:
        parts.append(words("rewards.none"))
    return "\n\n".join(parts) + "\n"
