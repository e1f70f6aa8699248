"""The one place that picks adapters from settings and wires the use cases."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings, SettingsError, utc_now
from .loyalty.rules import Rules
from .mail.tokens import Keyring, KeySettingsError, local_keyring, parse_keys
from .mail.transports.base import Retrying, Transport
from .mail.transports.outbox import Outbox
from .mail.transports.ses import SesTransport
from .mail.transports.smtp import SmtpTransport
from .services.automations import AutomaticEmails
from .services.loyalty import LoyaltyService
from .services.mailer import Mailer
from .store.base import Store
from .store.sqlite import SqliteStore

if TYPE_CHECKING:
    from .deploy.secrets import ParameterKeys
    from .programme import Programme
    from .report.owner import ReportReader
    from .services.campaigns import Campaigns
    from .store.dynamodb.store import DynamoStore


def programme_of(settings: Settings) -> Programme:
    """The owner's programme, with the site where this run serves it."""
    from .programme import load_programme  # reading YAML only once something is built

    programme = load_programme(settings.campaigns)
    return programme.served_at(settings.site_url) if settings.site_url else programme


def open_store(settings: Settings) -> Store:
    if settings.store == "sqlite":
        settings.database.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStore(settings.database)
    if settings.store == "dynamodb":
        return open_dynamodb(settings)
    raise SettingsError(
        f"unknown store {settings.store!r}; this build knows 'sqlite' and 'dynamodb'"
    )


def open_dynamodb(settings: Settings) -> DynamoStore:
    from .store.dynamodb.store import DynamoStore

    return DynamoStore(settings.table, endpoint_url=settings.dynamodb_endpoint)


def open_report_reader(settings: Settings) -> ReportReader:
    """The reader of the store the settings name; SettingsError if it cannot be read.

    On DynamoDB the table is read here, once (a parallel Scan, see
    `dynamodb_reader`), and the store's client is closed again.
    """
    if settings.store == "dynamodb":
        from .report.dynamodb_reader import DynamoReport

        store = open_dynamodb(settings)
        try:
            return DynamoReport(store)
        finally:
            store.close()
    if settings.store != "sqlite":
        raise SettingsError(f"unknown store {settings.store!r}; the report reads sqlite, dynamodb")
    if not settings.database.exists():
        raise SettingsError(f"there is no customer file at {settings.database}")
    from .report.sqlite_reader import SqliteReport

    # The report reads the file as it stands, read-only; a file written by an earlier
    # version lacks the summaries it reads, so it is brought up to date first, as any
    # command that opens the store would (once: about 11 s for a million orders). A
    # file that is up to date is never opened for writing.
    if _schema_behind(settings.database):
        SqliteStore(settings.database).close()
    return SqliteReport(settings.database)


def _schema_behind(path: Path) -> bool:
    """Whether the customer file at `path` misses migrations this version knows."""
    import sqlite3

    from .store.sqlite.schema import MIGRATIONS

    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (version,) = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    except sqlite3.OperationalError:  # no migrations table: a file from before them
        return True
    finally:
        db.close()
    return int(version or 0) < len(MIGRATIONS)


def open_transport(
    settings: Settings, sleep: Callable[[float], None] = time.sleep, *, retrying: bool = True
) -> Transport:
    """The configured transport, retrying transient failures with backoff.

    The campaign sender retries by itself (at its pace): it asks for none.
    """
    mail = settings.mail
    transport: Transport
    if mail.transport == "smtp":
        if mail.smtp is None:
            raise SettingsError("STAMPBOOK_MAIL=smtp needs STAMPBOOK_SMTP_HOST")
        transport = SmtpTransport(mail.smtp)
    elif mail.transport == "ses":
        transport = SesTransport(mail.ses)
    elif mail.transport == "outbox":
        transport = Outbox(mail.outbox)
    else:
        raise SettingsError(f"unknown mail transport {mail.transport!r}")
    return Retrying(transport, sleep=sleep) if retrying else transport


def open_keyring(settings: Settings) -> Keyring:
    """Signing keys from SSM (STAMPBOOK_SIGNING_KEYS_PARAMETER), STAMPBOOK_SIGNING_KEYS,
    or the local key file (made once)."""
    mail = settings.mail
    try:
        if mail.signing_keys_parameter:
            return Keyring(parse_keys(_parameter_keys(mail.signing_keys_parameter).text()))
        if mail.signing_keys:
            return Keyring(parse_keys(mail.signing_keys))
        return local_keyring(mail.key_file)
    except KeySettingsError as error:
        source = (
            f"STAMPBOOK_SIGNING_KEYS_PARAMETER ({mail.signing_keys_parameter})"
            if mail.signing_keys_parameter
            else "STAMPBOOK_SIGNING_KEYS"
            if mail.signing_keys
            else str(mail.key_file)
        )
        raise SettingsError(f"{source}: {error}") from None


@cache
def _parameter_keys(name: str) -> ParameterKeys:
    """One reader per parameter and process: a warm Lambda asks SSM every few minutes."""
    import boto3

    from .deploy.secrets import ParameterKeys

    return ParameterKeys(boto3.client("ssm"), name)


@dataclass
class App:
    """What the entry points hand to the use cases: each takes the parts it uses."""

    programme: Programme
    store: Store
    loyalty: LoyaltyService
    # What it was built from: mail settings for the API's emails, among others.
    settings: Settings = field(default_factory=Settings)

    @cached_property
    def mailer(self) -> Mailer:
        """The app's mailer, made once: its renderer keeps the compiled templates."""
        return self.new_mailer()

    def new_mailer(self) -> Mailer:
        """A mailer of its own, for a thread that renders apart (the local courier)."""
        settings = self.settings
        return Mailer(
            self.programme,
            self.store,
            self.loyalty,
            settings.mail,
            open_keyring=lambda: open_keyring(settings),
            open_transport=lambda: open_transport(settings),
        )

    @property
    def emails(self) -> AutomaticEmails:
        """The automatic emails purchases call for (with the courier they tell)."""
        events = self.loyalty.events
        return events if isinstance(events, AutomaticEmails) else AutomaticEmails(self.mailer)

    def campaigns(self) -> Campaigns:
        """Newsletter sending on this app's store, paced as the environment says."""
        from .services.campaigns import Campaigns

        return Campaigns.of(self.programme, self.loyalty, self.settings.mail)


def build(settings: Settings, clock: Callable[[], datetime] = utc_now) -> App:
    if settings.now is not None:
        fixed = settings.now
        clock = lambda: fixed  # noqa: E731 - a clock stopped at the given moment
    programme = programme_of(settings)
    store = open_store(settings)
    app = App(programme, store, LoyaltyService(store, Rules.of(programme), clock), settings)
    # Purchases, refunds and the nightly run send the automatic emails they call for.
    app.loyalty.events = AutomaticEmails(app.mailer)
    return app
