"""`stampbook referral`: who brought whom in, recorded at the counter."""

from __future__ import annotations

import click

from ..bootstrap import App
from ..records.customers import Customer
from ..services.referrals import Referral, find_customer, refer
from .with_app import with_app


@click.group()
def referral() -> None:
    """Bring-a-friend: record who referred a customer."""


def _found(app: App, email_or_code: str) -> Customer:
    found = find_customer(app.store, email_or_code)
    if found is None:
        raise click.ClickException(f"no customer with the email or referral code {email_or_code}")
    return found


@referral.command("record")
@click.argument("customer")
@click.option(
    "--by",
    "referrer",
    required=True,
    metavar="EMAIL_OR_CODE",
    help="The customer who brought CUSTOMER in: their email or referral code.",
)
@with_app
def record_referral(app: App, customer: str, referrer: str) -> None:
    """Record that the customer given with --by referred CUSTOMER (an email or referral code).

    The bonus follows once CUSTOMER's first order can no longer be returned.
    """
    referred, by = _found(app, customer), _found(app, referrer)
    outcome = refer(app.store, referred, by)
    if outcome is Referral.SELF:
        raise click.ClickException(f"{referred.email} cannot refer themselves; nothing changed")
    if outcome is Referral.ALREADY_REFERRED:
        now = app.store.customer(referred.customer_id)
        known = app.store.customer(now.referred_by) if now and now.referred_by else None
        who = known.email if known else "a customer since erased"
        raise click.ClickException(
            f"{referred.email} was referred by {who} already; nothing changed"
        )
    click.echo(f"{referred.email} was referred by {by.email}")


COMMANDS = (referral,)
