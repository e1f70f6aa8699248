"""A customer's own points page: what the magic link shows, in their language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..loyalty.tiers import spend_in_window
from ..records.customers import Customer

if TYPE_CHECKING:
    from ..programme.business import ProgrammeFile
    from .loyalty import LoyaltyService


def points_page(
    loyalty: LoyaltyService, programme_file: ProgrammeFile, customer: Customer, locale: str
) -> dict[str, Any]:
    """Balance, tier and the way to the next, pending and expiring points, certificates,
    rewards affordable now, and the history. Amounts are strings: never a float."""
    rules, now = loyalty.rules, loyalty.clock()
    history = loyalty.store.history(customer.customer_id)  # read once: the page shows it all
    statement = loyalty.statement_of(history)

    def text(localized: Any) -> str:
        return str(localized.get(locale, programme_file.locales.default))

    tier = rules.tier(statement["tier"])
    levels = rules.loyalty.tiers.levels if rules.loyalty.tiers else ()
    higher = [level for level in levels if tier is None or level.min_spend > tier.min_spend]
    following = higher[0] if higher and higher[0] is not tier else None
    spend = spend_in_window(rules, history, now)
    available = int(statement["available"])
    return {
        "name": customer.name,
        "available": available,
        "pending": int(statement["pending"]),
        "tier": {"id": tier.id, "name": text(tier.name)} if tier else None,
        "next_tier": (
            {
                "id": following.id,
                "name": text(following.name),
                "spend_needed": str(max(following.min_spend - spend, 0)),
            }
            if following
            else None
        ),
        "currency": rules.currency,
        "expiring": (
            {"points": available, "at": statement["expires_at"]}
            if statement["expires_at"]
            else None
        ),
        "certificates": statement["certificates"],
        "rewards": [
            {"id": reward.id, "title": text(reward.title), "points": reward.points}
            for reward in rules.rewards.values()
            if reward.points <= available
        ],
        "history": statement["entries"],
    }
