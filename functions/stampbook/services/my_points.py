"""A customer's own points page: what the magic link shows, in their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..loyalty.tiers import spend_in_window
from ..records.customers import Customer
from .results import CertificateHeld, LedgerLine

if TYPE_CHECKING:
    from ..programme.business import ProgrammeFile
    from .loyalty import LoyaltyService


@dataclass(frozen=True, slots=True)
class TierShown:
    id: str
    name: str  # in the reader's language


@dataclass(frozen=True, slots=True)
class NextTier:
    id: str
    name: str
    spend_needed: Decimal  # still to spend, in the programme's currency, major units


@dataclass(frozen=True, slots=True)
class Expiring:
    points: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Affordable:
    """A reward of the catalogue the customer has the points for now."""

    id: str
    title: str
    points: int


@dataclass(frozen=True, slots=True)
class PointsPage:
    """Balance, tier and the way to the next, pending and expiring points, certificates,
    rewards affordable now, and the history."""

    name: str
    available: int
    pending: int
    tier: TierShown | None
    next_tier: NextTier | None
    currency: str
    expiring: Expiring | None
    certificates: tuple[CertificateHeld, ...]
    rewards: tuple[Affordable, ...]
    history: tuple[LedgerLine, ...]

    @classmethod
    def of_nobody(cls, currency: str) -> PointsPage:
        """The page of a customer erased since their link was sent: nothing to show."""
        return cls("", 0, 0, None, None, currency, None, (), (), ())

    def as_json(self) -> dict[str, Any]:
        """Amounts are strings: never a float."""
        tier, following, expiring = self.tier, self.next_tier, self.expiring
        return {
            "name": self.name,
            "available": self.available,
            "pending": self.pending,
            "tier": {"id": tier.id, "name": tier.name} if tier else None,
            "next_tier": (
                {
                    "id": following.id,
                    "name": following.name,
                    "spend_needed": str(following.spend_needed),
                }
                if following
                else None
            ),
            "currency": self.currency,
            "expiring": (
                {"points": expiring.points, "at": expiring.at.isoformat()} if expiring else None
            ),
            "certificates": [certificate.as_json() for certificate in self.certificates],
            "rewards": [
                {"id": reward.id, "title": reward.title, "points": reward.points}
                for reward in self.rewards
            ],
            "history": [line.as_json() for line in self.history],
        }


def points_page(
    loyalty: LoyaltyService, programme_file: ProgrammeFile, customer: Customer, locale: str
) -> PointsPage:
    """What the customer's points page shows, in `locale`."""
    rules, now = loyalty.rules, loyalty.clock()
    history = loyalty.store.history(customer.customer_id)  # read once: the page shows it all
    statement = loyalty.statement_of(history)

    def text(localized: Any) -> str:
        return str(localized.get(locale, programme_file.locales.default))

    tier = rules.tier(statement.tier)
    levels = rules.loyalty.tiers.levels if rules.loyalty.tiers else ()
    higher = [level for level in levels if tier is None or level.min_spend > tier.min_spend]
    following = higher[0] if higher and higher[0] is not tier else None
    spend = spend_in_window(rules, history, now)
    needed = following.min_spend - spend if following else Decimal(0)
    available = statement.available
    return PointsPage(
        name=customer.name,
        available=available,
        pending=statement.pending,
        tier=TierShown(tier.id, text(tier.name)) if tier else None,
        next_tier=(
            NextTier(following.id, text(following.name), needed if needed >= 0 else Decimal(0))
            if following
            else None
        ),
        currency=rules.currency,
        expiring=Expiring(available, statement.expires_at) if statement.expires_at else None,
        certificates=statement.certificates,
        rewards=tuple(
            Affordable(reward.id, text(reward.title), reward.points)
            for reward in rules.rewards.values()
            if reward.points <= available
        ),
        history=statement.entries,
    )
