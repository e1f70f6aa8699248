"""Money as a whole count of ten-thousandths of the currency's major unit.

`1250.50` is 12 505 000: every amount the programme accepts fits exactly,
whatever the currency's decimals, so sums over a million orders stay exact
and SQLite can add them as integers. The store keeps each order's goods in
these units and the report reads them back: both use this one scale.
"""

from __future__ import annotations

from decimal import Decimal

SCALE = 10_000  # units per major unit (rouble, euro)


def to_units(amount: Decimal) -> int:
    scaled = amount * SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than four decimals")
    return int(scaled)


def decimal_places(amount: Decimal) -> int:
    """The decimals an amount needs, trailing zeros aside: 2 for `12.25`, 1 for `12.50`,
    0 for `5000.00` or `5E+3`."""
    exponent = amount.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def to_money(units: int) -> Decimal:
    return Decimal(units) / SCALE
