"""The home page: the programme in three steps, its tiers, a few rewards and
the latest newsletter, with the way to join first and last.

Every number comes from program.yaml, as on the terms page; the cards are
plain HTML (styled in site.css), the rest Markdown.
"""

from __future__ import annotations

import html

from ..mail.strings import Strings
from ..programme import Programme
from .archive import ArchivedIssue
from .markdown import CUSTOMER_PAGE, cell, heading
from .words import owner_text

REWARDS_SHOWN = 3
_e = html.escape  # quotes too: the texts land in attributes and elements alike


def home_page(
    programme: Programme, locale: str, words: Strings, latest: ArchivedIssue | None
) -> str:
    programme_file = programme.programme_file
    business = owner_text(programme, programme_file.business.name, locale)
    fmt = words.formatter
    earning = programme_file.loyalty.earning
    rewards = sorted(programme_file.rewards, key=lambda reward: reward.points)
    join = f'<a class="md-button md-button--primary" href="signup/">{_e(words("home.join"))}</a>'
    parts = [
        heading(1, business),
        f'<p class="sb-lead">{_e(words("home.intro"))}</p>',
        f'<p class="sb-actions">{join} '
        f'<a class="md-button" href="points/">{_e(words("home.check_points"))}</a></p>',
        heading(2, words("home.steps_title")),
        _steps(
            [
                words("home.step_join"),
                words(
                    "home.step_earn",
                    points=words.points(earning.points),
                    amount=fmt.money(earning.per),
                ),
                *(
                    [words("home.step_spend", points=words.points(rewards[0].points))]
                    if rewards
                    else []
                ),
            ]
        ),
    ]
    tiers = programme_file.loyalty.tiers
    if tiers is not None and len(tiers.levels) > 1:
        cards = []
        for tier in tiers.levels:
            since = (
                words("home.tier", amount=fmt.money(tier.min_spend), months=tiers.window_months)
                if tier.min_spend
                else words("home.tier_first")
            )
            perks = [words("home.tier_times", multiplier=fmt.number(tier.multiplier))]
            if tier.free_shipping:
                perks.append(words("home.tier_shipping"))
            cards.append(
                f'<li class="sb-card"><strong>{_e(owner_text(programme, tier.name, locale))}'
                f"</strong><span>{_e(since)}</span>"
                f'<span class="sb-card__value">{_e(" · ".join(perks))}</span></li>'
            )
        parts += [heading(2, words("home.tiers_title")), _cards(cards)]
    if rewards:
        cards = [
            f'<li class="sb-card"><strong>{_e(owner_text(programme, reward.title, locale))}'
            f'</strong><span class="sb-card__value">{_e(words.points(reward.points))}</span>'
            f"<span>{_e(owner_text(programme, reward.description, locale))}</span></li>"
            for reward in rewards[:REWARDS_SHOWN]
        ]
        parts += [
            heading(2, words("home.rewards_title")),
            _cards(cards),
            f"[{words('home.all_rewards')}](rewards.md)",
        ]
    if latest is not None:
        parts += [
            heading(2, words("home.latest_title")),
            f"**[{cell(latest.subject)}](newsletters/{latest.slug}/)** — "
            f"{fmt.date(latest.sent_at.date())}",
            _e(latest.preheader),
            f"[{words('home.all_newsletters')}](newsletters/index.md)",
        ]
    parts += [
        words("home.no_fine_print") + f" [{words('home.read_terms')}](terms.md)",
        f'<p class="sb-actions">{join}</p>',
    ]
    return CUSTOMER_PAGE + "\n\n".join(parts) + "\n"


def _steps(steps: list[str]) -> str:
    items = "".join(f"<li>{_e(step)}</li>" for step in steps)
    return f'<ol class="sb-steps">{items}</ol>'


def _cards(cards: list[str]) -> str:
    return f'<ul class="sb-cards">{"".join(cards)}</ul>'
