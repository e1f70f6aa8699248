"""The owner's campaign commands: `stampbook send`, `campaigns`, `pause`, `resume`, `cancel`."""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING

import click

from ..bootstrap import App, open_keyring, open_transport
from .with_app import emails_can_be_made, with_app

if TYPE_CHECKING:
    from ..programme.newsletter import Newsletter
    from ..services.campaigns import Campaigns, DryRun
    from ..store.sends import Campaign


def _campaigns(app: App) -> Campaigns:
    from ..services.campaigns import NoSendRecords

    try:
        return app.campaigns()
    except NoSendRecords as missing:
        raise click.ClickException(str(missing)) from None


def _refusals() -> tuple[type[Exception], ...]:
    from ..sender.states import CampaignMoveRefused
    from ..services.campaigns import UnknownIssue

    return (CampaignMoveRefused, UnknownIssue)


@click.command()
@click.argument("issue")
@click.option(
    "--dry-run", is_flag=True, help="Count the audience and estimate the time; send nothing."
)
@click.option(
    "--now", "right_now", is_flag=True, help="Start now, whatever the issue's send_at says."
)
@with_app
def send(app: App, issue: str, dry_run: bool, right_now: bool) -> None:
    """Send newsletter ISSUE (its slug) to its audience, once per person.

    Run it again after an interruption: it carries on where it stopped and
    sends nobody a second copy (the owner's guide on sending newsletters names the
    one exception).
    """
    emails_can_be_made(app)
    campaigns = _campaigns(app)
    try:
        if dry_run:
            _show_dry_run(issue, campaigns.dry_run(issue))
            _show_sizes(app, campaigns.newsletter(issue))
            return
        campaign = campaigns.start(issue, ignore_send_at=right_now)
        if campaign.state.value == "scheduled":
            when = campaigns.send_at(campaigns.newsletter(issue))
            click.echo(
                f"{issue} is scheduled for {when}; `stampbook send {issue} --now` sends it now"
            )
            return
        campaign = _carry_out(app, campaigns, campaign)
    except _refusals() as refused:
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)
    if campaign.state.value == "paused":
        sys.exit(2)


@click.command("send-due")
@with_app
def send_due(app: App) -> None:
    """Send every scheduled newsletter whose send_at has come.

    `stampbook send ISSUE` before an issue's send_at schedules it; run this
    every few minutes (cron, or the function's own schedule on AWS) and
    each goes out on time. Automatic emails purchases still owe go too, as
    on AWS, and webhook deliveries due.
    """
    from ..services.courier import deliver_owed
    from ..services.webhook_courier import deliver_webhooks

    emails_can_be_made(app)
    deliver_owed(app.emails)
    deliver_webhooks(app.mailer)
    campaigns = _campaigns(app)
    due = campaigns.due()
    if not due:
        click.echo("no scheduled newsletter is due")
    paused = False
    for issue in due:
        try:
            paused |= _carry_out(app, campaigns, campaigns.start(issue)).state.value == "paused"
        except _refusals() as refused:  # cancelled meanwhile: the others still go
            click.echo(f"refused: {refused}", err=True)
    if paused:
        sys.exit(2)


def _carry_out(app: App, campaigns: Campaigns, campaign: Campaign) -> Campaign:
    """Send a started campaign here, or queue it for the senders on AWS."""
    issue = campaign.slug
    queue_url = campaigns.settings.queue_url
    if queue_url and campaign.state.value == "sending":
        import boto3

        batches = campaigns.enqueue(issue, boto3.client("sqs"), queue_url)
        click.echo(f"{issue}: {campaign.audience} people, {batches} batches queued for the senders")
        return campaign
    bar = _ProgressBar(campaign)
    keyring = open_keyring(app.settings)
    campaign = campaigns.send(
        issue, keyring, lambda: open_transport(app.settings, retrying=False), bar.show
    )
    bar.close(campaign)
    _summary(campaign)
    return campaign


def _show_dry_run(issue: str, dry: DryRun) -> None:
    held = sum(dry.held_out.values())
    if not held:
        click.echo(f"{issue}: {dry.total} people would receive it")
        for (locale, segment), people in sorted(dry.audience.items()):
            click.echo(f"  {locale:<4} {segment:<16} {people:>8}")
    else:
        click.echo(
            f"{issue}: {dry.total} people would receive it; {held} held out at random,"
            " to compare with them in the report"
        )
        click.echo(f"  {'':<4} {'':<16} {'receive':>8} {'held out':>9}")
        for locale, segment in sorted(dry.audience.keys() | dry.held_out.keys()):
            people, kept = dry.audience[locale, segment], dry.held_out[locale, segment]
            click.echo(f"  {locale:<4} {segment:<16} {people:>8} {kept:>9}")
    if dry.seconds:
        click.echo(f"at the configured rate: about {_duration(dry.seconds)}")


def _show_sizes(app: App, newsletter: Newsletter) -> None:
    """Each language's HTML as sent; a warning where Gmail would clip it (`mail/clipping.py`)."""
    from ..mail.clipping import GMAIL_CLIPS_AT, KB, issue_sizes, kb, said_of
    from ..mail.render import Renderer

    programme = app.programme
    sizes = issue_sizes(programme, newsletter, app.loyalty.clock().date(), Renderer(programme))
    click.echo(f"HTML as sent, 7-bit and 8bit (Gmail clips past {GMAIL_CLIPS_AT // KB} KB):")
    for size in sizes:
        click.echo(f"  {size.locale:<4} {kb(size.seven_bit):>10} {kb(size.eight_bit):>10}")
    for size in sizes:
        said = said_of(programme, newsletter, size)
        if said is not None:
            click.echo(str(said), err=True)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02}:{whole % 60:02}"


class _ProgressBar:
    """Sent / skipped / failed, rate and time left: one line redrawn on a terminal.

    When the output goes to a file or a log instead, a plain line every ten
    seconds, since redrawn frames would pile up there.
    """

    def __init__(self, campaign: Campaign) -> None:
        self._started = time.monotonic()
        self._first = campaign.settled
        self._shown = 0.0
        self._lock = threading.Lock()
        self._redrawn = sys.stderr.isatty()
        self._every = 0.2 if self._redrawn else 10.0

    def show(self, campaign: Campaign, final: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if not final and (now - self._shown < self._every or campaign.settled == self._first):
                return
            self._shown = now
            done, total = campaign.settled, max(campaign.audience, 1)
            rate = (done - self._first) / max(now - self._started, 1e-6)
            left = _duration((total - done) / rate) if rate > 0 else "?"
            filled = int(30 * done / total)
            line = (
                f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{campaign.audience}"
                f"  sent {campaign.sent}  skipped {campaign.skipped}  failed {campaign.failed}"
                f"  {rate:.1f}/s  ETA {left}"
            )
            if self._redrawn:
                click.echo(f"\r{line} ", nl=final, err=True)
            else:
                click.echo(line, err=True)

    def close(self, campaign: Campaign) -> None:
        self.show(campaign, final=True)


def _summary(campaign: Campaign) -> None:
    click.echo(
        f"{campaign.slug}: {campaign.state.value}; audience {campaign.audience}, sent"
        f" {campaign.sent}, skipped {campaign.skipped}, failed {campaign.failed}"
        + (f", held out {campaign.held_out}" if campaign.held_out else "")
        + (f" ({campaign.reason})" if campaign.reason else "")
    )


@click.command("campaigns")
@with_app
def list_campaigns(app: App) -> None:
    """List newsletter campaigns with their state and counts."""
    campaigns = _campaigns(app)
    known = {c.slug: c for c in campaigns.sends.campaigns()}
    click.echo(
        f"{'issue':<32} {'state':<10} {'audience':>8} {'sent':>8} {'skipped':>8}"
        f" {'failed':>7} {'bounced':>7} {'spam':>5} {'held out':>8}"
    )
    for newsletter in app.programme.newsletters:
        c = known.pop(newsletter.slug, None) or campaigns.campaign(newsletter.slug)
        _row(c)
    for c in known.values():  # campaigns whose issue file is gone
        _row(c)


def _row(c: Campaign) -> None:
    click.echo(
        f"{c.slug:<32} {c.state.value:<10} {c.audience:>8} {c.sent:>8} {c.skipped:>8}"
        f" {c.failed:>7} {c.bounced:>7} {c.complained:>5} {c.held_out:>8}"
    )
    if c.reason:
        click.echo(f"    {c.reason}")


def _owner_command(name: str, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("issue")
    @with_app
    def command(app: App, issue: str) -> None:
        campaigns = _campaigns(app)
        try:
            campaign = getattr(campaigns, name)(issue)
        except _refusals() as refused:
            click.echo(f"refused: {refused}", err=True)
            sys.exit(1)
        _summary(campaign)

    return command


pause = _owner_command("pause", "Stop sending ISSUE after the messages under way; resume later.")
resume = _owner_command("resume", "Let a paused ISSUE carry on; then run `stampbook send ISSUE`.")
cancel = _owner_command("cancel", "Stop ISSUE for good: nobody not yet sent to will get it.")

COMMANDS = (send, send_due, list_campaigns, pause, resume, cancel)
