"""An RFM score ("2-4-3") as the kind of customer it describes, in an owner's words.

The score gives 1 to 5 for how recently, how often and how much a customer
bought, against every other buyer (5 best). The groups follow the usual
reading of such scores: a recent customer who comes often is one of the
best; one who came often or spent much but not lately must not be lost.
"""

from __future__ import annotations

SEGMENTS = (
    "champion",
    "promising",
    "needs_attention",
    "cant_lose",
    "at_risk",
    "hibernating",
)


def segment(rfm: str) -> str:
    recency, frequency, money = (int(score) for score in rfm.split("-"))
    if recency >= 4:
        return "champion" if frequency >= 4 else "promising"
    if recency == 3:
        return "needs_attention"
    if frequency >= 4 or money >= 4:
        return "cant_lose"
    if frequency >= 3 or money >= 3:
        return "at_risk"
    return "hibernating"
