"""The send queue's consumer: each message says "work on campaign X"; the claim decides who.

On AWS, starting a campaign queues one message per batch of its audience
(`services.campaigns.Campaigns.enqueue`); a Lambda reads them and runs the
same worker step as a local thread does. A message delivered twice claims
nothing twice: the records, not the message, say what is left to send.
A message whose work failed is reported back alone (partial batch
failure, `ReportBatchItemFailures`), so SQS offers only it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..bootstrap import App, open_keyring, open_transport
from ..store.sends import CampaignState

if TYPE_CHECKING:
    from ..mail.transports.base import Transport
    from ..services.campaigns import Campaigns


class BadQueueMessage(ValueError):
    pass


@dataclass(frozen=True)
class QueueRecord:
    message_id: str
    body: str


def campaign_of(body: str) -> str:
    try:
        found = json.loads(body)
    except ValueError:
        raise BadQueueMessage(f"not JSON: {body[:80]!r}") from None
    slug = found.get("campaign") if isinstance(found, dict) else None
    if not isinstance(slug, str) or not slug:
        raise BadQueueMessage(f"no campaign named in {body[:80]!r}")
    return slug


def consume(app: App, records: Iterable[QueueRecord]) -> dict[str, list[dict[str, str]]]:
    """Work one claimed batch per message; the answer lists the messages to offer again."""
    from ..services.campaigns import Campaigns, NoSendRecords

    try:
        owner = Campaigns.of(app)
    except NoSendRecords as missing:
        raise BadQueueMessage(str(missing)) from None
    failures: list[dict[str, str]] = []
    transport = open_transport(app.settings, retrying=False)
    try:
        for record in records:
            try:
                _work(owner, campaign_of(record.body), transport)
            except BadQueueMessage:
                continue  # offering it again would not make it readable
            except Exception:
                failures.append({"itemIdentifier": record.message_id})
    finally:
        transport.close()
    return {"batchItemFailures": failures}


def _work(owner: Campaigns, slug: str, transport: Transport) -> None:
    campaign = owner.sends.campaign(slug)
    if campaign is None or campaign.state is not CampaignState.SENDING:
        return  # paused, cancelled or finished meanwhile: nothing to do
    issue = owner.issue(slug, open_keyring(owner.app.settings))
    owner.worker(issue, transport).step()


def records_of(event: Mapping[str, Any]) -> list[QueueRecord]:
    return [QueueRecord(r["messageId"], r["body"]) for r in event.get("Records", [])]
