"""The owner's report as an email: the figures read first in the message, the whole
report (charts and all) attached as the same HTML page `stampbook report --html` writes.

The page is attached rather than sent as the message's body: Gmail and Outlook
drop inline SVG, so the charts would arrive as blanks; a browser opens the
attachment as it is, offline, on a phone or for printing.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from html import escape

from ..mail.address import domain_of
from ..mail.envelope import sender_of
from ..mail.message import Kind, Message
from ..programme.business import ProgrammeFile
from .html import report_html
from .layout import at_a_glance, period_words, title
from .lift_layout import lift_table
from .owner import OwnerReport


def report_email(
    owner: OwnerReport, programme_file: ProgrammeFile, to: str, now: datetime
) -> Message:
    """The message to `to`, in the report's language, from the business's own address."""
    report, words = owner.report, owner.words
    sender = sender_of(programme_file, words.locale).mailbox
    heading = title(words, owner.names)
    month = _one_month(owner)
    period = words.month(month) if month else period_words(report, words)
    after_comma = words.month(month) if month else period_words(report, words, in_sentence=True)
    subject = words("email.subject", title=heading, period=after_comma)
    figures = at_a_glance(report, words)
    # What the month's emails with a holdout brought: the news an owner acts on.
    said = lift_table(report, words, owner.names).said
    lift = (words("lift.title"), said) if said else None
    attached = _file_name(owner)

    mail = EmailMessage(policy=SMTP)
    mail["From"] = formataddr((sender.name, sender.address))
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(now)
    message_id = make_msgid(domain=domain_of(sender.address))
    mail["Message-ID"] = message_id
    lines = [f"{label}: {value}" + (f" ({note})" if note else "") for label, value, note in figures]
    lift_lines = ["", lift[0], *(f"- {line}" for line in lift[1])] if lift else []
    text = "\n".join(
        [heading, period, "", *lines, *lift_lines, "", words("email.attached", file=attached)]
    )
    mail.set_content(text, cte="quoted-printable")
    mail.add_alternative(
        _html(
            heading,
            period,
            figures,
            lift,
            words("email.attached", file=attached),
            words.language,
        ),
        subtype="html",
        cte="quoted-printable",
    )
    page = report_html(report, words, owner.names)
    mail.add_attachment(page, subtype="html", filename=attached, cte="base64")
    return Message(
        sender=sender.address,
        to=to,
        message_id=message_id.strip("<>"),
        subject=subject,
        kind=Kind.TRANSACTIONAL,
        data=mail.as_bytes(),
    )


def _one_month(owner: OwnerReport) -> str | None:
    """`2026-11` if the report is of one calendar month (the monthly email's), else None."""
    start, end = owner.report.period.start, owner.report.period.end
    if start is None or start.day != 1 or end.day != 1:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    return f"{start:%Y-%m}" if months == 1 else None


def _file_name(owner: OwnerReport) -> str:
    """`report-2026-11.html` for a month; the period's first and last day otherwise."""
    period = owner.report.period
    month = _one_month(owner)
    end = period.end.strftime("%Y-%m-%d")
    if month:
        return f"report-{month}.html"
    if period.start is None:
        return f"report-until-{end}.html"
    return f"report-{period.start:%Y-%m-%d}-{end}.html"


def _html(
    heading: str,
    period: str,
    figures: list[tuple[str, str, str]],
    lift: tuple[str, list[str]] | None,
    attached: str,
    lang: str,
) -> str:
    # Plain tables and inline styles: what every mail client shows alike.
    rows = "".join(
        '<tr><td style="padding:6px 16px 6px 0;color:#555">'
        f"{escape(label)}</td>"
        f'<td style="padding:6px 0;font-weight:600">{escape(value)}'
        + (f'<br><span style="font-weight:400;color:#555">{escape(note)}</span>' if note else "")
        + "</td></tr>"
        for label, value, note in figures
    )
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(heading)}</title></head>"
        '<body style="margin:0;padding:16px;font:15px/1.45 Arial,sans-serif;color:#222">'
        f'<h1 style="font-size:20px;margin:0 0 4px">{escape(heading)}</h1>'
        f'<p style="margin:0 0 12px;color:#555">{escape(period)}</p>'
        f'<table role="presentation" style="border-collapse:collapse">{rows}</table>'
        + _lift_html(lift)
        + f'<p style="margin:16px 0 0">{escape(attached)}</p>'
        "</body></html>"
    )


def _lift_html(lift: tuple[str, list[str]] | None) -> str:
    if lift is None:
        return ""
    heading, said = lift
    items = "".join(f'<li style="margin:0 0 6px">{escape(line)}</li>' for line in said)
    return (
        f'<h2 style="font-size:17px;margin:18px 0 6px">{escape(heading)}</h2>'
        f'<ul style="margin:0;padding-left:20px">{items}</ul>'
    )
