"""The holdout comparisons as the owner reads them: a sentence per email, the figures beside
it, and the months added up (the terminal, the page and the email share these)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from .charts import Chart
from .holdout_reader import NEWSLETTER
from .lift import Estimate, Lift, Verdict
from .section import Names, Section
from .svg import Interval, interval_chart

if TYPE_CHECKING:
    from .build import Report
    from .words import ReportWords

HUNDRED = Decimal(100)
CHARTED = 8  # the latest emails drawn; the tables and JSON have them all
COLOURS = {Verdict.MORE: "#2171b5", Verdict.FEWER: "#e6550d"}  # else grey: cannot tell


def email_name(kind: str, name: str, words: ReportWords, names: Names) -> str:
    if kind == NEWSLETTER:
        return names.newsletters.get(name, name)
    return words(f"lift.emails.{kind}")


def in_hundred(share: Decimal, words: ReportWords, *, sign: bool = False) -> str:
    """0.043 as `4` (people in 100); a negative with a minus sign, a positive with a plus
    if `sign`."""
    whole = (share * HUNDRED).quantize(Decimal(1))
    shown = words.number(abs(whole))
    if whole < 0:
        return f"\N{MINUS SIGN}{shown}"
    return f"+{shown}" if sign and whole > 0 else shown


def sentence(lift: Lift, words: ReportWords, names: Names) -> str:
    """`Win-back offer: about 4 more customers in 100 came back than without it; …`."""
    share = lift.bought
    return words(
        f"lift.verdict.{lift.verdict.value}",
        email=email_name(lift.kind, lift.name, words, names),
        n=in_hundred(abs(share.difference), words),
        low=in_hundred(share.low, words),
        high=in_hundred(share.high, words),
    )


def _interval(estimate: Estimate, words: ReportWords, show: Callable[[Decimal], str]) -> str:
    """`+4 (1 … 7)`: the estimate and its 95 % interval."""
    return words(
        "lift.estimate",
        n=show(estimate.difference),
        low=show(estimate.low),
        high=show(estimate.high),
    )


def lift_table(report: Report, words: ReportWords, names: Names) -> Section:
    table = Section(
        "lift",
        words("lift.title"),
        lead=words("lift.lead", report.holdout_days) if report.lift else "",
        empty=words("lift.none"),
    )
    for column in ("email", "month", "people", "came_back", "difference", "revenue"):
        table.add_column(words(f"lift.{column}"))
    for lift in report.lift:
        table.add_row(
            email_name(lift.kind, lift.name, words, names),
            words.month(lift.month),
            words("lift.sides", sent=words.number(lift.sent), held=words.number(lift.held_out)),
            words(
                "lift.sides",
                sent=words.percent(lift.bought_sent),
                held=words.percent(lift.bought_held_out),
            ),
            _interval(lift.bought, words, lambda share: in_hundred(share, words, sign=True)),
            _interval(lift.revenue, words, words.money),
        )
        table.said.append(sentence(lift, words, names))
    if report.measuring:
        table.said.append(
            words(
                "lift.measuring",
                emails="; ".join(
                    words(
                        "lift.measuring_one",
                        email=email_name(m.kind, m.name, words, names),
                        day=words.day(m.until),
                    )
                    for m in report.measuring
                ),
            )
        )
    return table


def lift_months_table(report: Report, words: ReportWords) -> Section:
    table = Section("lift_months", words("lift.months.title"), lead=words("lift.months.lead"))
    for column in ("month", "emails", "orders", "revenue", "points"):
        table.add_column(words(f"lift.months.{column}"))
    for month in report.lift_months:
        points = words.number(month.extra_points.quantize(Decimal(1)))
        if month.extra_points_cost is not None:
            points = words(
                "lift.months.valued", points=points, amount=words.money(month.extra_points_cost)
            )
        table.add_row(
            words.month(month.month),
            words.number(month.emails),
            words.number(month.extra_orders.quantize(Decimal(1))),
            words.money(month.extra_revenue),
            points,
        )
    return table


def lift_chart(report: Report, words: ReportWords, names: Names) -> Chart:
    """Each measured email's difference in the share who bought, with its interval."""
    title = words("lift.chart.title")
    if not report.lift:
        return Chart("lift", title, words("lift.none"), "")
    takeaway = words(
        "lift.chart.takeaway",
        total=words.number(len(report.lift)),
        more=words.number(sum(1 for one in report.lift if one.verdict is Verdict.MORE)),
    )
    rows = [
        Interval(
            f"{email_name(one.kind, one.name, words, names)}, {words.month(one.month)}",
            one.bought.difference,
            one.bought.low,
            one.bought.high,
            COLOURS.get(one.verdict, "#969696"),
        )
        for one in report.lift[:CHARTED]
    ]
    svg = interval_chart(
        "lift",
        title,
        takeaway,
        rows,
        x_title=words("lift.chart.axis"),
        label=lambda share: in_hundred(share, words, sign=True),
    )
    return Chart("lift", title, takeaway, svg)
