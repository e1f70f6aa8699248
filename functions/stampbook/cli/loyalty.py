"""The owner's loyalty commands: customers, purchases, points, the counter, the nightly run."""

from __future__ import annotations

import json
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from ..audience.consent import ConsentRecord, ConsentStatus, current_status
from ..bootstrap import App
from ..files.customers import ExportRow, read_customers, write_customers
from ..files.purchases import read_purchases
from ..files.rows import BadValue, RowError, open_csv, parse_amount
from ..loyalty.orders import Order, OrderLine, Refund, remaining_lines
from ..programme.explain import closest
from ..records.automation_sends import Automation
from ..records.customers import Customer, normalise_email
from ..services.automations import AutomaticEmails
from ..services.courier import deliver_owed
from ..services.customer_file import customer_record
from ..services.purchase_import import owners, record_orders
from ..services.referrals import referrers_in_file
from ..services.webhook_courier import deliver_webhooks
from .with_app import emails_can_be_made, with_app

MAX_ERRORS_SHOWN = 50


def _customer(app: App, email: str) -> Customer:
    found = app.store.customer_by_email(normalise_email(email))
    if found is None:
        raise click.ClickException(f"{email} is not in the customer file")
    return found


def _report(errors: list[RowError], skip_invalid: bool) -> None:
    for error in errors[:MAX_ERRORS_SHOWN]:
        click.echo(str(error), err=True)
    if len(errors) > MAX_ERRORS_SHOWN:
        click.echo(f"... and {len(errors) - MAX_ERRORS_SHOWN} more", err=True)
    if errors and not skip_invalid:
        click.echo(
            f"{len(errors)} problem(s); nothing was imported. Fix them, or pass --skip-invalid "
            "to import the valid rows only.",
            err=True,
        )
        sys.exit(1)


@click.group()
def customers() -> None:
    """The customer file: import from CSV, export everything."""


@customers.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, list the others.")
@click.option(
    "--confirmed-at",
    "confirmed_at",
    default=None,
    metavar="WHERE",
    help="The people in FILE confirmed their subscription elsewhere, e.g. 'old newsletter"
    " tool, double opt-in': recorded as their consent, with WHERE as the evidence.",
)
@with_app
def import_customers(app: App, file: Path, skip_invalid: bool, confirmed_at: str | None) -> None:
    programme_file = app.programme.programme_file
    with open_csv(file) as stream:
        parsed = read_customers(
            stream,
            app.loyalty.clock(),
            app.loyalty.rules.timezone,
            set(programme_file.locales.available),
            {interest.id for interest in programme_file.interests},
        )
    parsed = referrers_in_file(app.store, parsed)
    _report(parsed.errors, skip_invalid)
    added = app.store.add_customers(parsed.customers)
    if confirmed_at:
        # Only for people new to the file: a known customer's own consent stands.
        evidence = ConsentRecord(
            ConsentStatus.CONFIRMED, app.loyalty.clock(), form=f"import: {confirmed_at}"
        )
        for customer in added:
            app.store.record_consent(customer.customer_id, evidence)
    known = len(parsed.customers) - len(added)
    click.echo(f"imported {len(added)} customer(s); {known} already in the customer file")


@customers.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option(
    "--format",
    "output",
    type=click.Choice(["csv", "jsonl"]),
    default="csv",
    show_default=True,
    help="csv: one row per customer; jsonl: everything about each customer, one per line.",
)
@with_app
def export_customers(app: App, file: Path | None, output: str) -> None:
    """Export the customer file (to FILE, or to standard output)."""
    now = app.loyalty.clock()
    if output == "jsonl":
        stream = file.open("w", encoding="utf-8") if file else sys.stdout
        count = 0
        for customer_id in app.store.customer_ids():
            record = customer_record(app.store, customer_id, now)
            stream.write(json.dumps(record.as_json(), ensure_ascii=False) + "\n")
            count += 1
        if file:
            stream.close()
            click.echo(f"exported {count} customer(s) to {file}")
        return

    def rows() -> Iterator[ExportRow]:
        for customer_id in app.store.customer_ids():
            customer = app.store.customer(customer_id)
            if customer is None:
                continue
            balance = app.store.history(customer_id).balance(now)
            status = current_status(app.store.consents(customer_id))
            referrer = app.store.customer(customer.referred_by) if customer.referred_by else None
            yield ExportRow(
                customer,
                status.value if status else "",
                balance.available,
                balance.pending,
                referrer.email if referrer else "",
            )

    if file is None:
        write_customers(sys.stdout, rows())
        return
    with file.open("w", encoding="utf-8", newline="") as stream:
        count = write_customers(stream, rows())
    click.echo(f"exported {count} customer(s) to {file}")


@click.group()
def purchases() -> None:
    """Purchases from the till or the web shop."""


@purchases.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--skip-invalid", is_flag=True, help="Import the valid orders, list the others.")
@click.option("--batch", default=1000, show_default=True, help="Orders per transaction.")
@with_app
def import_purchases(app: App, file: Path, skip_invalid: bool, batch: int) -> None:
    programme_file = app.programme.programme_file
    console = Console(stderr=True)
    with open_csv(file) as stream, Progress(console=console, transient=True) as progress:
        task = progress.add_task("checking rows", total=None)
        parsed = read_purchases(
            stream,
            programme_file.currency,
            app.loyalty.rules.timezone,
            {category.id for category in programme_file.categories},
            progress=lambda rows: progress.update(task, completed=rows),
            decimals=programme_file.decimals,
        )
    owned, unknown = owners(app.store, parsed.orders, parsed.first_rows)
    _report([*parsed.errors, *unknown], skip_invalid)
    # Redrawn at each batch, not by a thread of its own: an import forks its
    # workers only from a single thread (store/sqlite_apart.py).
    with Progress(console=console, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("recording purchases", total=len(owned))
        imported = record_orders(
            app.loyalty,
            owned,
            batch,
            lambda done: progress.update(task, advance=done, refresh=True),
        )
    for order_id, why in imported.refused:
        click.echo(f"refused: {order_id}: {why}", err=True)
    recorded, replayed, refused = imported.recorded, imported.replayed, len(imported.refused)
    click.echo(
        f"{parsed.rows} row(s), {recorded} order(s) recorded"
        + (f", {refused} refused" if refused else "")
        + (f", {replayed} already recorded" if replayed else "")
    )


@click.command()
@click.argument("email")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--link", is_flag=True, help="Print a link to the customer's own points page, to give them."
)
@with_app
def points(app: App, email: str, output: str, link: bool) -> None:
    """Show a customer's balance, tier, pending and expiring points, and history."""
    customer = _customer(app, email)
    if link:
        click.echo(_member_link(app, customer))
        return
    statement = app.loyalty.statement(customer.customer_id)
    if output == "json":
        click.echo(json.dumps(statement.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{customer.email}: {statement.available} points available, "
        f"{statement.pending} pending, tier {statement.tier or '-'}"
    )
    # Days and minutes in the business's own time zone, ISO 8601 cut short:
    # a purchase at noon in Yerevan is at 12:00, not at 08:00 UTC.
    zone = app.loyalty.rules.timezone
    if statement.expires_at:
        day = statement.expires_at.astimezone(zone).date().isoformat()
        click.echo(f"points expire on {day} without a new purchase")
    for certificate in statement.certificates:
        until = certificate.expires_at.astimezone(zone).date().isoformat()
        click.echo(f"certificate {certificate.code}: {certificate.value} until {until}")
    for entry in statement.entries:
        at = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        click.echo(f"  {at}  {entry.kind.value:<9} {entry.points:+d}")


@click.command()
@click.argument("email")
@click.argument("amount")
@click.option("--order", "order_id", default=None, help="The till's receipt number.")
@click.option("--category", required=True, help="Product category id from program.yaml.")
@click.option("--shipping", default="0")
@with_app
def purchase(
    app: App, email: str, amount: str, order_id: str | None, category: str, shipping: str
) -> None:
    """Record a purchase at the counter."""
    rules = app.loyalty.rules
    digits = app.programme.programme_file.decimals
    spent = _amount(amount, digits, "AMOUNT")
    shipped = _amount(shipping, digits, "--shipping")
    known = [each.id for each in app.programme.programme_file.categories]
    if category not in known:
        # An unknown category would earn at the plain rate without a word.
        hint = closest(category, known) or "the categories are: " + ", ".join(known)
        raise click.BadParameter(f"no category {category!r}; {hint}", param_hint="--category")
    customer = _customer(app, email)
    order = Order(
        order_id or f"counter-{uuid.uuid4().hex[:12]}",
        app.loyalty.clock(),
        rules.currency,
        (OrderLine("1", category, spent),),
        shipping=shipped,
    )
    result = app.loyalty.record_purchase(customer.customer_id, order)
    click.echo(
        f"order {result.order_id}: {result.points} points, available from "
        f"{result.available_at.isoformat()[:10]}; tier {result.tier or '-'}"
    )
    deliver_owed(app.emails)  # the email it owes goes before the command exits
    deliver_webhooks(app.mailer)  # and the webhooks it tells


@click.command()
@click.argument("email")
@click.argument("order_id")
@click.option("--line", "line_id", default=None, help="Refund only this line (default: all).")
@click.option("--amount", default=None, help="With --line: refund this much of it.")
@with_app
def refund(app: App, email: str, order_id: str, line_id: str | None, amount: str | None) -> None:
    """Record a refund of what is left of an order, or of part of one line."""
    if amount is not None and line_id is None:
        raise click.UsageError("--amount refunds part of one line: give the line with --line")
    customer = _customer(app, email)
    history = app.store.history(customer.customer_id)
    order = history.order(order_id)
    if order is None:
        raise click.ClickException(f"{email} has no order {order_id}")
    digits = app.programme.programme_file.decimals
    # What is left of each line after the refunds so far: "the rest of the order".
    left = remaining_lines(order, history.refunds_of(order_id))
    whole = {line.line_id: line.amount for line in left if line.amount > 0}
    if line_id is None:
        if not whole:
            raise click.ClickException(f"order {order_id} is refunded in full already")
        lines = whole
    else:
        lines = {
            line_id: _amount(amount, digits, "--amount")
            if amount
            else whole.get(line_id, Decimal(0))
        }
    done = app.loyalty.record_refund(
        customer.customer_id,
        Refund(f"{order_id}:refund:{uuid.uuid4().hex[:8]}", order_id, app.loyalty.clock(), lines),
    )
    click.echo(f"refund of {order_id}: {done.points_taken_back} points taken back")
    deliver_owed(app.emails)  # the email it owes goes before the command exits


def _member_link(app: App, customer: Customer) -> str:
    """The customer's points page, signed as the emails sign it, in their language."""
    from ..mail.envelope import links_of
    from ..mail.tokens import Purpose

    mailer = app.mailer
    links = links_of(
        app.programme.programme_file, app.settings.mail, mailer.keyring, mailer.locale_of(customer)
    )
    now = app.loyalty.clock()
    until = int(now.timestamp()) + links.lifetime_seconds(Purpose.POINTS)
    return links.page(Purpose.POINTS) + mailer.keyring.sign_until(
        Purpose.POINTS, customer.customer_id, until
    )


def _amount(text: str, digits: int, name: str) -> Decimal:
    """An amount typed at the counter, or a one-line usage error (exit 2) naming it."""
    try:
        value = parse_amount(text, digits)
    except BadValue as error:
        raise click.BadParameter(str(error), param_hint=name) from None
    if value < 0:
        raise click.BadParameter(f"{text!r} is negative", param_hint=name)
    return value


@click.command()
@click.argument("email")
@click.argument("reward_id")
@with_app
def redeem(app: App, email: str, reward_id: str) -> None:
    """Spend a customer's points on a reward from the catalogue."""
    customer = _customer(app, email)
    done = app.loyalty.redeem(customer.customer_id, reward_id, uuid.uuid4().hex)
    click.echo(f"{reward_id}: {done.points} points spent, {done.available} left")
    deliver_webhooks(app.mailer)  # the webhooks it tells go before the command exits


@click.command()
@with_app
def daily(app: App) -> None:
    """The nightly run: pending points, birthdays, referrals, certificates, tiers, expiry."""
    emails_can_be_made(app)
    count = app.loyalty.run_daily()
    click.echo(f"nightly run done for {count} customer(s)")
    deliver_owed(app.emails)  # owed by purchases and refunds whose process stopped before sending
    delivered = deliver_webhooks(app.mailer)  # the night's, and any due again after a failure
    if delivered:
        click.echo(
            f"webhook deliveries: {', '.join(f'{n} {o}' for o, n in sorted(delivered.items()))}"
        )
    events = app.loyalty.events
    if not isinstance(events, AutomaticEmails):
        return
    if events.sent:
        click.echo(f"automatic emails sent: {_counted(events.sent)}")
    if events.held_out:
        click.echo(f"held out to measure what they bring: {_counted(events.held_out)}")
    if events.not_sent:
        # The night's points are recorded and the emails sent are marked so:
        # a second run today sends only these.
        click.echo(
            f"not sent: {_counted(events.not_sent)} (why is logged above); fix it and run"
            " `stampbook daily` again today: nobody gets an email twice",
            err=True,
        )
        sys.exit(1)


def _counted(emails: Counter[Automation]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(emails.items()))


COMMANDS = (customers, purchases, points, purchase, refund, redeem, daily)
