"""The questionnaire: `POST /feedback` with the email's link, `POST /feedback/site` without one.

The link (`Purpose.FEEDBACK`) is about an order; the answer is kept once per
order for the customer it was recorded for. Answering again is harmless: the
same `200`, the first answer kept.

The site's public form needs no link, so it is guarded like sign-up: counted
per IP and per address given, and bots (the hidden field, a form sent
faster than a person types) get the usual `202` with nothing kept.
"""

from __future__ import annotations

from typing import Annotated, Literal

from chalice.app import Response
from pydantic import BaseModel, Field, StringConstraints

from ..mail.tokens import Purpose
from ..records.feedback import FeedbackReason
from ..services.limits import Rate
from ..services.questionnaire import answer_for_order, answer_on_site
from .body import json_body
from .context import current
from .formats import EMAIL_OR_NOTHING
from .openapi import Operation
from .public import (
    NO_REFERRER,
    address,
    answer,
    caller_ip,
    is_a_bot,
    limit,
    limit_address,
    subject_of,
)
from .refusals import answer_errors
from .routes import feedback
from .subscriptions import Accepted, PublicFormIn, TokenIn

# Far above what one unhappy person writes; far below what fills a table.
SITE_PER_IP = Rate("site-feedback-ip", 10, 3600)
SITE_PER_ADDRESS = Rate("site-feedback-address", 3, 3600)

Text = Annotated[str, Field(default="", max_length=2000)]  # the page's textarea allows as much


class FeedbackIn(TokenIn):
    reason: FeedbackReason
    text: Text


class SiteFeedbackIn(PublicFormIn):
    reason: FeedbackReason
    text: Text
    # As on the receipt; kept as typed, never looked up.
    order: Annotated[str, StringConstraints(max_length=64, pattern=r"^[\w #№./-]*$")] = ""
    # Only to reply; left out, the answer is anonymous.
    email: str = Field(default="", max_length=254, json_schema_extra={"pattern": EMAIL_OR_NOTHING})


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
        refusals=(400, 403, 404, 410, 413, 415, 422, 503),
    ),
    Operation(
        "POST",
        "/feedback/site",
        "Tell the business what went wrong, without a link (an address only for a reply)",
        Accepted,
        SiteFeedbackIn,
        integration_key=False,
        refusals=(400, 413, 415, 422, 429, 503),
        status=202,
    ),
]


@answer_errors
def answer_questionnaire() -> Response:
    body = json_body(feedback.current_request, FeedbackIn)
    order_id = subject_of(body.token, Purpose.FEEDBACK, "token")
    app = current()
    answer_for_order(
        app.store, app.loyalty.clock(), order_id, body.reason, body.text, app.loyalty.webhooks
    )
    return answer({"status": "recorded"}, headers=NO_REFERRER)


@answer_errors
def answer_on_the_site() -> Response:
    request = feedback.current_request
    body = json_body(request, SiteFeedbackIn)
    limit(SITE_PER_IP, caller_ip(request))
    reply_to = address(body.email) if body.email else ""
    accepted = answer({"status": "accepted"}, 202)
    if is_a_bot(body.website, body.fill_ms):
        return accepted
    if reply_to:
        limit_address(SITE_PER_ADDRESS, reply_to)
    app = current()
    answer_on_site(
        app.store,
        app.loyalty.clock(),
        body.reason,
        body.text,
        body.order,
        reply_to,
        app.loyalty.webhooks,
    )
    return accepted
