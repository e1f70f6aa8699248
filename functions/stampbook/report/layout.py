"""The report as titled tables, the same for the terminal and the HTML page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .build import Report


@dataclass
class Section:
    title: str
    show_header: bool = True
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def add_column(self, name: str = "") -> None:
        self.columns.append(name)

    def add_row(self, *cells: str) -> None:
        self.rows.append(list(cells))


SHOWN = 25  # drifting customers and answers listed; JSON has them all


def percent(share: Decimal | None) -> str:
    return "—" if share is None else f"{share * 100:.2f} %"


def figure(value: object) -> str:
    return "—" if value is None else str(value)


def _pairs(title: str, rows: list[tuple[str, object]]) -> Section:
    table = Section(title=title, show_header=False)
    table.add_column()
    table.add_column()
    for label, value in rows:
        table.add_row(label, figure(value))
    return table


def sections(report: Report) -> list[Section]:
    c, p, cost = report.customers, report.pareto, report.cost
    money = report.currency
    tables = [
        _pairs(
            "Customers",
            [
                ("in the file", c.total),
                ("new in the period", c.new),
                ("bought in the period", c.active),
                ("bought more than once", c.repeat),
                ("repeat-purchase rate", percent(c.repeat_rate)),
                ("orders per customer", c.orders_per_customer),
                ("days between purchases (all gaps)", c.days_between_purchases),
                ("days between purchases (typical customer)", c.median_customer_days_between),
            ],
        ),
        _pairs(
            "Pareto",
            [
                ("buyers", p.buyers),
                ("top 20 %", p.top_buyers),
                (f"their revenue, {money}", p.top_revenue),
                (f"all revenue, {money}", p.revenue),
                ("their share", percent(p.top_share)),
            ],
        ),
    ]
    drift = Section(
        title=f"Drifting away: silent over {report.drift_factor}x their usual interval"
        f" ({len(report.drifting)})"
    )
    for column in ("email", "consent", "orders", money, "last purchase", "days", "usual", "RFM"):
        drift.add_column(column)
    for d in report.drifting[:SHOWN]:
        drift.add_row(
            d.email,
            figure(d.consent),
            str(d.orders),
            str(d.revenue),
            d.last_purchase.date().isoformat(),
            str(d.days_since),
            str(d.usual_days),
            d.rfm,
        )
    tables.append(drift)
    leaving = Section(title="Why they leave")
    reasons = list(report.leaving.answers)
    for column in ("month", "refunds", money, *reasons):
        leaving.add_column(column)
    for row in report.leaving.months:
        leaving.add_row(
            row.month,
            str(row.refunds),
            str(row.refunded),
            *(str(row.answers[reason]) for reason in reasons),
        )
    tables.append(leaving)
    words = Section(title="In their words")
    for column in ("date", "email", "reason", "text"):
        words.add_column(column)
    for answer in report.leaving.words[:SHOWN]:
        who = answer.email or "—"  # left on the site without an address
        words.add_row(answer.at.date().isoformat(), who, answer.reason, answer.text)
    tables.append(words)
    certificates = cost.certificates
    tables.append(
        _pairs(
            "What the programme costs",
            [
                ("points issued", cost.points_issued),
                ("points taken back for refunds", cost.points_clawed_back),
                ("points redeemed", cost.points_redeemed),
                ("points expired", cost.points_expired),
                ("points adjusted by hand", cost.points_adjusted),
                ("points outstanding at the end", cost.points_outstanding),
                (f"liability, {money}", cost.liability),
                ("valued as", cost.valuation),
                ("certificates issued", f"{certificates.issued} ({certificates.issued_value})"),
                (
                    "certificates redeemed",
                    f"{certificates.redeemed} ({certificates.redeemed_value})",
                ),
                (
                    "certificates open at the end",
                    f"{certificates.open} ({certificates.open_value})",
                ),
                (
                    f"orders shipped free (goods over {cost.free_shipping_over})",
                    cost.free_shipping_orders,
                ),
            ],
        )
    )
    activity = Section(title="Activity against repeat revenue")
    # Only the actions that happened in the period: the table stays readable
    # in a terminal, and the JSON keeps every column.
    actions = [
        action
        for action in (report.activity[0].actions if report.activity else {})
        if any(month.actions[action] for month in report.activity)
    ]
    for column in ("month", *actions, "orders", money, f"repeat {money}"):
        activity.add_column(column)
    for month in report.activity:
        activity.add_row(
            month.month,
            *(str(month.actions[action]) for action in actions),
            str(month.orders),
            str(month.revenue),
            str(month.repeat_revenue),
        )
    tables.append(activity)
    mail = Section(title="Newsletters")
    for column in (
        "campaign",
        "sent",
        "skipped",
        "failed",
        "delivered",
        "bounced",
        "soft",
        "complained",
        "unsub.",
    ):
        mail.add_column(column)
    for n in report.newsletters[:SHOWN]:
        mail.add_row(
            n.campaign,
            figure(n.sent),
            figure(n.skipped),
            figure(n.failed),
            str(n.delivered),
            str(n.bounced),
            str(n.soft_bounced),
            str(n.complained),
            figure(n.unsubscribed),
        )
    tables.append(mail)
    return tables


def period_words(report: Report) -> str:
    start = report.period.start.date().isoformat() if report.period.start else "the beginning"
    return f"{start} to {report.period.end.date().isoformat()} (UTC)"
