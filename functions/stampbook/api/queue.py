"""The send queue's consumer: each message says "work on campaign X"; the claim decides who.

On AWS, starting a campaign queues one message per batch of its audience
(`services.campaigns.Campaigns.enqueue`); a Lambda reads them and runs the
same worker step as a local thread does. A message delivered twice claims
nothing twice: the records, not the message, say what is left to send.
A message whose work failed is reported back alone (partial batch
failure, `ReportBatchItemFailures`), so SQS offers only it again.

A message that finds nothing to claim while some records are still claimed
is reported back too, not deleted: their worker may have died with them
(a Lambda stopped by its timeout or a crash), and once their lease runs out
the message, offered again after the queue's visibility timeout, claims
them. Deleted, it would leave the campaign sending with nobody to send the
rest. If their worker was alive and settles them, the message offered again
finds nothing outstanding and is done.

The other kind of message, `{"kind": "owed_emails"}`, is put by a purchase
or refund that owes an automatic email, once it is committed: the consumer
runs the courier (`services.courier`), which sends whatever is owed and due.
It names no email, so a message delivered twice or late sends nothing twice.

A third, `{"kind": "nightly", "shard": k, "shards": n, "first": id, "stop": id}`,
is one shard of the nightly run, the customers from `first` up to `stop`,
queued by the schedule (`services.nightly`): each customer's step is
recorded per day, so a shard run twice changes nobody twice. One queued
before shards were named by ids (no `first` or `stop`) is dropped unless it
is shard 0, which cuts the night again into runs of ids and queues them.

A fourth, `{"kind": "webhooks"}`, is put by a change that owes webhook
deliveries: the consumer runs the webhook courier (`services.webhook_courier`)
on whatever is due, so it too can be delivered twice harmlessly.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..bootstrap import App, open_keyring, open_transport
from ..store.sends import CampaignState

if TYPE_CHECKING:
    from ..mail.tokens import Keyring
    from ..mail.transports.base import Transport
    from ..services.campaigns import Campaigns


OWED_EMAILS = json.dumps({"kind": "owed_emails"})
WEBHOOKS = json.dumps({"kind": "webhooks"})
log = logging.getLogger("stampbook.queue")


class BadQueueMessage(ValueError):
    pass


class RecordsStillClaimed(RuntimeError):
    """Nothing to claim yet, but records are held: offered again once their lease is over."""


@dataclass(frozen=True)
class QueueRecord:
    message_id: str
    body: str


def _message(body: str) -> dict[str, Any]:
    try:
        found = json.loads(body)
    except ValueError:
        raise BadQueueMessage(f"not JSON: {body[:80]!r}") from None
    if not isinstance(found, dict):
        raise BadQueueMessage(f"not a JSON object: {body[:80]!r}")
    return found


def campaign_of(body: str) -> str:
    slug = _message(body).get("campaign")
    if not isinstance(slug, str) or not slug:
        raise BadQueueMessage(f"no campaign named in {body[:80]!r}")
    return slug


def consume(app: App, records: Iterable[QueueRecord]) -> dict[str, list[dict[str, str]]]:
    """Work one claimed batch per message; the answer lists the messages to offer again."""
    from ..services.campaigns import NoSendRecords
    from ..services.courier import deliver_owed

    try:
        owner = app.campaigns()
    except NoSendRecords as missing:
        raise BadQueueMessage(str(missing)) from None
    failures: list[dict[str, str]] = []
    transport = open_transport(app.settings, retrying=False)
    try:
        for record in records:
            try:
                message = _message(record.body)
                if message.get("kind") == "owed_emails":
                    deliver_owed(app.emails)
                elif message.get("kind") == "webhooks":
                    _webhooks(app)
                elif message.get("kind") == "nightly":
                    _nightly_shard(app, message)
                else:
                    _work(owner, campaign_of(record.body), transport, open_keyring(app.settings))
            except BadQueueMessage as unreadable:
                # Offering it again would not make it readable; the log says it was dropped.
                log.warning("queue message %s dropped: %s", record.message_id, unreadable)
            except RecordsStillClaimed as held:
                log.info("%s: offered again later", held)
                failures.append({"itemIdentifier": record.message_id})
            except Exception:
                log.exception("queue message %s failed; offered again later", record.message_id)
                failures.append({"itemIdentifier": record.message_id})
    finally:
        transport.close()
    return {"batchItemFailures": failures}


# The longest a message can wait on SQS; later tries are left to the 5-minute schedule.
LONGEST_DELAY_SECONDS = 900


def _webhooks(app: App) -> None:
    """Post the webhook deliveries that are due; if one failed, a message delayed until its
    next try (5 s, 5 min) wakes this consumer again, rather than the next schedule."""
    from ..sender.settings import SendingSettings
    from ..services.webhook_courier import deliver_webhooks

    waits: list[int] = []
    deliver_webhooks(app.mailer, waits.append)
    queue_url = SendingSettings.from_env().queue_url
    if waits and queue_url and min(waits) <= LONGEST_DELAY_SECONDS:
        OwedEmailsAnnounced(queue_url, WEBHOOKS, delay=min(waits))()


def _nightly_shard(app: App, message: dict[str, Any]) -> None:
    from ..sender.settings import SendingSettings
    from ..services.nightly import (
        plan_shards,
        queue_shards,
        queued_in_the_old_form,
        run_shard,
        shard_of_message,
    )

    within = shard_of_message(message)
    if within is None:
        raise BadQueueMessage(f"not a shard of the nightly run: {message}")
    queue_url = SendingSettings.from_env().queue_url
    if queued_in_the_old_form(message) and queue_url:
        # Shard 0 of a night queued before a deploy: one invocation taking the whole
        # file may run out of time, so the night is cut again into runs of ids and each
        # queued, as the schedule does now (a customer's step is recorded per day).
        import boto3

        queue_shards(boto3.client("sqs"), queue_url, plan_shards(app.store))
        return
    run_shard(app.loyalty, within)


def _work(owner: Campaigns, slug: str, transport: Transport, keyring: Keyring) -> None:
    campaign = owner.sends.campaign(slug)
    if campaign is None or campaign.state is not CampaignState.SENDING:
        return  # paused, cancelled or finished meanwhile: nothing to do
    issue = owner.issue(slug, keyring)
    if owner.worker(issue, transport).step():
        return
    if owner.sends.claims_outstanding(slug) is not None:
        raise RecordsStillClaimed(f"{slug}: records claimed by a worker that may be gone")


def records_of(event: Mapping[str, Any]) -> list[QueueRecord]:
    return [QueueRecord(r["messageId"], r["body"]) for r in event.get("Records", [])]


class OwedEmailsAnnounced:
    """Puts one `owed_emails` message on the send queue: what a Lambda that committed a
    purchase owing an email does instead of sending it while the till waits (and one
    `webhooks` message, for a change owing webhook deliveries)."""

    def __init__(self, queue_url: str, body: str = OWED_EMAILS, delay: int = 0) -> None:
        self.queue_url = queue_url
        self.body = body
        self.delay = delay  # seconds before the consumer sees it (SQS's DelaySeconds)
        self._client: Any = None
        self._lock = threading.Lock()

    def __call__(self) -> None:
        try:
            with self._lock:
                if self._client is None:
                    import boto3

                    self._client = boto3.client("sqs")
            self._client.send_message(
                QueueUrl=self.queue_url, MessageBody=self.body, DelaySeconds=self.delay
            )
        except Exception as failed:  # the purchase stands: the 5-minute schedule sends it
            log.warning("%s not announced on the send queue: %s", self.body, failed)


def announce_owed_emails(app: App) -> None:
    """With a send queue (STAMPBOOK_SEND_QUEUE_URL), each commit that owes an automatic
    email or a webhook delivery says so on it; without one, they wait for the schedule."""
    from ..sender.settings import SendingSettings
    from ..services.automations import AutomaticEmails

    queue_url = SendingSettings.from_env().queue_url
    if not queue_url:
        return
    app.loyalty.webhooks.on_owed = OwedEmailsAnnounced(queue_url, WEBHOOKS)
    events = app.loyalty.events
    if isinstance(events, AutomaticEmails):
        events.on_owed = OwedEmailsAnnounced(queue_url)
