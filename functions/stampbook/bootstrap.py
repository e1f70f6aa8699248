"""The one place that picks adapters from settings and wires the use cases."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .loyalty.rules import Rules
from .program import Programme, load_programme
from .services.loyalty import LoyaltyService
from .store.base import Store
from .store.sqlite import SqliteStore

if TYPE_CHECKING:
    from .store.dynamodb import DynamoStore


class SettingsError(ValueError):
    """A setting from the environment that cannot be used as given."""


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

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "campaigns": Path(os.environ.get("STAMPBOOK_CAMPAIGNS", "campaigns")),
            "store": os.environ.get("STAMPBOOK_STORE", "sqlite"),
            "database": Path(os.environ.get("STAMPBOOK_DB", "data/stampbook.db")),
            "table": os.environ.get("STAMPBOOK_TABLE", "stampbook"),
            "dynamodb_endpoint": os.environ.get("STAMPBOOK_DYNAMODB_ENDPOINT") or None,
            "now": _moment(os.environ.get("STAMPBOOK_NOW")),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _moment(text: str | None) -> datetime | None:
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


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    programme: Programme
    store: Store
    loyalty: LoyaltyService


def build(settings: Settings, clock: Callable[[], datetime] = utc_now) -> App:
    if settings.now is not None:
        fixed = settings.now
        clock = lambda: fixed  # noqa: E731 - a clock stopped at the given moment
    programme = load_programme(settings.campaigns)
    store = open_store(settings)
    return App(programme, store, LoyaltyService(store, Rules.of(programme), clock))
