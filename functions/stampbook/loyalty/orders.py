"""Orders and refunds as the till or web shop reports them, and what they earn."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine runs on the models; it need not build them to load
    from ..programme.rules import Earning

_ROUNDING = {"down": ROUND_FLOOR, "up": ROUND_CEILING, "nearest": ROUND_HALF_UP}


@dataclass(frozen=True, slots=True)
class OrderLine:
    line_id: str
    category: str
    amount: Decimal  # what the customer paid for the line, discounts applied


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    placed_at: datetime
    currency: str
    lines: tuple[OrderLine, ...]
    shipping: Decimal = Decimal(0)
    # Tax charged on top of the lines. Where prices include VAT (Russia,
    # Bulgaria, Armenia) the till reports 0 here and the lines carry it.
    tax: Decimal = Decimal(0)

    @property
    def goods(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@dataclass(frozen=True, slots=True)
class Refund:
    """Money returned for some lines of an order: line id -> amount refunded."""

    refund_id: str
    order_id: str
    refunded_at: datetime
    lines: Mapping[str, Decimal] = field(default_factory=dict)
    tax: Decimal = Decimal(0)


def remaining_lines(order: Order, refunds: list[Refund]) -> tuple[OrderLine, ...]:
    """The order's lines with every refund so far taken off (never below zero)."""
    if not refunds:  # the usual case, on every purchase's tier check
        return order.lines
    refunded: dict[str, Decimal] = {}
    for refund in refunds:
        for line_id, amount in refund.lines.items():
            refunded[line_id] = refunded.get(line_id, Decimal(0)) + amount
    return tuple(
        OrderLine(
            line.line_id,
            line.category,
            max(line.amount - refunded.get(line.line_id, 0), Decimal(0)),
        )
        for line in order.lines
    )


def qualifying_spend(lines: tuple[OrderLine, ...], earning: Earning) -> Decimal:
    """Spend that counts for tiers and certificates: goods outside excluded categories."""
    excluded = _tables(earning).excluded
    spend = Decimal(0)
    for line in lines:
        if line.category not in excluded:
            spend += line.amount
    return spend


def points_for(
    lines: tuple[OrderLine, ...], tax: Decimal, earning: Earning, tier_multiplier: Decimal
) -> int:
    """Points earned by `lines`, rounded once, on the whole order, as the rules say.

    Shipping never appears here. Tax on top of the lines earns at the base
    rate unless the rules exclude it.
    """
    tables = _tables(earning)
    excluded, bonus = tables.excluded, tables.bonus
    base = Decimal(0)
    for line in lines:
        if line.category not in excluded:
            multiplier = bonus.get(line.category)
            base += line.amount if multiplier is None else line.amount * multiplier
    if not earning.exclude.tax:
        base += tax
    exact = base * tier_multiplier * earning.points / earning.per
    return int(exact.to_integral_value(rounding=tables.rounding))


@dataclass(frozen=True, slots=True)
class _EarningTables:
    earning: Earning  # kept, so its id is not reused while it is a key
    excluded: frozenset[str]
    bonus: Mapping[str, Decimal]  # category -> multiplier
    rounding: str


# Every purchase asks; the rules change only when the programme is reloaded.
_EARNING_TABLES: dict[int, _EarningTables] = {}


def _tables(earning: Earning) -> _EarningTables:
    found = _EARNING_TABLES.get(id(earning))
    if found is None or found.earning is not earning:
        if len(_EARNING_TABLES) >= 64:
            _EARNING_TABLES.clear()
        found = _EARNING_TABLES[id(earning)] = _EarningTables(
            earning,
            frozenset(earning.exclude.categories),
            {bonus.category: bonus.multiplier for bonus in earning.category_bonuses},
            _ROUNDING[earning.rounding],
        )
    return found
