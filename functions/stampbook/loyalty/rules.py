"""The slice of the programme the engine executes, with its version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # the engine runs on the models; it need not build them to load
    from ..program import Programme
    from ..program.rules import Loyalty, Reward, Tier


@dataclass(frozen=True)
class Rules:
    loyalty: Loyalty
    currency: str
    rewards: Mapping[str, Reward]
    version: str
    timezone: ZoneInfo

    @classmethod
    def of(cls, programme: Programme) -> Rules:
        program = programme.program
        return cls(
            loyalty=program.loyalty,
            currency=program.currency,
            rewards={reward.id: reward for reward in program.rewards},
            version=programme.rules_version,
            timezone=ZoneInfo(program.business.timezone),
        )

    def tier(self, tier_id: str | None) -> Tier | None:
        tiers = self.loyalty.tiers
        if tiers is None or tier_id is None:
            return None
        return next((tier for tier in tiers.levels if tier.id == tier_id), None)

    def tier_for_spend(self, spend: Decimal) -> Tier | None:
        """The highest tier whose threshold `spend` reaches (tiers are listed lowest first)."""
        tiers = self.loyalty.tiers
        if tiers is None:
            return None
        reached = [tier for tier in tiers.levels if spend >= tier.min_spend]
        return reached[-1] if reached else None

    def rank(self, tier_id: str | None) -> int:
        tiers = self.loyalty.tiers
        ids = [tier.id for tier in tiers.levels] if tiers else []
        return ids.index(tier_id) if tier_id in ids else -1
