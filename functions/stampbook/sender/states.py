"""Which way a campaign may move.

draft -> scheduled -> sending -> (paused) -> finished, or cancelled from any but finished.
"""

from __future__ import annotations

from ..store.sends import CampaignState

DRAFT, SCHEDULED, SENDING, PAUSED, FINISHED, CANCELLED = (
    CampaignState.DRAFT,
    CampaignState.SCHEDULED,
    CampaignState.SENDING,
    CampaignState.PAUSED,
    CampaignState.FINISHED,
    CampaignState.CANCELLED,
)

# To a state, from the states that may lead there. Finished and cancelled
# are final: a finished issue is never sent twice, a cancelled one never resumes.
MOVES: dict[CampaignState, frozenset[CampaignState]] = {
    SCHEDULED: frozenset({DRAFT}),
    SENDING: frozenset({DRAFT, SCHEDULED, PAUSED}),
    PAUSED: frozenset({SENDING}),
    CANCELLED: frozenset({DRAFT, SCHEDULED, SENDING, PAUSED}),
}


class CampaignMoveRefused(ValueError):
    """The campaign is not in a state this command can move it from."""

    def __init__(self, slug: str, current: CampaignState, to: CampaignState) -> None:
        allowed = ", ".join(sorted(state.value for state in MOVES[to]))
        super().__init__(
            f"campaign {slug} is {current.value}; it can become {to.value} only from {allowed}"
        )
