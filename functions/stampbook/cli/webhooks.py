"""`stampbook webhooks`: the addresses other tools listen on for what happens in the shop."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..bootstrap import App
from ..records.webhooks import DISABLE_AFTER, EVENTS, EndpointState, WebhookEndpoint
from .with_app import with_app

if TYPE_CHECKING:
    from ..services.webhooks import Webhooks


def _webhooks(app: App) -> Webhooks:
    return app.loyalty.webhooks


def _endpoint(app: App, endpoint_id: str) -> WebhookEndpoint:
    from ..services.webhooks import UnknownEndpoint

    try:
        return _webhooks(app).find(endpoint_id)
    except UnknownEndpoint:
        raise click.ClickException(f"no webhook endpoint {endpoint_id}") from None


def _hidden(secret: str) -> str:
    return f"whsec_…{secret[-4:]}"


@click.group()
def webhooks() -> None:
    """Signed webhooks to other tools: who joined, earned, redeemed, left or answered."""


@webhooks.command("add")
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice(EVENTS),
    help="An event to send there (repeat it for more; at least one).",
)
@click.option(
    "--disable-after",
    type=click.IntRange(min=1),
    default=DISABLE_AFTER,
    show_default=True,
    help="Turn the endpoint off after this many failed tries in a row.",
)
@with_app
def add_endpoint(app: App, url: str, events: tuple[str, ...], disable_after: int) -> None:
    """Send the chosen events to URL (https://), signed with a new secret shown once."""
    from ..services.webhooks import EndpointRefused

    try:
        endpoint = _webhooks(app).add(url, events, disable_after)
    except EndpointRefused as refused:
        raise click.UsageError(str(refused)) from None
    click.echo(f"{endpoint.endpoint_id}: {', '.join(endpoint.events)} to {endpoint.url}")
    click.echo(f"signing secret (shown once; give it to the receiver): {endpoint.secret}")


@webhooks.command("list")
@with_app
def list_endpoints(app: App) -> None:
    """Every endpoint: its events, whether it is on, its failures in a row, and why it is off."""
    endpoints = app.store.webhook_endpoints()
    if not endpoints:
        click.echo("no webhook endpoints; `stampbook webhooks add URL --event ...` adds one")
    for e in endpoints:
        click.echo(
            f"{e.endpoint_id}  {e.state.value:<8}  {e.url}  {','.join(e.events)}"
            f"  since {e.created_at:%Y-%m-%d}  {_hidden(e.secret)}"
            f"  failures in a row: {e.failures}/{e.disable_after}"
        )
        if e.state is EndpointState.DISABLED and e.disabled_at is not None:
            click.echo(
                f"    turned off {e.disabled_at:%Y-%m-%d %H:%M} UTC: {e.note}"
                f"  (`stampbook webhooks enable {e.endpoint_id}`)"
            )


@webhooks.command("remove")
@click.argument("endpoint_id")
@with_app
def remove_endpoint(app: App, endpoint_id: str) -> None:
    """Stop sending to ENDPOINT_ID and forget it, with what is still owed to it and its log."""
    from ..services.webhooks import UnknownEndpoint

    try:
        _webhooks(app).remove(endpoint_id)
    except UnknownEndpoint:
        raise click.ClickException(f"no webhook endpoint {endpoint_id}") from None
    click.echo(f"{endpoint_id} removed")


@webhooks.command("rotate")
@click.argument("endpoint_id")
@click.option(
    "--overlap-hours",
    type=click.IntRange(min=0),
    default=24,
    show_default=True,
    help="Sign with the old secret too for this long, while the receiver changes over.",
)
@with_app
def rotate_secret(app: App, endpoint_id: str, overlap_hours: int) -> None:
    """Give ENDPOINT_ID a new signing secret, shown once; the old one signs beside it a while."""
    from ..services.webhooks import UnknownEndpoint

    try:
        endpoint = _webhooks(app).rotate(endpoint_id, overlap_hours)
    except UnknownEndpoint:
        raise click.ClickException(f"no webhook endpoint {endpoint_id}") from None
    click.echo(f"new signing secret (shown once; give it to the receiver): {endpoint.secret}")
    if overlap_hours:
        click.echo(f"the old one signs too for {overlap_hours} h: both signatures are sent")


@webhooks.command("enable")
@click.argument("endpoint_id")
@with_app
def enable_endpoint(app: App, endpoint_id: str) -> None:
    """Turn ENDPOINT_ID on again after it was turned off for failing."""
    _endpoint(app, endpoint_id)
    if _webhooks(app).enable(endpoint_id):
        click.echo(f"{endpoint_id} is on again: events from now on are sent to it")
    else:
        click.echo(f"{endpoint_id} was on already")


@webhooks.command("test")
@click.argument("endpoint_id")
@with_app
def test_endpoint(app: App, endpoint_id: str) -> None:
    """Send a webhook.test event to ENDPOINT_ID now and show its answer (exit 1 if refused)."""
    from ..services.webhook_courier import webhook_courier

    endpoint = _endpoint(app, endpoint_id)
    event, answer = webhook_courier(app.mailer).test(endpoint)
    if answer.status is None:
        click.echo(f"{event.message_id}: no answer from {endpoint.url}: {answer.detail}", err=True)
        sys.exit(1)
    said = f": {answer.detail}" if answer.detail else ""
    click.echo(f"{event.message_id}: {endpoint.url} answered HTTP {answer.status}{said}")
    if not answer.delivered:
        sys.exit(1)


@webhooks.command("log")
@click.argument("endpoint_id")
@click.option("--last", default=20, show_default=True, type=click.IntRange(min=1, max=1000))
@with_app
def delivery_log(app: App, endpoint_id: str, last: int) -> None:
    """The latest tries to deliver to ENDPOINT_ID, newest first (kept for 30 days)."""
    _endpoint(app, endpoint_id)
    now = int(app.loyalty.clock().timestamp())
    attempts = app.store.webhook_attempts(endpoint_id, now, last)
    if not attempts:
        click.echo("nothing delivered or tried yet")
    for a in attempts:
        answer = f"HTTP {a.status}" if a.status is not None else "no answer"
        detail = f"  {a.detail}" if a.detail else ""
        click.echo(
            f"{a.at:%Y-%m-%d %H:%M:%S}  {a.event_type:<21}  {a.message_id}  try {a.attempt}"
            f"  {a.outcome.value:<9}  {answer}{detail}"
        )


COMMANDS = (webhooks,)
