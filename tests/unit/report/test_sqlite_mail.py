"""The newsletters and emails a real SQLite customer file records, as the report reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.audience.mail_events import MailEvent, MailEventKind
from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.records.customers import Customer
from stampbook.report.facts import Period
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.services.mail_events import handle_mail_events
from stampbook.store.sends import CampaignState, SendStatus, Settled
from stampbook.store.sqlite import SqliteStore

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
PEOPLE = [f"c{n}" for n in range(6)]


def _sent(store: SqliteStore, slug: str, at: datetime, people: list[str]) -> None:
    """A campaign that sent to everyone but the last, who was skipped."""
    store.move_campaign(slug, CampaignState.DRAFT, at, only_from={CampaignState.DRAFT})
    store.add_sends(slug, [(person, "ru") for person in people])
    store.start_sending(slug, at)
    claimed = store.claim_sends(slug, "w", len(people), now=1.0, lease_until=60.0)
    *sent, skipped = sorted(claimed, key=lambda record: record.customer_id)
    store.settle_sends(
        slug,
        "w",
        [
            *(
                Settled(
                    r.customer_id,
                    SendStatus.SENT,
                    "",
                    f"{slug}-{r.customer_id}@shop",
                    f"ses-{slug}-{r.customer_id}",
                    at,
                )
                for r in sent
            ),
            Settled(skipped.customer_id, SendStatus.SKIPPED, "consent unsubscribed", at=at),
        ],
    )


def _event(kind: MailEventKind, person: str, message_id: str, at: datetime) -> MailEvent:
    return MailEvent(f"{kind}:{person}:{message_id}", kind, f"{person}@example.com", at, message_id)


def test_campaign_counts_unsubscribes_and_automatic_emails(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    store = SqliteStore(path)
    for person in PEOPLE:
        store.add_customer(Customer(person, f"{person}@example.com", T0, name=person))
        store.record_consent(person, ConsentRecord(ConsentStatus.CONFIRMED, T0, form="signup"))
    november, december = T0 + timedelta(days=2), T0 + timedelta(days=32)
    _sent(store, "november", november, PEOPLE)
    _sent(store, "december", december, PEOPLE[:4])
    hour = timedelta(hours=1)
    handle_mail_events(
        store,
        [
            # Our Message-ID and the provider's id both find the campaign.
            _event(MailEventKind.DELIVERY, "c0", "november-c0@shop", november + hour),
            _event(MailEventKind.DELIVERY, "c1", "ses-november-c1", november + hour),
            _event(MailEventKind.BOUNCE, "c4", "ses-november-c4", november + hour),
            _event(MailEventKind.COMPLAINT, "c0", "ses-december-c0", december + hour),
            _event(MailEventKind.DELIVERY, "c2", "ses-december-c2", december + hour),
            # A one-off email, which no campaign sent.
            _event(MailEventKind.SOFT_BOUNCE, "c5", "welcome-c5@shop", november + hour),
        ],
    )
    # c1 leaves after November's issue, c2 after December's; c0's complaint
    # is counted as a complaint, not as an unsubscribe.
    unsubscribe = ConsentStatus.UNSUBSCRIBED
    store.record_consent("c1", ConsentRecord(unsubscribe, november + 2 * hour, form="unsubscribe"))
    store.record_consent("c2", ConsentRecord(unsubscribe, december + 2 * hour, form="one-click"))
    for person, email in (
        ("c0", Automation.THANK_YOU),
        ("c1", Automation.WELCOME),
        ("c2", Automation.HOLIDAY),
    ):
        key = AutomationKey(person, email, "occasion")
        assert store.claim_automation(key, 0, 60)
        store.finish_automation(key, EmailStatus.SENT, november)
    refused = AutomationKey("c3", Automation.WIN_BACK, "lapse")
    assert store.claim_automation(refused, 0, 60)
    store.finish_automation(refused, EmailStatus.FAILED, november)
    store.close()

    reader = SqliteReport(path)
    try:
        facts = reader.facts(Period(None, T0 + timedelta(days=60)), "RUB", None)
    finally:
        reader.close()
    latest, first, other = facts.mail
    assert (latest.campaign, latest.sent, latest.skipped, latest.failed) == ("december", 3, 1, 0)
    assert (latest.delivered, latest.complained, latest.unsubscribed) == (1, 1, 1)
    assert (first.campaign, first.sent, first.skipped) == ("november", 5, 1)
    assert (first.delivered, first.bounced, first.unsubscribed) == (2, 1, 1)
    assert (other.campaign, other.sent, other.soft_bounced) == (None, None, 1)
    actions = {month.month: month.actions for month in facts.months}
    assert actions["2026-11"] == {
        "newsletter": 5,
        "greeting": 2,
        "thank_you": 1,
        "email_delivered": 2,
    }
    assert actions["2026-12"] == {"newsletter": 3, "email_delivered": 1}
