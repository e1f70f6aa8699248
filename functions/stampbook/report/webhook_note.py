"""The note to the owner when a webhook endpoint is turned off: to the report's address,
in the report's language, from the business's own address, as plain text."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from ..mail.address import domain_of
from ..mail.envelope import sender_of
from ..mail.message import Kind, Message
from ..programme import Programme
from ..records.webhooks import WebhookEndpoint
from .words import report_words


def webhook_disabled_email(
    programme: Programme, endpoint: WebhookEndpoint, detail: str, now: datetime
) -> Message | None:
    """The note, or None when the owner gave no `report.send_to` (the list shows it then)."""
    programme_file = programme.programme_file
    settings = programme_file.report
    if settings.send_to is None:
        return None
    words = report_words(
        settings.locale or programme_file.locales.default,
        programme_file.currency,
        programme.root,
        programme_file.money,
    )
    values: dict[str, str] = {
        "url": endpoint.url,
        "endpoint": endpoint.endpoint_id,
        "failures": str(endpoint.failures),
        "detail": detail or "—",
    }
    sender = sender_of(programme_file, words.locale).mailbox
    subject = words("webhook_disabled.subject", None, **values)
    mail = EmailMessage(policy=SMTP)
    mail["From"] = formataddr((sender.name, sender.address))
    mail["To"] = settings.send_to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(now)
    message_id = make_msgid(domain=domain_of(sender.address))
    mail["Message-ID"] = message_id
    mail.set_content(words("webhook_disabled.body", None, **values), cte="quoted-printable")
    return Message(
        sender=sender.address,
        to=settings.send_to,
        message_id=message_id.strip("<>"),
        subject=subject,
        kind=Kind.TRANSACTIONAL,
        data=mail.as_bytes(),
    )
