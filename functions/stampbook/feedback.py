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
