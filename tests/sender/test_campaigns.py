"""Sending a newsletter to a customer file on SQLite through the outbox folder."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.bootstrap import App, build, open_keyring
from stampbook.mail.message import Message
from stampbook.mail.transports.base import Accepted
from stampbook.mail.transports.outbox import Outbox
from stampbook.records.customers import Customer
from stampbook.sender.settings import SendingSettings
from stampbook.sender.states import CampaignMoveRefused
from stampbook.sender.worker import pause_reason
from stampbook.services.campaigns import Campaigns, UnknownIssue
from stampbook.store.sends import Campaign, CampaignState, SendStore
from stampbook.store.sqlite import SqliteStore
from tests.support.backends import fresh_table
from tests.support.people import ISSUE, JOINED, address, customer_file, settings

FAST = SendingSettings(rate=0, workers=3, batch=7, lease=30, settle_every=3)


def campaigns(app: App, sending: SendingSettings = FAST) -> Campaigns:
    assert isinstance(app.store, SendStore)
    return Campaigns(app.programme, app.loyalty, app.settings.mail, app.store, sending)


def delivered(outbox: Path) -> Counter[str]:
    lines = (outbox / "index.jsonl").read_text().splitlines() if outbox.exists() else []
    return Counter(json.loads(line)["to"] for line in lines)


def send(app: App, sending: SendingSettings = FAST) -> Campaign:
    owner = campaigns(app, sending)
    owner.start(ISSUE, ignore_send_at=True)
    return owner.send(ISSUE, open_keyring(app.settings), lambda: Outbox(app.settings.mail.outbox))


def test_everyone_gets_one_copy_and_the_counts_add_up(tmp_path: Path) -> None:
    app = customer_file(tmp_path, 60)
    app.store.record_consent(
        "c00007", ConsentRecord(ConsentStatus.UNSUBSCRIBED, app.loyalty.clock())
    )
    finished = send(app)
    assert finished.state is CampaignState.FINISHED
    # The unsubscribed person was left out when the audience was resolved.
    assert (finished.audience, finished.sent, finished.skipped, finished.failed) == (59, 59, 0, 0)
    copies = delivered(tmp_path / "outbox")
    assert set(copies.values()) == {1}
    assert len(copies) == 59
    assert address(7) not in copies
    english = (tmp_path / "outbox").glob("*.eml")
    subjects = {p.read_bytes().split(b"Subject: ")[1].split(b"\r\n")[0] for p in english}
    assert b"The winter lots are roasting" in subjects  # every fifth reader reads English


def test_a_finished_campaign_is_never_sent_again(tmp_path: Path) -> None:
    app = customer_file(tmp_path, 5)
    send(app)
    with pytest.raises(CampaignMoveRefused, match="finished"):
        send(app)
    assert sum(delivered(tmp_path / "outbox").values()) == 5


def test_two_workers_never_send_one_person_two_copies(tmp_path: Path) -> None:
    app = customer_file(tmp_path, 300)
    owner = campaigns(app)
    owner.start(ISSUE, ignore_send_at=True)
    keyring = open_keyring(app.settings)

    def one_run() -> None:
        # Each run has its own store connection, as a second process would.
        other = replace(app, store=SqliteStore(app.settings.database))
        runner = campaigns(other, replace(FAST, workers=2))
        runner.send(ISSUE, keyring, lambda: Outbox(app.settings.mail.outbox))

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    copies = delivered(tmp_path / "outbox")
    assert len(copies) == 300
    assert set(copies.values()) == {1}
    assert campaigns(app).campaign(ISSUE).sent == 300


class UnsubscribesMidway:
    """The outbox, while a reader unsubscribes from the preferences page mid-send."""

    def __init__(self, app: App, after: int, who: list[str]) -> None:
        self.outbox = Outbox(app.settings.mail.outbox)
        self.app, self.after, self.who, self.sent = app, after, who, 0

    def send(self, message: Message) -> Accepted:
        self.sent += 1
        if self.sent == self.after:
            later = self.app.loyalty.clock() + timedelta(minutes=1)
            for customer_id in self.who:
                record = ConsentRecord(ConsentStatus.UNSUBSCRIBED, later, form="preferences")
                self.app.store.record_consent(customer_id, record)
        return self.outbox.send(message)

    def accepts_8bit(self) -> bool:
        return self.outbox.accepts_8bit()

    def close(self) -> None:
        self.outbox.close()


def test_an_unsubscribe_during_the_send_is_respected(tmp_path: Path) -> None:
    app = customer_file(tmp_path, 40)
    owner = campaigns(app, replace(FAST, workers=1, batch=40))
    owner.start(ISSUE, ignore_send_at=True)
    leaving = ["c00030", "c00035"]  # near the end: not yet sent when they leave
    transport = UnsubscribesMidway(app, after=5, who=leaving)
    finished = owner.send(ISSUE, open_keyring(app.settings), lambda: transport)
    copies = delivered(tmp_path / "outbox")
    assert address(30) not in copies
    assert address(35) not in copies
    assert (finished.sent, finished.skipped) == (38, 2)
    with SqliteStore(app.settings.database).connection() as db:
        reasons = db.execute(
            "SELECT customer_id, reason FROM sends WHERE status='skipped' ORDER BY customer_id"
        ).fetchall()
    assert [tuple(row) for row in reasons] == [(c, "consent unsubscribed") for c in leaving]


def test_pause_resume_and_cancel(tmp_path: Path) -> None:
    app = customer_file(tmp_path, 10)
    owner = campaigns(app)
    with pytest.raises(CampaignMoveRefused, match="draft"):
        owner.pause(ISSUE)
    assert owner.start(ISSUE).state is CampaignState.SCHEDULED  # send_at is in December
    started = owner.start(ISSUE, ignore_send_at=True)
    assert (started.state, started.audience) == (CampaignState.SENDING, 10)
    paused = owner.pause(ISSUE)
    assert (paused.state, paused.reason) == (CampaignState.PAUSED, "paused by the owner")
    keyring = open_keyring(app.settings)
    outbox = tmp_path / "outbox"
    assert owner.send(ISSUE, keyring, lambda: Outbox(outbox)).sent == 0  # paused sends nothing
    assert owner.resume(ISSUE).state is CampaignState.SENDING
    with pytest.raises(CampaignMoveRefused, match="sending"):
        owner.resume(ISSUE)
    cancelled = owner.cancel(ISSUE)
    assert cancelled.state is CampaignState.CANCELLED
    assert owner.send(ISSUE, keyring, lambda: Outbox(outbox)).sent == 0
    with pytest.raises(CampaignMoveRefused, match="cancelled"):
        owner.resume(ISSUE)
    with pytest.raises(UnknownIssue, match="no newsletter 'nope'"):
        owner.start("nope")
    assert not outbox.exists()


def test_a_paused_campaign_carries_on_where_it_stopped(tmp_path: Path) -> None:
    app = customer_file(tmp_path, 30)
    owner = campaigns(app, replace(FAST, workers=1, batch=30))
    owner.start(ISSUE, ignore_send_at=True)

    class PausesAfterTen(UnsubscribesMidway):
        def send(self, message: Message) -> Accepted:
            self.sent += 1
            if self.sent == 10:
                owner.pause(ISSUE)
            return self.outbox.send(message)

    keyring = open_keyring(app.settings)
    stopped = owner.send(ISSUE, keyring, lambda: PausesAfterTen(app, 0, []))
    assert stopped.state is CampaignState.PAUSED
    assert 10 <= stopped.sent < 30  # the messages under way are settled, no more
    owner.resume(ISSUE)
    done = owner.send(ISSUE, keyring, lambda: Outbox(app.settings.mail.outbox))
    copies = delivered(tmp_path / "outbox")
    assert (done.state, done.sent, len(copies), set(copies.values())) == (
        CampaignState.FINISHED,
        30,
        30,
        {1},
    )


def test_the_dry_run_counts_per_language_and_tier_and_sends_nothing(tmp_path: Path) -> None:
    app = customer_file(tmp_path, 25)
    dry = campaigns(app, replace(FAST, rate=10)).dry_run(ISSUE)
    assert dry.audience == {("en", "guest"): 5, ("ru", "guest"): 20}
    assert dry.seconds == pytest.approx(2.5)
    assert campaigns(app).sends.campaign(ISSUE) is None


def test_the_campaign_keeps_its_web_version_without_personal_data(tmp_path: Path) -> None:
    app = customer_file(tmp_path, 3)
    send(app)
    assert isinstance(app.store, SendStore)
    kept = app.store.web_version(ISSUE, "en")
    assert kept is not None
    subject, html = kept
    assert subject == "The winter lots are roasting"
    assert "Reader 1" not in html
    assert "reader00001" not in html
    assert "?t=" not in html  # no signed personal links


def test_bounces_and_complaints_pause_only_past_the_limits_and_a_sample() -> None:
    healthy = Campaign(ISSUE, CampaignState.SENDING, audience=10_000, sent=1000, bounced=50)
    assert pause_reason(healthy) is None  # exactly 5% is not over it
    assert pause_reason(replace(healthy, bounced=51)) == (
        "paused by itself: 51 of 1000 messages bounced (over 5%); clean the list, then resume"
    )
    small = Campaign(ISSUE, CampaignState.SENDING, audience=10, sent=10, bounced=3)
    assert pause_reason(small) is None  # too few to tell
    spam = replace(healthy, complained=2)
    assert "marked as spam" in str(pause_reason(spam))
    assert pause_reason(replace(healthy, complained=1)) is None


def test_the_same_send_on_dynamodb_local(tmp_path: Path, dynamodb_local: str) -> None:
    with fresh_table(dynamodb_local) as backend:
        on_aws = replace(
            settings(tmp_path),
            store="dynamodb",
            table=backend.location,
            dynamodb_endpoint=dynamodb_local,
        )
        app = build(on_aws)
        for n in range(30):
            app.store.add_customer(Customer(f"c{n:05}", address(n), JOINED, name=f"Reader {n}"))
            app.store.record_consent(f"c{n:05}", ConsentRecord(ConsentStatus.CONFIRMED, JOINED))
        app.store.record_consent("c00004", ConsentRecord(ConsentStatus.UNSUBSCRIBED, JOINED))
        finished = send(app, replace(FAST, workers=3, batch=4))
        assert (finished.state, finished.audience, finished.sent) == (
            CampaignState.FINISHED,
            29,
            29,
        )
        copies = delivered(tmp_path / "outbox")
        assert len(copies) == 29
        assert set(copies.values()) == {1}
        app.store.close()


def test_the_sites_archive_is_what_was_sent_not_what_the_calendar_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stampbook.sitegen.archive import export_sent
    from stampbook.sitegen.build import build_site
    from tests.support.paths import SITE_CONFIG

    app = customer_file(tmp_path, 3)
    # Sent on 23 November with --now, a week before its date in the file.
    send(app)
    assert isinstance(app.store, SendStore)
    site = tmp_path / "site"
    monkeypatch.setenv("STAMPBOOK_NOW", app.loyalty.clock().isoformat())
    build_site(SITE_CONFIG, site_dir=site)  # no customer file: by the calendar
    assert ISSUE not in (site / "newsletters" / "index.html").read_text("utf-8")
    sent = tmp_path / "sent"
    sent.mkdir()
    assert export_sent(app.store, app.programme, sent) == 1
    build_site(SITE_CONFIG, site_dir=site, sent=sent)
    listing = (site / "en" / "newsletters" / "index.html").read_text("utf-8")
    assert f'href="{ISSUE}/"' in listing
    assert "November 23, 2026" in listing  # when it went out
    page = (site / "en" / "newsletters" / ISSUE / "index.html").read_text("utf-8")
    assert 'src="email.html"' in page
    assert "md-header" in page  # the site's own page, header and language switch
    email = (site / "en" / "newsletters" / ISSUE / "email.html").read_text("utf-8")
    assert '<base target="_top">' in email
    assert "Reader 1" not in email
    assert "?t=" not in email
    assert "Not a member yet?" in email


def test_each_reader_gets_the_business_named_in_their_language(tmp_path: Path) -> None:
    from tests.support.outbox import outbox

    app = customer_file(tmp_path, 10)  # every fifth reader reads English
    send(app)
    senders = {
        (m["To"].addresses[0].addr_spec == address(0), m["From"].addresses[0].display_name)
        for m in outbox(tmp_path / "outbox")
        if m["To"].addresses[0].addr_spec in (address(0), address(1))
    }
    assert senders == {(True, "Copper Cezve"), (False, "Медная турка")}
    lists = {m["List-Id"] for m in outbox(tmp_path / "outbox")}
    assert len(lists) == 1  # one list, whatever the reader's language
