"""The store's part for automatic emails: claims that make each one go once, and the
emails events owe until the courier sends them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..records.automation_sends import Automation, AutomationKey, AutomationSend, EmailStatus
from ..records.owed_emails import OwedEmail

# Claimed emails with the status to mark each with; the keys of owed emails.
Marks = Sequence[tuple[AutomationKey, EmailStatus]]
Keys = Sequence[AutomationKey]


class AutomationLog(Protocol):
    def claim_automation(self, key: AutomationKey, now: int, until: int) -> bool:
        """Take `key` for sending until `until` (Unix seconds); False if it is sent,
        refused for good, or claimed by someone else until after `now`."""
        ...

    def finish_automation(self, key: AutomationKey, status: EmailStatus, at: datetime) -> None:
        """Mark a claimed email sent (or refused for good) at `at`."""
        ...

    def claim_automations(self, keys: Sequence[AutomationKey], now: int, until: int) -> list[bool]:
        """`claim_automation` for each of `keys` (distinct) in one write where the store can:
        whether each was taken, in order."""
        ...

    def finish_automations(
        self, finished: Sequence[tuple[AutomationKey, EmailStatus]], at: datetime
    ) -> None:
        """`finish_automation` for each claimed email, in one write where the store can."""
        ...

    def release_automation(self, key: AutomationKey) -> None:
        """Give up a claim that was not sent, so a later run tries again."""
        ...

    def automation_sends(self, customer_id: str) -> list[AutomationSend]:
        """Every automatic-email record of a customer, by automation and occasion."""
        ...

    def automation_counts(self, start: datetime, end: datetime) -> dict[Automation, int]:
        """How many of each automation were sent in [start, end); kinds with none are left out."""
        ...

    # -- owed emails: written by `commit` (a change's `owed`) or `owe_email`, sent by
    #    the courier

    def owe_email(self, owed: OwedEmail) -> None:
        """Owe an email no other change comes with (a link asked for by mail);
        owing the same one twice owes it once."""
        ...

    def owed_emails_due(self, now: int, limit: int) -> list[OwedEmail]:
        """Up to `limit` owed emails due at `now` (Unix seconds) or before, earliest first."""
        ...

    def take_owed_email(self, key: AutomationKey, due: int, until: int) -> bool:
        """Hold an owed email until `until` if its due time is still `due`; False if another
        courier took it (or it was dealt with) since it was listed."""
        ...

    def take_owed_emails(self, owed: Sequence[OwedEmail], until: int) -> list[OwedEmail]:
        """`take_owed_email` for each of `owed` (as listed), in one write where the store
        can: those taken, in order."""
        ...

    def postpone_owed_email(self, key: AutomationKey, due: int, attempts: int) -> None:
        """Owe it still, from `due` on, after `attempts` transient failures (if still owed)."""
        ...

    def settle_owed_email(self, key: AutomationKey) -> None:
        """It is dealt with (sent, refused, or no longer wanted): owed no more."""
        ...

    def finish_owed_emails(self, finished: Marks, settled: Keys, at: datetime) -> None:
        """`finish_automations`, then `settle_owed_email` for each of `settled`: in one
        write where the store can, the claims marked first where it cannot."""
        ...
