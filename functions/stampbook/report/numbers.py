"""Exact shares and averages, rounded once for showing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SHARE = Decimal("0.0001")  # shares are shown to a hundredth of a per cent
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


def ratio(part: int, whole: int, step: Decimal = SHARE) -> Decimal | None:
    """`part / whole` rounded half up to `step`; None when there is nothing to divide by."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(step, rounding=ROUND_HALF_UP)


def ceil_div(part: int, whole: int) -> int:
    return -(-part // whole)


# A figure that rests on fewer customers than this is shown with a warning.
FEW = 20
