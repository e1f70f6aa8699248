"""Claimed emails sent one by one and marked `MARKED_EVERY` to a write: the nightly run's
batches (`services.automations`) and the courier's pages of owed emails (`services.courier`).

Each caller claims its emails in one write beforehand and says how to send one, what an
unexpected error on one means, how to mark what went and how to free what did not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from ..records.automation_sends import EmailStatus
from ..store.base import StoreError

if TYPE_CHECKING:
    from .automations import Fired

# Marked this many at a time as they go: a process that dies sends at most these twice,
# as a newsletter's worker settles its records (`STAMPBOOK_SEND_SETTLE_EVERY`).
MARKED_EVERY = 20

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Sent(Generic[T]):
    """What came of one claimed email, and the status to mark its claim with (None: not
    marked, its claim released or left to lapse)."""

    claimed: T
    fired: Fired
    mark: EmailStatus | None


def send_and_mark(
    claimed: Sequence[T],
    send: Callable[[T], tuple[Fired, EmailStatus | None]],
    failed: Callable[[T], Fired],
    mark: Callable[[list[Sent[T]]], None],
    release: Callable[[Sequence[T]], None],
    stopping: Callable[[], bool] = lambda: False,
) -> Counter[Fired]:
    """Send each claimed email (until `stopping`), `mark` what came of them every
    `MARKED_EVERY` marks and at the end, and `release` those not reached: what came of each.

    `failed` is told of an email whose sending raised an unexpected error (a template
    that breaks on one reader's data, a bug, the store for a moment); it logs it, with its
    traceback, and leaves the email owed for a later try. That email is one failure among
    the others: they still go now, each once. Letting the error end the loop instead would
    hold back every email after it until the next run, and a nightly batch's error would
    end the night for the customers not visited yet, for one reader's broken email.

    Interrupted (Ctrl-C, a signal: not an `Exception`), what went is marked, the email in
    flight keeps its claim until it lapses (the provider may have accepted it), and those
    not reached are released at once, for the next run.
    """
    outcomes: Counter[Fired] = Counter()
    pending: list[Sent[T]] = []  # what a crash now could send twice
    marks = 0
    done = 0
    try:
        for one in claimed:
            if stopping():
                break
            try:
                fired, status = send(one)
            except Exception:
                fired, status = failed(one), None
            finally:
                done += 1  # interrupted while sending, it may have gone: not released
            outcomes[fired] += 1
            pending.append(Sent(one, fired, status))
            marks += status is not None
            if marks >= MARKED_EVERY:
                mark(pending)
                pending, marks = [], 0
    except BaseException:
        with suppress(StoreError):  # what went is marked first, then the rest is freed
            mark(pending)
        with suppress(StoreError):
            release(claimed[done:])
        raise
    mark(pending)
    release(claimed[done:])
    return outcomes
