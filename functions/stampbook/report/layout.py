"""The report as titled tables in the owner's language, the same for the terminal and the page."""

from __future__ import annotations

from decimal import Decimal

from .build import Report
from .leaving import REASONS
from .lift_layout import lift_months_table, lift_table
from .numbers import FEW
from .section import Names, Section
from .segments import segment
from .words import ReportWords

SHOWN = 25  # drifting customers and answers listed; JSON has them all


def few(words: ReportWords, customers: int) -> str:
    """The small-sample warning for a figure resting on `customers`, or nothing."""
    return words("small_sample", count=customers) if 0 < customers < FEW else ""


def _pairs(key: str, title: str, rows: list[tuple[str, str, str]]) -> Section:
    table = Section(key, title, show_header=False, columns=["", ""])
    for label, value, note in rows:
        table.add_row(label, value, note=note)
    return table


def _remark(table: Section, label: str, remark: str) -> Section:
    """Says under the figure labelled `label` how it was made."""
    row = next(n for n, cells in enumerate(table.rows) if cells[0] == label)
    table.remarks[row] = remark
    return table


def _or_dash(words: ReportWords, value: Decimal | int | None) -> str:
    return words.dash if value is None else words.number(value)


def at_a_glance(report: Report, words: ReportWords) -> list[tuple[str, str, str]]:
    """The few figures read first, as (label, value, note): the page's tiles, the email's lines."""
    c, cost = report.customers, report.cost
    revenue = sum((m.revenue for m in report.months), Decimal(0))
    came_back = words.dash if c.repeat_rate is None else words.percent(c.repeat_rate)
    top = words.dash if report.pareto.top_share is None else words.percent(report.pareto.top_share)
    points = words.points(cost.points_outstanding)
    owed = (
        words("summary.points_only", points=points)
        if cost.liability is None
        else words.money(cost.liability)
    )
    return [
        (words("summary.revenue"), words.money(revenue), ""),
        (words("summary.buyers"), words.number(c.active), ""),
        (
            words("summary.came_back"),
            came_back,
            words("summary.of", part=words.number(c.repeat), whole=words.number(c.active)),
        ),
        (words("summary.top"), top, ""),
        (words("summary.drifting"), words.number(len(report.drifting)), ""),
        (
            words("summary.owed"),
            owed,
            "" if cost.liability is None else words("summary.points_only", points=points),
        ),
    ]


def customers_table(report: Report, words: ReportWords) -> Section:
    c = report.customers
    rate = words.dash if c.repeat_rate is None else words.percent(c.repeat_rate, 1)
    return _pairs(
        "customers",
        words("customers.title"),
        [
            (words("customers.total"), words.number(c.total), ""),
            (words("customers.new"), words.number(c.new), ""),
            (words("customers.active"), words.number(c.active), ""),
            (words("customers.repeat"), words.number(c.repeat), ""),
            (words("customers.repeat_rate"), rate, few(words, c.active)),
            (
                words("customers.orders_per_customer"),
                _or_dash(words, c.orders_per_customer),
                "",
            ),
            (
                words("customers.days_between"),
                _or_dash(words, c.days_between_purchases),
                few(words, c.repeat),
            ),
            (
                words("customers.days_typical"),
                _or_dash(words, c.median_customer_days_between),
                few(words, c.repeat),
            ),
        ],
    )


def pareto_table(report: Report, words: ReportWords) -> Section:
    p = report.pareto
    share = words.dash if p.top_share is None else words.percent(p.top_share, 1)
    return _pairs(
        "pareto",
        words("pareto.title"),
        [
            (words("pareto.buyers"), words.number(p.buyers), ""),
            (words("pareto.top_buyers"), words.number(p.top_buyers), ""),
            (words("pareto.top_revenue"), words.money(p.top_revenue), ""),
            (words("pareto.revenue"), words.money(p.revenue), ""),
            (words("pareto.share"), share, few(words, p.buyers)),
        ],
    )


def drifting_table(report: Report, words: ReportWords) -> Section:
    table = Section(
        "drifting",
        words("drifting.title"),
        lead=words("drifting.lead", factor=words.number(report.drift_factor)),
        empty=words("drifting.none"),
    )
    for column in (
        "customer",
        "consent",
        "orders",
        "spent",
        "last_purchase",
        "days_since",
        "usual_days",
        "segment",
    ):
        table.add_column(words(f"drifting.{column}"))
    for d in report.drifting[:SHOWN]:
        who = f"{d.name} · {d.email}" if d.name else d.email
        table.add_row(
            who,
            words(f"consent.{d.consent or 'none'}"),
            words.number(d.orders),
            words.money(d.revenue),
            words.day(d.last_purchase),
            words.number(d.days_since),
            words.number(d.usual_days),
            words(f"segment.{segment(d.rfm)}"),
        )
    if len(report.drifting) > SHOWN:
        table.after = words("more", shown=SHOWN, total=words.number(len(report.drifting)))
    return table


def leaving_table(report: Report, words: ReportWords) -> Section:
    table = Section("leaving", words("leaving.title"), empty=words("leaving.none"))
    for column in (words("leaving.month"), words("leaving.refunds"), words("leaving.refunded")):
        table.add_column(column)
    for reason in REASONS:
        table.add_column(words(f"reasons.{reason}"))
    for row in report.leaving.months:
        table.add_row(
            words.month(row.month),
            words.number(row.refunds),
            words.money(row.refunded),
            *(words.number(row.answers[reason]) for reason in REASONS),
        )
    return table


def answers_table(report: Report, words: ReportWords) -> Section:
    table = Section("words", words("words.title"), empty=words("words.none"))
    for column in ("date", "email", "reason", "text"):
        table.add_column(words(f"words.{column}"))
    for answer in report.leaving.words[:SHOWN]:
        who = answer.email or words("words.anonymous")  # left on the site without an address
        reason = words(f"reasons.{answer.reason}") if answer.reason in REASONS else answer.reason
        table.add_row(words.day(answer.at), who, reason, answer.text)
    if len(report.leaving.words) > SHOWN:
        table.after = words("more", shown=SHOWN, total=words.number(len(report.leaving.words)))
    return table


def cost_table(report: Report, words: ReportWords) -> Section:
    cost = report.cost
    certificates = cost.certificates

    def worth(count: int, amount: Decimal) -> str:
        return words("cost.count_worth", number=words.number(count), amount=words.money(amount))

    if cost.point_value is None:
        valued = words("cost.not_valued")
    else:
        valued = words("cost.valued_at", value=words.money(cost.point_value))
    liability = words.dash if cost.liability is None else words.money(cost.liability)
    rows = [
        (words("cost.points_issued"), words.number(cost.points_issued), ""),
        (words("cost.points_clawed_back"), words.number(cost.points_clawed_back), ""),
        (words("cost.points_redeemed"), words.number(cost.points_redeemed), ""),
        (words("cost.points_expired"), words.number(cost.points_expired), ""),
        (words("cost.points_adjusted"), words.number(cost.points_adjusted), ""),
        (words("cost.points_outstanding"), words.number(cost.points_outstanding), ""),
        (words("cost.liability"), liability, ""),
        (
            words("cost.certificates_issued"),
            worth(certificates.issued, certificates.issued_value),
            "",
        ),
        (
            words("cost.certificates_redeemed"),
            worth(certificates.redeemed, certificates.redeemed_value),
            "",
        ),
        (words("cost.certificates_open"), worth(certificates.open, certificates.open_value), ""),
    ]
    if cost.free_shipping_over is None:
        rows.append((words("cost.no_free_shipping"), words("cost.no_threshold"), ""))
    else:
        over = words.money(cost.free_shipping_over)
        rows.append(
            (
                words("cost.free_shipping", amount=over),
                words.number(cost.free_shipping_orders),
                "",
            )
        )
        rows.append(
            (
                words("cost.shipping_charged", amount=over),
                words.number(cost.shipping_charged_over),
                "",
            )
        )
    return _remark(_pairs("cost", words("cost.title"), rows), words("cost.liability"), valued)


def activity_table(report: Report, words: ReportWords) -> Section:
    table = Section("activity", words("activity.title"), empty=words("activity.none"))
    # Only the actions that happened in the period: the table stays readable
    # in a terminal, and the JSON keeps every column.
    actions = [
        action
        for action in (report.activity[0].actions if report.activity else {})
        if any(month.actions[action] for month in report.activity)
    ]
    table.add_column(words("activity.month"))
    for action in actions:
        table.add_column(words(f"actions.{action}"))
    for column in ("orders", "revenue", "repeat_revenue"):
        table.add_column(words(f"activity.{column}"))
    for month in report.activity:
        table.add_row(
            words.month(month.month),
            *(words.number(month.actions[action]) for action in actions),
            words.number(month.orders),
            words.money(month.revenue),
            words.money(month.repeat_revenue),
        )
    return table


def newsletters_table(report: Report, words: ReportWords, names: Names) -> Section:
    table = Section("newsletters", words("newsletters.title"), empty=words("newsletters.none"))
    counts = (
        "sent",
        "skipped",
        "failed",
        "delivered",
        "bounced",
        "soft_bounced",
        "complained",
        "unsubscribed",
    )
    for column in ("campaign", *counts):
        table.add_column(words(f"newsletters.{column}"))
    for n in report.newsletters[:SHOWN]:
        if n.sent is None:
            title = words("newsletters.other_emails")
        else:
            title = names.newsletters.get(n.campaign, n.campaign)
        table.add_row(
            title,
            *(_or_dash(words, getattr(n, count)) for count in counts),
        )
    return table


def sections(report: Report, words: ReportWords, names: Names | None = None) -> list[Section]:
    """Every table, in the order the owner reads them."""
    return [
        customers_table(report, words),
        pareto_table(report, words),
        drifting_table(report, words),
        leaving_table(report, words),
        answers_table(report, words),
        cost_table(report, words),
        activity_table(report, words),
        newsletters_table(report, words, names or Names()),
        lift_table(report, words, names or Names()),
        *([lift_months_table(report, words)] if report.lift_months else []),
    ]


def period_words(report: Report, words: ReportWords, *, in_sentence: bool = False) -> str:
    """`1 Jan 2026 – 30 Jun 2026`: the period's days, the last one included; `in_sentence`,
    worded to follow a comma (`…, from the first record to 23 Nov 2026`)."""
    from datetime import timedelta

    last = words.long_day(report.period.end - timedelta(microseconds=1))
    if report.period.start is None:
        return words("since_beginning_in_sentence" if in_sentence else "since_beginning", end=last)
    return words("period", start=words.long_day(report.period.start), end=last)


def title(words: ReportWords, names: Names) -> str:
    if names.business:
        return words("title_business", business=names.business)
    return words("title")
