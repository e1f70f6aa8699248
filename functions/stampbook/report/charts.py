"""The report's charts: what each shows, in the owner's words, with a one-line takeaway."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .build import Report
from .leaving import REASONS
from .numbers import FEW
from .svg import Axis, Categories, Series, category_chart, share_curve
from .timeline import MonthFigures
from .words import ReportWords

NEW, REPEAT = "#9ecae1", "#2171b5"
ISSUED, REDEEMED, EXPIRED, HELD = "#41ab5d", "#2171b5", "#bdbdbd", "#e6550d"
REASON_COLOURS = dict(zip(REASONS, ("#e6550d", "#756bb1", "#d6616b", "#969696"), strict=True))
EIGHTY = Decimal("0.8")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    takeaway: str
    svg: str  # empty when there is nothing to draw


def _months(report: Report, words: ReportWords) -> Categories:
    months = [m.month for m in report.months]
    under = [
        words.year(month) if n == 0 or month.endswith("-01") else ""
        for n, month in enumerate(months)
    ]
    return Categories(
        words("charts.month"),
        [words.month(month) for month in months],
        [words.month_short(month) for month in months],
        under,
    )


def revenue_chart(report: Report, words: ReportWords) -> Chart:
    title = words("charts.revenue.title")
    months = report.months
    total = sum((m.revenue for m in months), Decimal(0))
    if not total:
        return Chart("revenue", title, words("charts.revenue.none"), "")
    repeat = sum((m.repeat_revenue for m in months), Decimal(0))
    best = max(months, key=lambda m: m.revenue)
    takeaway = words(
        "charts.revenue.takeaway",
        share=words.percent(repeat / total),
        month=words.month(best.month),
        amount=words.money(best.revenue),
    )
    svg = category_chart(
        "revenue",
        title,
        takeaway,
        _months(report, words),
        [
            Series(words("charts.revenue.new"), [m.new_revenue for m in months], NEW),
            Series(words("charts.revenue.repeat"), [m.repeat_revenue for m in months], REPEAT),
        ],
        Axis(words("charts.revenue.axis", unit=words.currency_symbol()), words.compact),
        stacked=True,
        value_words=lambda value: words.money(Decimal(value)),
    )
    return Chart("revenue", title, takeaway, svg)


def repeat_rate_chart(report: Report, words: ReportWords) -> Chart:
    title = words("charts.repeat_rate.title")
    months = report.months
    bought = [m for m in months if m.buyers]
    if not bought:
        return Chart("repeat-rate", title, words("charts.revenue.none"), "")
    average = Decimal(sum(m.repeat_buyers for m in bought)) / sum(m.buyers for m in bought)
    latest = bought[-1]
    takeaway = words(
        "charts.repeat_rate.takeaway",
        share=words.percent(average),
        month=words.month(latest.month),
        latest=words.percent(latest.repeat_rate or Decimal(0)),
    )
    svg = category_chart(
        "repeat-rate",
        title,
        takeaway,
        _months(report, words),
        [
            Series(
                words("charts.repeat_rate.rate"),
                [m.repeat_rate for m in months],
                REPEAT,
                line=True,
                hollow=frozenset(n for n, m in enumerate(months) if 0 < m.buyers < FEW),
            )
        ],
        Axis(words("charts.repeat_rate.axis"), words.percent, top=Decimal(1)),
        value_words=lambda value: words.percent(Decimal(value), 1),
        hollow_means=words("charts.repeat_rate.few", number=words.number(FEW)),
    )
    return Chart("repeat-rate", title, takeaway, svg)


def pareto_chart(report: Report, words: ReportWords) -> Chart:
    title = words("charts.pareto.title")
    p = report.pareto
    if not p.curve or p.top_share is None:
        return Chart("pareto", title, words("charts.revenue.none"), "")
    # The first step of the curve reaching 80 %, as the whole customers it stands for
    # (the curve has a point per per cent: with five buyers, 21 % already means two).
    step, revenue = next(((c, r) for c, r in p.curve if r >= EIGHTY), p.curve[-1])
    eighty = (Decimal(math.ceil(p.buyers * step)) / p.buyers, revenue)
    takeaway = words(
        "charts.pareto.takeaway",
        share=words.percent(p.top_share),
        eighty=words.percent(eighty[0]),
    )
    svg = share_curve(
        "pareto",
        title,
        takeaway,
        p.curve,
        x_title=words("charts.pareto.x_axis"),
        y_title=words("charts.pareto.y_axis"),
        percent=words.percent,
        names=(words("charts.pareto.curve"), words("charts.pareto.equal")),
        mark=(*eighty, words("charts.pareto.mark", share=words.percent(eighty[0]))),
    )
    return Chart("pareto", title, takeaway, svg)


def points_chart(report: Report, words: ReportWords) -> Chart:
    title = words("charts.points.title")
    months = report.months
    cost = report.cost
    if cost.liability is None:
        takeaway = words(
            "charts.points.takeaway_not_valued", points=words.points(cost.points_outstanding)
        )
    else:
        takeaway = words(
            "charts.points.takeaway",
            points=words.points(cost.points_outstanding),
            amount=words.money(cost.liability),
        )
    if not any(m.points_issued or m.points_held for m in months):
        return Chart("points", title, takeaway, "")
    money_axis = Axis(
        words("charts.points.money_axis", unit=words.currency_symbol()), words.compact
    )
    svg = category_chart(
        "points",
        title,
        takeaway,
        _months(report, words),
        [
            Series(words("charts.points.issued"), [m.points_issued for m in months], ISSUED),
            Series(words("charts.points.redeemed"), [m.points_redeemed for m in months], REDEEMED),
            Series(words("charts.points.expired"), [m.points_expired for m in months], EXPIRED),
            Series(words("charts.points.held"), [m.points_held for m in months], HELD, line=True),
        ],
        Axis(words("charts.points.axis"), words.compact, whole=True),
        right_axis=money_axis if cost.point_value is not None else None,
        right_scale=cost.point_value,
        value_words=lambda value: words.number(value),
    )
    return Chart("points", title, takeaway, svg)


def reasons_chart(report: Report, words: ReportWords) -> Chart:
    title = words("charts.reasons.title")
    months: tuple[MonthFigures, ...] = report.months
    given = report.leaving.answers
    total = sum(given.values())
    if not total:
        return Chart("reasons", title, words("charts.reasons.none"), "")
    most = max(REASONS, key=lambda reason: given.get(reason, 0))
    takeaway = words(
        "charts.reasons.takeaway",
        reason=words(f"reasons.{most}"),
        given=words.number(given[most]),
        total=words.number(total),
    )
    svg = category_chart(
        "reasons",
        title,
        takeaway,
        _months(report, words),
        [
            Series(
                words(f"reasons.{reason}"),
                [m.answers[reason] for m in months],
                REASON_COLOURS[reason],
            )
            for reason in REASONS
        ],
        Axis(words("charts.reasons.axis"), words.number, whole=True),
        stacked=True,
        value_words=lambda value: words.number(value),
    )
    return Chart("reasons", title, takeaway, svg)
