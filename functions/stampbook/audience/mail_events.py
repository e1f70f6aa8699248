"""What the mail provider tells us afterwards: delivered, bounced, complained.

Amazon SES reports these through SNS, either as classic notifications
(`notificationType`) or as configuration-set events (`eventType`); both
carry the same parts. One event per recipient, named after the SNS message
so that a notification delivered twice is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from .consent import ConsentStatus


class MailEventKind(StrEnum):
    DELIVERY = "delivery"
    BOUNCE = "bounce"  # permanent: the address does not exist
    SOFT_BOUNCE = "soft_bounce"  # mailbox full, server down: counted, not final
    COMPLAINT = "complaint"  # marked as spam


# What each kind does to consent. A complaint ends marketing mail, as the
# recipient asked; a hard bounce ends all mail, since none can arrive.
CONSENT_AFTER = {
    MailEventKind.BOUNCE: ConsentStatus.SUPPRESSED,
    MailEventKind.COMPLAINT: ConsentStatus.UNSUBSCRIBED,
}


@dataclass(frozen=True, slots=True)
class MailEvent:
    event_id: str  # "<SNS message id>:<recipient>"
    kind: MailEventKind
    email: str
    at: datetime
    message_id: str = ""  # the provider's id of the email it is about
    detail: str = ""  # bounce subtype or complaint feedback type
    customer_id: str | None = None


def _moment(text: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def events_of(notification: dict[str, Any], sns_message_id: str) -> list[MailEvent]:
    """The events in one SES notification; unknown types and fields are ignored."""
    kind_name = str(notification.get("notificationType") or notification.get("eventType") or "")
    mail = notification.get("mail")
    message_id = str(mail.get("messageId", "")) if isinstance(mail, dict) else ""

    def each(kind: MailEventKind, part: str, list_name: str, detail: str) -> list[MailEvent]:
        body = notification.get(part)
        if not isinstance(body, dict):
            return []
        recipients = body.get(list_name) or []
        found = []
        for recipient in recipients:
            address = recipient.get("emailAddress") if isinstance(recipient, dict) else recipient
            if isinstance(address, str) and address:
                found.append(
                    MailEvent(
                        f"{sns_message_id}:{address.lower()}",
                        kind,
                        address,
                        _moment(body.get("timestamp")),
                        message_id,
                        detail,
                    )
                )
        return found

    if kind_name == "Bounce":
        bounce = notification.get("bounce") or {}
        hard = bounce.get("bounceType") == "Permanent"
        kind = MailEventKind.BOUNCE if hard else MailEventKind.SOFT_BOUNCE
        return each(kind, "bounce", "bouncedRecipients", str(bounce.get("bounceSubType", "")))
    if kind_name == "Complaint":
        complaint = notification.get("complaint") or {}
        feedback = str(complaint.get("complaintFeedbackType", ""))
        return each(MailEventKind.COMPLAINT, "complaint", "complainedRecipients", feedback)
    if kind_name == "Delivery":
        return each(MailEventKind.DELIVERY, "delivery", "recipients", "")
    return []
