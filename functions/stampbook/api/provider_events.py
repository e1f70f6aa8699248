"""`POST /mail/events`: SES bounces, complaints and deliveries, delivered by SNS.

Only signed messages from the topics named in `STAMPBOOK_SNS_TOPICS`
(comma-separated ARNs) are read; everything else gets a 403 and changes
nothing. A subscription confirmation is confirmed by visiting its SNS
address, after the same checks.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from pydantic import BaseModel

from ..audience.mail_events import events_of
from ..services.mail_events import handle_mail_events
from .context import current
from .errors import ApiError
from .openapi import Operation
from .refusals import answer_errors
from .routes import provider_events
from .sns import Certificates, NotFromSns, sns_url, verified_message


class EventsOut(BaseModel):
    recorded: int | None = None  # events new to us (a repeated notification counts 0)
    confirmed: bool | None = None  # a subscription confirmation was answered


OPERATIONS = [
    Operation(
        "POST",
        "/mail/events",
        "Amazon SNS notifications of SES bounces, complaints and deliveries",
        EventsOut,
        integration_key=False,
        refusals=(403, 413, 415, 503),
    )
]

_certificates = Certificates()


def _visit(url: str) -> None:
    with urllib.request.urlopen(sns_url(url), timeout=5) as answer:
        answer.read()


_confirm: Callable[[str], None] = _visit


def use_sns(certificates: Certificates, confirm: Callable[[str], None] = _visit) -> None:
    """Where certificates come from and how subscriptions are confirmed (tests, local runs)."""
    global _certificates, _confirm
    _certificates, _confirm = certificates, confirm


def _topics() -> frozenset[str]:
    names = os.environ.get("STAMPBOOK_SNS_TOPICS", "")
    return frozenset(name.strip() for name in names.split(",") if name.strip())


@answer_errors
def receive() -> dict[str, Any]:
    body = provider_events.current_request.raw_body or b""
    raw = body if isinstance(body, bytes) else body.encode()
    if len(raw) > 256 * 1024:  # SNS messages are at most 256 KB
        raise ApiError(413, "too_large", "not an SNS message")
    try:
        message = verified_message(raw, _topics(), _certificates)
    except NotFromSns as refused:
        raise ApiError(403, "forbidden", str(refused)) from None
    except OSError:
        raise ApiError(503, "unavailable", "could not fetch the SNS certificate") from None
    if message["Type"] == "SubscriptionConfirmation":
        _confirm(str(message.get("SubscribeURL", "")))
        return EventsOut(confirmed=True).model_dump(exclude_none=True)
    notification: Any = None
    if message["Type"] == "Notification":
        # Signed, but perhaps not a mail event: then there is nothing to do.
        with suppress(ValueError):
            notification = json.loads(message["Message"])
    if not isinstance(notification, dict):
        return EventsOut(recorded=0).model_dump(exclude_none=True)
    events = events_of(notification, str(message["MessageId"]))
    recorded = handle_mail_events(current().store, events)
    return EventsOut(recorded=recorded).model_dump(exclude_none=True)
