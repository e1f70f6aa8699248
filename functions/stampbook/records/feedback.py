"""Why a customer left unhappy: the short questionnaire after a refund or complaint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FeedbackReason(StrEnum):
    DID_NOT_FIT = "did_not_fit"  # the product or service did not fit
    STAFF = "staff"  # did not like the staff
    PUSHY_SALE = "pushy_sale"  # pushy during the sale
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Feedback:
    feedback_id: str
    customer_id: str
    reason: FeedbackReason
    at: datetime
    text: str = ""
    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class SiteFeedback:
    """An answer left on the site's public questionnaire, without an email's link.

    It belongs to no customer. The order number is kept as typed and never
    looked up (the form must not tell strangers which orders exist); the
    address is kept only when given, and only to reply.
    """

    feedback_id: str
    reason: FeedbackReason
    at: datetime
    text: str = ""
    order_ref: str = ""
    reply_to: str = ""  # a normalised address, or empty
