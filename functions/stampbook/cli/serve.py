"""`stampbook serve`: the whole product on this machine — the site and the API, one origin."""

from __future__ import annotations

import dataclasses
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..api import context
from ..bootstrap import App
from ..config import in_project
from .with_app import with_app

if TYPE_CHECKING:
    from ..services.courier import Courier, CourierThread
    from ..services.webhook_courier import WebhookCourier

SITE = Path("build/site")


@click.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--site",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The built site (default: the project's build/site, as `stampbook site build`"
    " makes it); the API alone if it is not there.",
)
@click.option(
    "--all-cpus",
    is_flag=True,
    help="Let the server's threads run on every CPU (by default they share one: quicker).",
)
@with_app
def serve(app: App, port: int, site: Path | None, all_cpus: bool) -> None:
    """Serve the site and the API (under /api/) on http://127.0.0.1:PORT until interrupted."""
    from chalice.config import Config

    from ..server.cpus import keep_to_one_cpu

    # Before any thread starts: the courier's and each request's follow this one.
    cpu = None if all_cpus else keep_to_one_cpu()

    from ..api.app import app as chalice_app
    from ..server.origin import API_PREFIX, one_origin_server

    site = site or in_project(str(SITE))
    origin = f"http://127.0.0.1:{port}"
    served = served_here(app, origin)
    context.use(served)
    config = Config.create(chalice_app=chalice_app, app_name="stampbook")
    built = site if (site / "index.html").is_file() else None
    server = one_origin_server(chalice_app, config, port, built, set_aside_of(served))
    if built is None:
        click.echo(f"no built site in {site} (`stampbook site build`): serving the API alone")
    else:
        click.echo(f"Site on {origin}/  (from {built})")
    click.echo(f"API on {origin}{API_PREFIX}/  (description: {API_PREFIX}/openapi.json)")
    if cpu is not None:
        click.echo(f"Threads on CPU {cpu} (--all-cpus spreads them)")
    mail = served.settings.mail
    if mail.transport == "outbox":
        click.echo(f"Emails go to {mail.outbox}/ (index.jsonl lists them)")
    courier, webhooks = courier_of(served), webhook_courier_of(served)
    # Stopped like Ctrl-C, so the couriers finish the email and the delivery on their way.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        courier.stop()
        webhooks.stop()


def courier_of(app: App) -> CourierThread[Courier]:
    """A running courier for the emails purchases and refunds owe, woken by each of them."""
    from ..services.automations import AutomaticEmails
    from ..services.courier import Courier, CourierThread

    # Its own mailer: its emails link to this server, as the API's do.
    courier = CourierThread(Courier(AutomaticEmails(app.new_mailer())))
    events = app.loyalty.events
    if isinstance(events, AutomaticEmails):
        events.on_owed = courier.wake
    courier.start()
    return courier


# Often enough for the first retry (5 s after a failure): reading what is owed is cheap.
WEBHOOK_ROUNDS_SECONDS = 5.0


def webhook_courier_of(app: App) -> CourierThread[WebhookCourier]:
    """A running courier for the webhook deliveries changes owe, woken by each of them; a
    thread of its own, so a slow receiver never holds up a thank-you email."""
    from ..services.courier import CourierThread
    from ..services.webhook_courier import webhook_courier

    courier = CourierThread(webhook_courier(app.new_mailer()), every=WEBHOOK_ROUNDS_SECONDS)
    app.loyalty.webhooks.on_owed = courier.wake
    courier.start()
    return courier


def set_aside_of(app: App) -> Callable[[], None]:
    """What a connection's thread does as it ends: hand its SQLite connection on to the
    next thread (each new HTTP connection gets a thread of its own)."""
    from ..store.sqlite import SqliteStore

    store = app.store
    return store.set_aside if isinstance(store, SqliteStore) else lambda: None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def served_here(app: App, origin: str) -> App:
    """Emails sent by this server link to it: its pages and its one-click unsubscribe.

    STAMPBOOK_SITE_URL and STAMPBOOK_API_URL, when set, still win.
    """
    # The API's address follows the site's (`<site>/api`) unless set apart.
    site_url = app.settings.site_url or f"{origin}/"
    return dataclasses.replace(
        app,
        programme=app.programme.served_at(site_url),
        settings=dataclasses.replace(app.settings, site_url=site_url),
    )


COMMANDS = (serve,)
