"""The questionnaire after a refund or complaint: `POST /feedback` with the email's link.

The link (`Purpose.FEEDBACK`) is about an order; the answer is kept once per
order for the customer it was recorded for. Answering again is harmless: the
same `200`, the first answer kept.
"""

from __future__ import annotations

from typing import Literal

from chalice.app import Response
from pydantic import BaseModel, Field

from ..feedback import FeedbackReason
from ..mail.tokens import Purpose
from ..services.questionnaire import answer_for_order
from .body import json_body
from .context import current
from .openapi import Operation
from .public import NO_REFERRER, answer, subject_of
from .refusals import answer_errors
from .routes import feedback
from .subscriptions import TokenIn


class FeedbackIn(TokenIn):
    reason: FeedbackReason
    text: str = Field(default="", max_length=2000)  # the page's textarea allows as much


class Thanks(BaseModel):
    status: Literal["recorded"]


OPERATIONS = [
    Operation(
        "POST",
        "/feedback",
        "Say why an order left me unhappy (once per order; answering again is harmless)",
        Thanks,
        FeedbackIn,
        integration_key=False,
        refusals=(400, 404, 410, 413, 415, 422, 503),
    ),
]


@answer_errors
def answer_questionnaire() -> Response:
    body = json_body(feedback.current_request, FeedbackIn)
    order_id = subject_of(body.token, Purpose.FEEDBACK, "token")
    answer_for_order(current(), order_id, body.reason, body.text)
    return answer({"status": "recorded"}, headers=NO_REFERRER)
