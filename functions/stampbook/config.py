"""The settings a run is given (environment variables), their errors, and the clock.

Reading settings imports no adapter: an error class or a default is cheap to
reach from anywhere. `bootstrap` builds the adapters these settings name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .mail.transports.ses import SesSettings
from .mail.transports.smtp import SmtpSettings


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
    # Or the name of an SSM SecureString holding them (on AWS: nothing secret
    # in the environment).
    signing_keys_parameter: str | None = None
    key_file: Path = Path("data/signing-keys")
    # Where the API answers (one-click unsubscribe, Square's notification URL);
    # the site's /api/ if unset.
    api_url: str | None = None

    def api_address(self, site_url: str) -> str:
        """Where the API answers, without a trailing "/": `api_url`, else the site's /api."""
        return (self.api_url or f"{site_url.rstrip('/')}/api").rstrip("/")

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
            outbox=Path(env.get("STAMPBOOK_OUTBOX") or in_project("data/outbox")),
            smtp=smtp,
            ses=SesSettings(
                region=env.get("STAMPBOOK_SES_REGION") or env.get("AWS_REGION") or "eu-central-1",
                endpoint_url=env.get("STAMPBOOK_SES_ENDPOINT") or None,
                configuration_set=env.get("STAMPBOOK_SES_CONFIGURATION_SET") or None,
            ),
            signing_keys=env.get("STAMPBOOK_SIGNING_KEYS") or None,
            signing_keys_parameter=env.get("STAMPBOOK_SIGNING_KEYS_PARAMETER") or None,
            key_file=Path(env.get("STAMPBOOK_SIGNING_KEY_FILE") or in_project("data/signing-keys")),
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


PROGRAMME_FOLDER = "campaigns"


def project_root(start: Path | None = None) -> Path | None:
    """The nearest folder from `start` (the current one) upwards holding
    `campaigns/program.yaml`: an owner's project, found as git finds its repository."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROGRAMME_FOLDER / "program.yaml").is_file():
            return folder
    return None


def in_project(relative: str) -> Path:
    """A default path, in the project the current folder is in (as given if in none)."""
    root = project_root()
    if root is None or root == Path.cwd().resolve():
        return Path(relative)  # the usual case, shown as the owner typed nothing
    return root / relative


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
            "campaigns": Path(os.environ.get("STAMPBOOK_CAMPAIGNS") or in_project("campaigns")),
            "store": os.environ.get("STAMPBOOK_STORE", "sqlite"),
            "database": Path(os.environ.get("STAMPBOOK_DB") or in_project("data/stampbook.db")),
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


def utc_now() -> datetime:
    return datetime.now(UTC)
