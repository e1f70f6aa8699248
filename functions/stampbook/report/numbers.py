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


def rounded(part: int, whole: int, places: int) -> Decimal:
    """`part / whole` rounded half up to `places` decimals, as `ratio` rounds it, worked out
    in whole numbers: for the thousands of figures of a long list. `whole` must be above
    zero."""
    if part < 0:
        return ratio(part, whole, Decimal(1).scaleb(-places)) or Decimal(0)
    scale = 10**places
    return Decimal((2 * part * scale + whole) // (2 * whole)).scaleb(-places)


def ceil_div(part: int, whole: int) -> int:
    return -(-part // whole)


# A figure that rests on fewer customers than this is shown with a warning.
FEW = 20
