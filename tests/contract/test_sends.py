"""The sender's port (`SendStore`): claims with leases, settling, counters, the shared pace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stampbook.audience.consent import ConsentRecord, ConsentStatus, current_status
from stampbook.audience.mail_events import MailEvent, MailEventKind
from stampbook.services.mail_events import handle_mail_events
from stampbook.store.base import Store
from stampbook.store.sends import CampaignState, SendStatus, SendStore, Settled

from .conftest import customer

AT = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
SLUG = "2026-12-winter-lots"


@pytest.fixture
def sending_store(store: Store) -> Store:
    assert isinstance(store, SendStore)
    return store


def started(store: SendStore, people: int) -> None:
    store.move_campaign(SLUG, CampaignState.DRAFT, AT, only_from={CampaignState.DRAFT})
    store.add_sends(SLUG, [(f"c{n}", "ru") for n in range(people)])
    store.start_sending(SLUG, AT)
    assert store.claims_outstanding(SLUG) == (0.0 if people else None)  # pending only


def test_one_record_per_person_however_often_added(sending_store: Store) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    store.move_campaign(SLUG, CampaignState.DRAFT, AT, only_from={CampaignState.DRAFT})
    assert store.add_sends(SLUG, [("c1", "ru"), ("c2", "en")]) == 2
    assert store.add_sends(SLUG, [("c1", "ru"), ("c3", "ru")]) == 1  # c1 is in two segments
    campaign = store.start_sending(SLUG, AT)
    assert (campaign.state, campaign.audience) == (CampaignState.SENDING, 3)


def test_held_out_records_are_counted_apart_never_claimed_and_keep_their_side(
    sending_store: Store,
) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    store.move_campaign(SLUG, CampaignState.DRAFT, AT, only_from={CampaignState.DRAFT})
    assert store.add_sends(SLUG, [("c1", "ru"), ("c2", "en")]) == 2
    assert store.add_sends(SLUG, [("h1", "ru"), ("h2", "ru")], held_out=True) == 2
    # Added again on the other side (a start run twice): the first record stands.
    assert store.add_sends(SLUG, [("h1", "ru")]) == 0
    assert store.add_sends(SLUG, [("c1", "ru")], held_out=True) == 0
    campaign = store.start_sending(SLUG, AT)
    assert (campaign.audience, campaign.held_out) == (2, 2)
    claimed = store.claim_sends(SLUG, "a", 10, now=100.0, lease_until=160.0)
    assert {r.customer_id for r in claimed} == {"c1", "c2"}
    done = store.settle_sends(
        SLUG, "a", [Settled(r.customer_id, SendStatus.SENT, at=AT) for r in claimed]
    )
    # Finished with the held out untouched: they were never to be sent.
    assert (done.state, done.sent, done.skipped, done.held_out) == (
        CampaignState.FINISHED,
        2,
        0,
        2,
    )
    assert store.claims_outstanding(SLUG) is None
    assert store.claim_sends(SLUG, "b", 10, now=1e9, lease_until=2e9) == []
    assert store.campaign(SLUG) == done


def test_a_record_is_held_by_one_claim_until_its_lease_runs_out(
    sending_store: Store,
) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    started(store, 5)
    first = store.claim_sends(SLUG, "a", 3, now=100.0, lease_until=160.0)
    second = store.claim_sends(SLUG, "b", 10, now=101.0, lease_until=161.0)
    assert len(first) == 3
    assert len(second) == 2
    assert not {r.customer_id for r in first} & {r.customer_id for r in second}
    assert store.claim_sends(SLUG, "c", 10, now=150.0, lease_until=210.0) == []
    assert store.claims_outstanding(SLUG) == 161.0
    # Worker a died: after its lease, c takes its records over.
    taken = store.claim_sends(SLUG, "c", 10, now=160.5, lease_until=220.0)
    assert {r.customer_id for r in taken} == {r.customer_id for r in first}
    assert {r.attempts for r in taken} == {2}


def test_only_the_holder_settles_and_the_counters_move_with_the_records(
    sending_store: Store,
) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    started(store, 3)
    [one, two, three] = store.claim_sends(SLUG, "a", 3, now=100.0, lease_until=160.0)
    sent = Settled(one.customer_id, SendStatus.SENT, message_id="m1@x", provider_id="p1", at=AT)
    late = store.settle_sends(SLUG, "somebody-else", [sent])
    assert late.sent == 0  # not theirs to settle
    campaign = store.settle_sends(
        SLUG,
        "a",
        [
            sent,
            Settled(two.customer_id, SendStatus.SKIPPED, "consent unsubscribed", at=AT),
            Settled(three.customer_id, SendStatus.PENDING, "to retry"),
        ],
    )
    assert (campaign.sent, campaign.skipped, campaign.failed) == (1, 1, 0)
    assert campaign.state is CampaignState.SENDING  # one still to go
    assert store.settle_sends(SLUG, "a", [sent]).sent == 1  # settled once only
    [again] = store.claim_sends(SLUG, "b", 3, now=100.0, lease_until=160.0)
    assert again.customer_id == three.customer_id
    refused = Settled(again.customer_id, SendStatus.FAILED, "refused: 550", at=AT)
    assert store.claims_outstanding(SLUG) == 160.0
    done = store.settle_sends(SLUG, "b", [refused])
    assert store.claims_outstanding(SLUG) is None
    assert (done.state, done.settled, done.audience) == (CampaignState.FINISHED, 3, 3)
    assert store.campaign_of_message("m1@x") == SLUG
    assert store.campaign_of_message("p1") == SLUG
    assert store.campaign_of_message("unknown") is None


def test_states_move_only_along_the_allowed_ways(sending_store: Store) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    started(store, 1)
    assert not store.move_campaign(
        SLUG, CampaignState.SCHEDULED, AT, only_from={CampaignState.DRAFT}
    )
    assert store.move_campaign(
        SLUG, CampaignState.PAUSED, AT, "too many bounces", only_from={CampaignState.SENDING}
    )
    campaign = store.campaign(SLUG)
    assert campaign is not None
    assert (campaign.state, campaign.reason) == (CampaignState.PAUSED, "too many bounces")
    assert [c.slug for c in store.campaigns()] == [SLUG]


def test_pace_slots_are_handed_out_in_order_and_never_twice(sending_store: Store) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    assert store.reserve_pace("mail", 4, 0.25, now=1000.0) == 1000.0
    assert store.reserve_pace("mail", 2, 0.25, now=1000.1) == 1001.0  # after the first four
    assert store.reserve_pace("mail", 1, 0.25, now=2000.0) == 2000.0  # idle: starts now


def test_bounces_and_complaints_count_against_the_campaign_that_sent_them(
    sending_store: Store,
) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    sending_store.add_customer(customer("c0", "c0@example.com"))
    started(store, 1)
    [record] = store.claim_sends(SLUG, "a", 1, now=1.0, lease_until=60.0)
    store.settle_sends(
        SLUG, "a", [Settled(record.customer_id, SendStatus.SENT, provider_id="ses-1", at=AT)]
    )
    bounce = MailEvent("sns-1:c0@example.com", MailEventKind.BOUNCE, "c0@example.com", AT, "ses-1")
    assert handle_mail_events(sending_store, [bounce, bounce]) == 1
    campaign = store.campaign(SLUG)
    assert campaign is not None
    assert (campaign.bounced, campaign.complained) == (1, 0)  # the repeat is not counted


def test_the_consent_read_at_send_time_is_the_current_status(sending_store: Store) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    sending_store.add_customer(customer("c0", "c0@example.com"))
    assert store.consent_status("c0") is None
    records = [
        ConsentRecord(ConsentStatus.UNCONFIRMED, AT),
        ConsentRecord(ConsentStatus.CONFIRMED, AT + timedelta(minutes=5)),
        ConsentRecord(ConsentStatus.UNSUBSCRIBED, AT + timedelta(days=3)),
        ConsentRecord(ConsentStatus.CONFIRMED, AT + timedelta(days=3)),  # same moment, later
    ]
    for record in records:
        sending_store.record_consent("c0", record)
        assert store.consent_status("c0") is current_status(sending_store.consents("c0"))
    assert store.consent_status("c0") is ConsentStatus.CONFIRMED
    sending_store.record_consent("c0", ConsentRecord(ConsentStatus.SUPPRESSED, AT))
    sending_store.record_consent(
        "c0", ConsentRecord(ConsentStatus.CONFIRMED, AT + timedelta(days=9))
    )
    assert store.consent_status("c0") is ConsentStatus.SUPPRESSED  # final


def test_a_large_audience_is_added_once_per_person_in_any_order(sending_store: Store) -> None:
    store = sending_store
    assert isinstance(store, SendStore)
    store.move_campaign(SLUG, CampaignState.DRAFT, AT, only_from={CampaignState.DRAFT})
    people = [(f"c{n:03}", "ru") for n in range(250)]
    assert store.add_sends(SLUG, [*people[:120], ("c005", "en")]) == 120
    # Run again after an interruption: the first 120 are there, the rest are new.
    assert store.add_sends(SLUG, list(reversed(people))) == 130
    assert store.add_sends(SLUG, people) == 0
    campaign = store.start_sending(SLUG, AT)
    assert campaign.audience == 250
    claimed = store.claim_sends(SLUG, "a", 300, now=1.0, lease_until=60.0)
    assert len(claimed) == 250
    assert {c.locale for c in claimed if c.customer_id == "c005"} == {"ru"}  # the first given
