"""Spending points on rewards, and the owner's manual adjustments."""

from __future__ import annotations

from datetime import datetime

from .errors import InvalidAdjustment, NotEnoughPoints, UnknownReward
from .history import History
from .ledger import Entry, EntryKind
from .rules import Rules


def redeem(rules: Rules, history: History, reward_id: str, now: datetime, key: str) -> Entry:
    """Spend available points on a catalogue reward; pending points cannot be spent."""
    done = _recorded(history, key)
    if done is not None:
        return done  # sent again: the points were spent the first time
    reward = rules.rewards.get(reward_id)
    if reward is None:
        raise UnknownReward(f"there is no reward {reward_id!r}")
    available = history.balance(now).available
    if reward.points > available:
        raise NotEnoughPoints(f"{reward_id!r} costs {reward.points} points; {available} available")
    return Entry(
        kind=EntryKind.REDEEM,
        points=-reward.points,
        at=now,
        available_at=now,
        idempotency_key=key,
        rules_version=rules.version,
        reward_id=reward_id,
    )


def adjust(
    rules: Rules, history: History, points: int, reason: str, now: datetime, key: str
) -> Entry:
    """A goodwill credit (or a correction) by the owner; the reason is kept for the books.

    A correction may not take the available balance below zero.
    """
    done = _recorded(history, key)
    if done is not None:
        return done  # sent again: applied the first time
    if not reason.strip():
        raise InvalidAdjustment("an adjustment needs a reason")
    if points == 0:
        raise InvalidAdjustment("an adjustment of 0 points changes nothing")
    available = history.balance(now).available
    if points < 0 and available + points < 0:
        raise InvalidAdjustment(f"only {available} points are available to take back")
    return Entry(
        kind=EntryKind.ADJUST,
        points=points,
        at=now,
        available_at=now,
        idempotency_key=key,
        rules_version=rules.version,
        reason=reason.strip(),
    )


def _recorded(history: History, key: str) -> Entry | None:
    """The entry already recorded under `key`, when a request is sent again."""
    return next((entry for entry in history.entries if entry.idempotency_key == key), None)
