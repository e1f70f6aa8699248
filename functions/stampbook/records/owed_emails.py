"""An automatic email an event owes: written with the purchase or refund that calls for it.

A thank-you (or a feedback request) is recorded as owed in the very
transaction that records the purchase (or the refund), so it can be neither
lost nor owed twice: a process that dies after the commit leaves it owed,
and a replayed purchase writes nothing. The courier (`services.courier`)
sends it afterwards, off the till's request, and removes it once dealt with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .automation_sends import AutomationKey


@dataclass(frozen=True, slots=True)
class OwedEmail:
    key: AutomationKey  # who, which automation, which occasion (the order)
    due: int  # Unix seconds: not to be sent before (later after each transient failure)
    # What the email tells of its occasion, as the commit's answer had it: the
    # points earned and when they become available (a thank-you).
    details: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0  # transient failures so far
