"""The one place that picks adapters from settings and wires the use cases."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .loyalty.rules import Rules
from .mail.tokens import Keyring, KeySettingsError, local_keyring, parse_keys
from .mail.transports.base import Retrying, Transport
from .mail.transports.outbox import Outbox
from .mail.transports.ses import SesSettings, SesTransport
from .mail.transports.smtp import SmtpSettings, SmtpTransport
from .services.loyalty import LoyaltyService
from .store.base import Store
from .store.sqlite import SqliteStore

if TYPE_CHECKING:
    from .program import Programme
    from .store.dynamodb import DynamoStore


class SettingsError(ValueError):
    """A setting from the environment that cannot be used as given."""


@dataclass(frozen=True)
class MailSettings:
    """How mail leaves and how its links are signed; the outbox folder needs no setup."""

    transport: str = "outbox"  # outbox | smtp | ses
    outbox: Path = Path("data/outbox")
    smtp: SmtpSettings | None = None
    ses: SesSettings = field(default_factory=SesSettings)
    # `id:secret,id:secret`, newest first; without it, a key file made on first use.
    signing_keys: str | None = field(default=None, repr=False)
    key_file: Path = Path("data/signing-keys")
    # Where the API answers (one-click unsubscribe); the site's /api/ if unset.
    api_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MailSettings:
        transport = env.get("STAMPBOOK_MAIL", "outbox")
        if transport not in TRANSPORTS:
            raise SettingsError(
                f"STAMPBOOK_MAIL={transport!r}: choose one of {', '.join(TRANSPORTS)}"
            )
        smtp = _smtp(env)
        if transport == "smtp" and smtp is None:
            raise SettingsError("STAMPBOOK_MAIL=smtp needs STAMPBOOK_SMTP_HOST")
        return cls(
            transport=transport,
            outbox=Path(env.get("STAMPBOOK_OUTBOX", "data/outbox")),
            smtp=smtp,
            ses=SesSettings(
                region=env.get("STAMPBOOK_SES_REGION") or env.get("AWS_REGION") or "eu-central-1",
                endpoint_url=env.get("STAMPBOOK_SES_ENDPOINT") or None,
                configuration_set=env.get("STAMPBOOK_SES_CONFIGURATION_SET") or None,
            ),
            signing_keys=env.get("STAMPBOOK_SIGNING_KEYS") or None,
            key_file=Path(env.get("STAMPBOOK_SIGNING_KEY_FILE", "data/signing-keys")),
            api_url=env.get("STAMPBOOK_API_URL") or None,
        )


TRANSPORTS = ("outbox", "smtp", "ses")
SECURITIES = ("starttls", "tls", "none")


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    host = env.get("STAMPBOOK_SMTP_HOST")
    if not host:
        return None
    security = env.get("STAMPBOOK_SMTP_SECURITY", "starttls")
    if security not in SECURITIES:
        raise SettingsError(
            f"STAMPBOOK_SMTP_SECURITY={security!r}: choose one of {', '.join(SECURITIES)}"
        )
    port_text = env.get("STAMPBOOK_SMTP_PORT", "465" if security == "tls" else "587")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"STAMPBOOK_SMTP_PORT={port_text!r} is not a port number")
    return SmtpSettings(
        host,
        int(port_text),
        security,  # type: ignore[arg-type]  # checked against SECURITIES above
        username=env.get("STAMPBOOK_SMTP_USER") or None,
        password=env.get("STAMPBOOK_SMTP_PASSWORD") or None,
    )


@dataclass(frozen=True)
class Settings:
    campaigns: Path = Path("campaigns")
    store: str = "sqlite"
    database: Path = Path("data/stampbook.db")
    # DynamoDB: the table, and an endpoint for DynamoDB Local (unset on AWS).
    # The region and credentials come from the usual AWS environment.
    table: str = "stampbook"
    dynamodb_endpoint: str | None = None
    # A fixed "now" (ISO 8601) for rehearsals and tests: what would tonight's
    # run do on 1 January? Unset in normal use.
    now: datetime | None = None
    mail: MailSettings = field(default_factory=MailSettings)
    # Where this run's site is served, instead of program.yaml's `site_url`
    # (`stampbook serve` on 127.0.0.1); unset in production.
    site_url: str | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "campaigns": Path(os.environ.get("STAMPBOOK_CAMPAIGNS", "campaigns")),
            "store": os.environ.get("STAMPBOOK_STORE", "sqlite"),
            "database": Path(os.environ.get("STAMPBOOK_DB", "data/stampbook.db")),
            "table": os.environ.get("STAMPBOOK_TABLE", "stampbook"),
            "dynamodb_endpoint": os.environ.get("STAMPBOOK_DYNAMODB_ENDPOINT") or None,
            "now": fixed_now(os.environ.get("STAMPBOOK_NOW")),
            "mail": MailSettings.from_env(os.environ),
            "site_url": os.environ.get("STAMPBOOK_SITE_URL") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def fixed_now(text: str | None) -> datetime | None:
    """STAMPBOOK_NOW as a moment, or None when unset (the real clock then)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"STAMPBOOK_NOW={text!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise SettingsError(
            f"STAMPBOOK_NOW={text!r} needs a UTC offset, e.g. 2027-01-01T03:00+03:00"
        )
    return moment


def programme_of(settings: Settings) -> Programme:
    """The owner's programme, with the site where this run serves it."""
    from .program import load_programme  # reading YAML only once something is built

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
    from .store.dynamodb import DynamoStore

    return DynamoStore(settings.table, endpoint_url=settings.dynamodb_endpoint)


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
    """Signing keys from STAMPBOOK_SIGNING_KEYS, or the local key file (made once)."""
    try:
        if settings.mail.signing_keys:
            return Keyring(parse_keys(settings.mail.signing_keys))
        return local_keyring(settings.mail.key_file)
    except KeySettingsError as error:
        raise SettingsError(f"STAMPBOOK_SIGNING_KEYS: {error}") from None


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    programme: Programme
    store: Store
    loyalty: LoyaltyService
    # What it was built from: mail settings for the API's emails, among others.
    settings: Settings = field(default_factory=Settings)


def build(settings: Settings, clock: Callable[[], datetime] = utc_now) -> App:
    if settings.now is not None:
        fixed = settings.now
        clock = lambda: fixed  # noqa: E731 - a clock stopped at the given moment
    programme = programme_of(settings)
    store = open_store(settings)
    app = App(programme, store, LoyaltyService(store, Rules.of(programme), clock), settings)
    # Purchases, refunds and the nightly run send the automatic emails they call for.
    from .services.automations import AutomaticEmails
    from .services.postman import Postman

    app.loyalty.events = AutomaticEmails(Postman(app))
    return app
