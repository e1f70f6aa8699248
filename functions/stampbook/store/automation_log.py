"""The store's part for automatic emails: claims that make each one go once."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..automation_sends import AutomationKey, AutomationSend, EmailStatus


class AutomationLog(Protocol):
    def claim_automation(self, key: AutomationKey, now: int, until: int) -> bool:
        """Take `key` for sending until `until` (Unix seconds); False if it is sent,
        refused for good, or claimed by someone else until after `now`."""
        ...

    def finish_automation(self, key: AutomationKey, status: EmailStatus, at: datetime) -> None:
        """Mark a claimed email sent (or refused for good) at `at`."""
        ...

    def release_automation(self, key: AutomationKey) -> None:
        """Give up a claim that was not sent, so a later run tries again."""
        ...

    def automation_sends(self, customer_id: str) -> list[AutomationSend]:
        """Every automatic-email record of a customer, by automation and occasion."""
        ...

    def automation_counts(self, start: datetime, end: datetime) -> dict[str, int]:
        """How many of each automation were sent in [start, end); kinds with none are left out."""
        ...
