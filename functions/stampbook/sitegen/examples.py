"""Worked examples for the terms, computed by the engine itself.

Every number a customer reads in an example comes out of the same functions
that decide real ledger entries, so an example can never disagree with what
happens at the till.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from ..loyalty.orders import Order, OrderLine, Refund, points_for, remaining_lines
from ..programme.rules import Earning

# Any category the programme does not single out earns at the base rate.
PLAIN = "~plain"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def example_amount(earning: Earning) -> Decimal:
    """12.5 times the `per` amount: large enough to earn, and rounding shows."""
    return earning.per * Decimal("12.5")


def points(
    earning: Earning, amount: Decimal, category: str = PLAIN, multiplier: Decimal = Decimal(1)
) -> int:
    """What one order of `amount` in `category` earns at the tier `multiplier`."""
    return points_for((OrderLine("1", category, amount),), Decimal(0), earning, multiplier)


@dataclass(frozen=True)
class RefundExample:
    total: Decimal
    earned: int
    returned: Decimal
    kept: Decimal
    left: int

    @property
    def taken(self) -> int:
        return self.earned - self.left


def refund_example(earning: Earning) -> RefundExample:
    """Two equal lines, one returned: what the engine takes back."""
    amount = example_amount(earning)
    order = Order(
        "example",
        _EPOCH,
        "",
        (OrderLine("1", PLAIN, amount), OrderLine("2", PLAIN, amount)),
    )
    refund = Refund("example-refund", "example", _EPOCH, {"2": amount})
    earned = points_for(order.lines, order.tax, earning, Decimal(1))
    left = points_for(remaining_lines(order, [refund]), order.tax, earning, Decimal(1))
    return RefundExample(order.goods, earned, amount, order.goods - amount, left)
