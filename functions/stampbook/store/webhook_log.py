"""The store's part for outgoing webhooks: the owner's endpoints, the deliveries owed
to them (written by `commit` with what they report, or by `owe_webhooks`), and the
log of each attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..records.webhooks import EndpointState, OwedWebhook, WebhookAttempt, WebhookEndpoint


class WebhookLog(Protocol):
    def add_webhook_endpoint(self, endpoint: WebhookEndpoint) -> None: ...

    def webhook_endpoints(self) -> list[WebhookEndpoint]:
        """Every endpoint, active or disabled, oldest first."""
        ...

    def remove_webhook_endpoint(self, endpoint_id: str) -> bool:
        """Forget an endpoint with what is owed to it and its log; False if there is none."""
        ...

    def webhook_failed(self, endpoint_id: str) -> int:
        """Count one more failed attempt in a row (added where it is kept, so two couriers
        count both); how many there are now, 0 if the endpoint is gone."""
        ...

    def webhook_delivered(self, endpoint_id: str) -> None:
        """An attempt succeeded: the failures in a row start again from none."""
        ...

    def set_webhook_state(
        self, endpoint_id: str, state: EndpointState, at: datetime, note: str = ""
    ) -> bool:
        """Disable (with why) or enable an endpoint; False if it is gone or in that state
        already, so of two couriers disabling it only one tells the owner."""
        ...

    def rotate_webhook_secret(self, endpoint_id: str, secret: str, previous_until: int) -> bool:
        """Sign with `secret` from now on, and with the one it replaces too until
        `previous_until` (Unix seconds); False if there is no such endpoint."""
        ...

    def owe_webhooks(self, owed: list[OwedWebhook]) -> None:
        """Owe deliveries no commit comes with (a sign-up confirmed, an answer kept);
        owing the same one twice owes it once."""
        ...

    def owed_webhooks_due(self, now: int, limit: int) -> list[OwedWebhook]:
        """Up to `limit` deliveries due at `now` (Unix seconds) or before, earliest first."""
        ...

    def take_owed_webhooks(self, owed: list[OwedWebhook], until: int) -> list[OwedWebhook]:
        """Hold these deliveries until `until`, each if its due time is still the one listed;
        those taken (another courier took the others, or they were dealt with, since)."""
        ...

    def finish_owed_webhook(
        self,
        owed: OwedWebhook,
        attempt: WebhookAttempt | None,
        keep_until: int,
        due_again: int | None = None,
    ) -> None:
        """A taken delivery is done with (delivered, given up, dropped): owed no more; or,
        with `due_again`, owed from then on after one more failed try. Its try is logged
        until `keep_until` in the same write."""
        ...

    def log_webhook_attempt(self, attempt: WebhookAttempt, keep_until: int) -> None:
        """Keep a line of the delivery log until `keep_until` (Unix seconds): a try that
        was owed by nobody (`stampbook webhooks test`)."""
        ...

    def webhook_attempts(self, endpoint_id: str, now: int, limit: int) -> list[WebhookAttempt]:
        """An endpoint's latest log lines still kept at `now`, newest first."""
        ...
