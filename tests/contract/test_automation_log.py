"""Automatic-email records behave the same on every store: claimed once, final once sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.store.base import Store

from .conftest import customer

T = 1_800_000_000  # Unix seconds
AT = datetime.fromtimestamp(T, UTC)
BIRTHDAY = AutomationKey("c1", Automation.BIRTHDAY, "2027")


def test_an_occasion_is_claimed_once(store: Store) -> None:
    store.add_customer(customer())
    assert store.claim_automation(BIRTHDAY, T, T + 600)
    assert not store.claim_automation(BIRTHDAY, T + 1, T + 601)  # someone is sending it
    assert store.claim_automation(AutomationKey("c1", Automation.BIRTHDAY, "2028"), T, T + 600)
    assert store.claim_automation(AutomationKey("c2", Automation.BIRTHDAY, "2027"), T, T + 600)
    [record, *_] = store.automation_sends("c1")
    assert (record.key, record.status, record.claimed_until) == (
        BIRTHDAY,
        EmailStatus.SENDING,
        T + 600,
    )


def test_a_sent_email_is_final_and_a_stale_claim_is_taken_over(store: Store) -> None:
    store.add_customer(customer())
    assert store.claim_automation(BIRTHDAY, T, T + 600)
    assert store.claim_automation(BIRTHDAY, T + 600, T + 1200)  # its sender stopped
    store.finish_automation(BIRTHDAY, EmailStatus.SENT, AT)
    assert not store.claim_automation(BIRTHDAY, T + 10_000, T + 10_600)
    [record] = store.automation_sends("c1")
    assert (record.status, record.at) == (EmailStatus.SENT, AT)
    store.release_automation(BIRTHDAY)  # too late: it went
    assert store.automation_sends("c1") == [record]


def test_a_released_claim_can_be_taken_again_at_once(store: Store) -> None:
    assert store.claim_automation(BIRTHDAY, T, T + 600)
    store.release_automation(BIRTHDAY)
    assert store.automation_sends("c1") == []
    assert store.claim_automation(BIRTHDAY, T + 1, T + 601)
    store.finish_automation(BIRTHDAY, EmailStatus.FAILED, AT)
    assert not store.claim_automation(BIRTHDAY, T + 10_000, T + 10_600)  # refused for good


def test_counts_per_kind_take_sent_emails_within_the_period(store: Store) -> None:
    sends = [
        (AutomationKey("c1", Automation.THANK_YOU, "o1"), AT, EmailStatus.SENT),
        (AutomationKey("c1", Automation.THANK_YOU, "o2"), AT + timedelta(days=1), EmailStatus.SENT),
        (AutomationKey("c2", Automation.THANK_YOU, "o3"), AT + timedelta(days=2), EmailStatus.SENT),
        (AutomationKey("c2", Automation.HOLIDAY, "new-year:2026"), AT, EmailStatus.SENT),
        (AutomationKey("c3", Automation.HOLIDAY, "new-year:2026"), AT, EmailStatus.FAILED),
        (
            AutomationKey("c3", Automation.WIN_BACK, "2026-01-01"),
            AT - timedelta(seconds=1),
            EmailStatus.SENT,
        ),
    ]
    for key, at, status in sends:
        assert store.claim_automation(key, T, T + 600)
        store.finish_automation(key, status, at)
    assert store.claim_automation(
        AutomationKey("c4", Automation.BIRTHDAY, "2027"), T, T + 600
    )  # sending
    end = AT + timedelta(days=2)  # the end is not in the period
    assert store.automation_counts(AT, end) == {"holiday": 1, "thank_you": 2}
    assert store.automation_counts(AT - timedelta(days=1), AT + timedelta(days=3)) == {
        "holiday": 1,
        "thank_you": 3,
        "win_back": 1,
    }
    assert store.automation_counts(end + timedelta(days=1), end + timedelta(days=9)) == {}


def test_occasions_are_claimed_and_finished_in_batches(store: Store) -> None:
    greetings = [AutomationKey(f"c{n}", Automation.HOLIDAY, "new-year:2027") for n in range(130)]
    assert store.claim_automation(greetings[5], T, T + 600)  # another run is sending it
    assert store.claim_automation(greetings[7], T, T + 600)
    store.finish_automation(greetings[7], EmailStatus.SENT, AT)  # sent before
    assert store.claim_automation(greetings[9], T - 600, T)  # its sender stopped
    taken = store.claim_automations(greetings, T + 1, T + 601)
    assert taken == [n not in (5, 7) for n in range(130)]
    assert store.claim_automations(greetings[:3], T + 2, T + 602) == [False] * 3
    assert store.claim_automations([], T, T + 600) == []
    finished = [(key, EmailStatus.SENT) for key in greetings[10:120]]
    finished += [(greetings[0], EmailStatus.HELD_OUT), (greetings[1], EmailStatus.FAILED)]
    store.finish_automations(finished, AT)
    store.finish_automations([], AT)
    assert store.automation_counts(AT, AT + timedelta(days=1)) == {
        "holiday": 111
    }  # and the one sent before
    [held] = store.automation_sends("c0")
    [failed] = store.automation_sends("c1")
    [sending] = store.automation_sends("c2")
    assert (held.status, failed.status, failed.at) == (EmailStatus.HELD_OUT, EmailStatus.FAILED, AT)
    assert (sending.status, sending.claimed_until) == (EmailStatus.SENDING, T + 601)
    assert store.claim_automations(greetings[:3], T + 601, T + 1200) == [False, False, True]
