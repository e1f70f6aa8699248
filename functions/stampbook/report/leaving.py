"""Why they leave: refunds and questionnaire answers month by month, with the words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..records.feedback import FeedbackReason
from .facts import Answer, Month, to_money

REASONS = tuple(reason.value for reason in FeedbackReason)


@dataclass(frozen=True)
class LeavingMonth:
    month: str
    refunds: int
    refunded: Decimal
    answers: dict[str, int]  # every reason, zero when nobody gave it


@dataclass(frozen=True)
class Leaving:
    months: tuple[LeavingMonth, ...]
    refunds: int
    refunded: Decimal
    answers: dict[str, int]
    words: tuple[Answer, ...]  # answers with text, newest first


def leaving(months: list[Month], answers: list[Answer]) -> Leaving:
    rows = tuple(
        LeavingMonth(
            month.month,
            month.refunds,
            to_money(month.refunded),
            {reason: month.answers.get(reason, 0) for reason in REASONS},
        )
        for month in months
        if month.refunds or month.answers
    )
    return Leaving(
        rows,
        sum(row.refunds for row in rows),
        sum((row.refunded for row in rows), Decimal(0)),
        {reason: sum(row.answers[reason] for row in rows) for reason in REASONS},
        tuple(sorted(answers, key=lambda answer: answer.at, reverse=True)),
    )
