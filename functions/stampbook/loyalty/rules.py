"""The slice of the programme the engine executes, with its version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # the engine runs on the models; it need not build them to load
    from ..programme import Programme
    from ..programme.rules import Loyalty, Reward, Tier


@dataclass(frozen=True)
class Rules:
    loyalty: Loyalty
    currency: str
    rewards: Mapping[str, Reward]
    version: str
    timezone: ZoneInfo

    @classmethod
    def of(cls, programme: Programme) -> Rules:
        programme_file = programme.programme_file
        return cls(
            loyalty=programme_file.loyalty,
            currency=programme_file.currency,
            rewards={reward.id: reward for reward in programme_file.rewards},
            version=programme.rules_version,
            timezone=ZoneInfo(programme_file.business.timezone),
        )

    def tier(self, tier_id: str | None) -> Tier | None:
        return self._tiers.get(tier_id) if tier_id is not None else None

    def tier_for_spend(self, spend: Decimal) -> Tier | None:
        """The highest tier whose threshold `spend` reaches (tiers are listed lowest first)."""
        tiers = self.loyalty.tiers
        if tiers is None:
            return None
        reached = [tier for tier in tiers.levels if spend >= tier.min_spend]
        return reached[-1] if reached else None

    def rank(self, tier_id: str | None) -> int:
        return self._ranks.get(tier_id, -1) if tier_id is not None else -1

    # Asked at every purchase: looked up by id, not searched for.
    @cached_property
    def _tiers(self) -> dict[str, Tier]:
        tiers = self.loyalty.tiers
        return {tier.id: tier for tier in tiers.levels} if tiers else {}

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {tier_id: rank for rank, tier_id in enumerate(self._tiers)}
