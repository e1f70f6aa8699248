"""Rendering fixtures: the example programme, a renderer, readers to write to."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.mail.draft import LINK_SLOTS
from stampbook.mail.reader import CertificateNote, Occasion, Reader
from stampbook.mail.render import Renderer
from stampbook.programme import Programme, load_programme
from tests.support.paths import EXAMPLE as EXAMPLE  # and importable from here, as before

TODAY = date(2026, 11, 23)
LINKS = {slot: f"https://mednaya-turka.example/{slot}?token=a&b" for slot in LINK_SLOTS}


@pytest.fixture(scope="session")
def example() -> Programme:
    return load_programme(EXAMPLE)


@pytest.fixture(scope="session")
def renderer(example: Programme) -> Renderer:
    return Renderer(example)


@pytest.fixture
def campaigns(tmp_path: Path) -> Path:
    """A writable copy of the example programme, for owner overrides."""
    target = tmp_path / "campaigns"
    shutil.copytree(EXAMPLE, target)
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def anna(**changes: object) -> Reader:
    values: dict[str, object] = {
        "email": "anna@example.com",
        "name": "Анна",
        "locale": "ru",
        "points": 1250,
        "pending_points": 75,
        "tier": "regular",
        "expiring_points": 320,
        "expires_on": date(2026, 12, 14),
        "certificates": (CertificateNote(Decimal(2500), "ABCD-EFGH-JKLM", date(2027, 2, 21)),),
    }
    values.update(changes)
    return Reader(**values)  # type: ignore[arg-type]


OCCASION = Occasion(
    points_earned=75,
    available_on=date(2026, 12, 7),
    certificate=CertificateNote(Decimal(2500), "ABCD-EFGH-JKLM", date(2027, 2, 21)),
    bonus_points=200,
    greeting="new-year",
)


def shown(pieces: tuple[object, ...]) -> str:
    """A part of a draft with its slots written as <slot>, to read in assertions."""
    return "".join(p if isinstance(p, str) else f"<{getattr(p, 'name', p)}>" for p in pieces)
