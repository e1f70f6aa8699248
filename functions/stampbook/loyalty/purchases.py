"""Purchases, refunds and free shipping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .errors import RefundBeforePurchase, RefundTooLarge, UnknownOrder, WrongCurrency
from .history import History
from .ledger import Entry, EntryKind
from .orders import Order, Refund, points_for, qualifying_spend, remaining_lines
from .rules import Rules
from .tier_spend import TierSpend, count_tier_spend
from .tiers import spend_in_window

if TYPE_CHECKING:
    from ..programme.rules import Tier


@dataclass(frozen=True, slots=True)
class PurchaseOutcome:
    entries: tuple[Entry, ...]
    tier: str | None  # the tier after this purchase (upgrades apply at once)
    free_shipping: bool
    tier_spend: TierSpend  # the tally with this order counted


def record_purchase(
    rules: Rules, history: History, order: Order, now: datetime, *, live: bool = False
) -> PurchaseOutcome:
    """Points for a new order: pending through the return window, at the held tier's rate.

    The tier held *before* the order sets its multiplier; an upgrade the
    order earns applies from the next order on. A `live` order (from a till,
    the web shop or the counter) is pending from when it is recorded, if
    that is later than its `placed_at`: a backdated order does not skip the
    return window. An imported one is the past, recorded as it was.
    """
    if order.currency != rules.currency:
        raise WrongCurrency(f"the order is in {order.currency}, the programme in {rules.currency}")
    held = rules.tier(history.tier)
    multiplier = held.multiplier if held else Decimal(1)
    goods = order.goods
    # An order the history holds already was decided once: sent again, it earns
    # nothing more, even where the tier held since would round it to a point.
    # (The stores answer a retry from its request record before asking at all.)
    known = history.order(order.order_id) is not None
    points = 0 if known else points_for(order.lines, order.tax, rules.loyalty.earning, multiplier)
    entries: tuple[Entry, ...] = ()
    if points:
        entries = (
            Entry(
                kind=EntryKind.EARN,
                points=points,
                at=now,
                available_at=(max(order.placed_at, now) if live else order.placed_at)
                + timedelta(days=rules.loyalty.pending.days),
                idempotency_key=f"earn:{order.order_id}",
                rules_version=rules.version,
                order_id=order.order_id,
                amount=goods,
                currency=order.currency,
                multiplier=multiplier,
            ),
        )
    spend, tally = _tier_spend_after(rules, history, order, now)
    reached = rules.tier_for_spend(spend)
    tier = history.tier
    if reached is not None and rules.rank(reached.id) > rules.rank(history.tier):
        tier = reached.id
    return PurchaseOutcome(entries, tier, ships_free(rules, held, goods), tally)


def _tier_spend_after(
    rules: Rules, history: History, order: Order, now: datetime
) -> tuple[Decimal, TierSpend]:
    """The spend in the tier window with `order` counted, and the tally carried on.

    With a tally, the orders are not looked at: the store answers an order
    sent again from its request record before the engine sees it. A tally
    that no longer stands for the window raises TierSpendOutdated, and the
    caller decides on the full history instead.
    """
    tally = history.tier_spend
    if tally is not None:
        carried = tally.carried_to(rules, now)
        spend = qualifying_spend(order.lines, rules.loyalty.earning)
        counted = carried.since < order.placed_at <= now
        return carried.total + spend if counted else carried.total, carried.adding(order, spend)
    # An order sent again is already in the history: its spend must not count twice.
    known = history.order(order.order_id) is not None  # (no orders are read with a tally)
    after = History(
        history.customer_id,
        orders=history.orders if known else (*history.orders, order),
        refunds=history.refunds,
    )
    return spend_in_window(rules, after, now), count_tier_spend(rules, after, now)


def _room_for_clawback(history: History, now: datetime) -> int:
    """How far a clawback may reach once the order's points were available.

    What is still available, plus what was spent on rewards since points
    were last lost otherwise (expired, or corrected away by the owner): the
    balance goes below zero only by points really spent, never by points
    that already left the balance another way.
    """
    lost = [
        entry.at
        for entry in history.entries
        if entry.kind is EntryKind.EXPIRE or (entry.kind is EntryKind.ADJUST and entry.points < 0)
    ]
    since = max(lost, default=None)
    spent = -sum(
        entry.points
        for entry in history.entries_of(EntryKind.REDEEM)
        if since is None or entry.at > since
    )
    return max(history.balance(now).available + spent, 0)


def ships_free(rules: Rules, held: Tier | None, goods: Decimal) -> bool:
    """Free shipping: goods over the threshold, or a tier (`held`) with the perk."""
    threshold = rules.loyalty.free_shipping
    if threshold is not None and goods >= threshold.over:
        return True
    return bool(held and held.free_shipping)


def record_refund(
    rules: Rules, history: History, refund: Refund, now: datetime
) -> tuple[Entry, ...]:
    """Take back exactly the points the refunded part earned.

    The clawback is what the order earned minus what its remaining lines
    would earn, less what earlier refunds already took back; a full refund
    therefore takes back every point, and refunds can never take more.
    If the points were already available, the clawback reaches what is
    still available plus what was spent on rewards: the balance goes
    below zero only by points really spent, never by points that already
    expired or were corrected away, and never by more than the order gave.
    """
    if any(known.refund_id == refund.refund_id for known in history.refunds):
        # Sent again: it is recorded already, so answer as the first time did.
        key = f"clawback:{refund.refund_id}"
        return tuple(entry for entry in history.entries if entry.idempotency_key == key)
    order = history.order(refund.order_id)
    if order is None:
        raise UnknownOrder(f"no order {refund.order_id!r} for this customer")
    if refund.refunded_at < order.placed_at:
        raise RefundBeforePurchase(f"the refund is dated before order {order.order_id} was placed")
    earlier = history.refunds_of(order.order_id)
    before = {line.line_id: line.amount for line in remaining_lines(order, earlier)}
    for line_id, amount in refund.lines.items():
        if line_id not in before:
            raise RefundTooLarge(f"order {order.order_id} has no line {line_id!r}")
        if amount <= 0 or amount > before[line_id]:
            raise RefundTooLarge(
                f"line {line_id!r} can be refunded by at most {before[line_id]}, not {amount}"
            )
    earned = list(history.entries_of(EntryKind.EARN, order.order_id))
    if not earned:
        return ()
    earn = earned[0]
    left = remaining_lines(order, [*earlier, refund])
    tax_left = max(order.tax - sum((r.tax for r in (*earlier, refund)), Decimal(0)), Decimal(0))
    still_earned = points_for(left, tax_left, rules.loyalty.earning, earn.multiplier or Decimal(1))
    taken = -sum(entry.points for entry in history.entries_of(EntryKind.CLAWBACK, order.order_id))
    clawback = max(min(earn.points - still_earned, earn.points) - taken, 0)
    pending = earn.available_at > now
    if not pending:
        clawback = min(clawback, _room_for_clawback(history, now))
    if not clawback:
        return ()
    return (
        Entry(
            kind=EntryKind.CLAWBACK,
            points=-clawback,
            at=now,
            # Inside the return window the clawback cancels pending points only.
            available_at=earn.available_at if pending else now,
            idempotency_key=f"clawback:{refund.refund_id}",
            rules_version=rules.version,
            order_id=order.order_id,
            amount=sum(refund.lines.values(), Decimal(0)) + refund.tax,
            currency=order.currency,
        ),
    )
