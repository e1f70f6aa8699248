"""The one place that picks adapters from settings and wires the use cases."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .loyalty.rules import Rules
from .program import Programme, load_programme
from .services.loyalty import LoyaltyService
from .store.base import Store
from .store.sqlite import SqliteStore


@dataclass(frozen=True)
class Settings:
    campaigns: Path = Path("campaigns")
    store: str = "sqlite"
    database: Path = Path("data/stampbook.db")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "campaigns": Path(os.environ.get("STAMPBOOK_CAMPAIGNS", "campaigns")),
            "store": os.environ.get("STAMPBOOK_STORE", "sqlite"),
            "database": Path(os.environ.get("STAMPBOOK_DB", "data/stampbook.db")),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def open_store(settings: Settings) -> Store:
    if settings.store != "sqlite":
        raise ValueError(f"unknown store {settings.store!r}; this build knows 'sqlite'")
    settings.database.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStore(settings.database)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    programme: Programme
    store: Store
    loyalty: LoyaltyService


def build(settings: Settings, clock: Callable[[], datetime] = utc_now) -> App:
    programme = load_programme(settings.campaigns)
    store = open_store(settings)
    return App(programme, store, LoyaltyService(store, Rules.of(programme), clock))
