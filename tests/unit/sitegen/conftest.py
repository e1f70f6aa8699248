"""The example programme, and a second one written here with different rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.paths import EXAMPLE as EXAMPLE  # and importable from here, as before
from tests.support.paths import ROOT as ROOT

Edit = Callable[[dict[str, Any]], None]


def write_programme(folder: Path, edit: Edit) -> Path:
    """The example's program.yaml changed by `edit`, with the logo it names
    (the other files are optional)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load((EXAMPLE / "program.yaml").read_text("utf-8"))
    edit(data)
    (folder / "program.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8"
    )
    logo = data["business"].get("logo")
    if logo and (EXAMPLE / logo).is_file():
        (folder / logo).parent.mkdir(parents=True, exist_ok=True)
        (folder / logo).write_bytes((EXAMPLE / logo).read_bytes())
    return folder


def a_different_programme(data: dict[str, Any]) -> None:
    """EUR in Bulgarian and English; other numbers and rule kinds throughout."""
    data["currency"] = "EUR"
    data["locales"] = {"default": "en", "available": ["en", "bg"]}
    for key in ("name", "postal_address"):
        text = data["business"][key]
        data["business"][key] = {"en": text["en"], "bg": text["en"]}
    data["consent"]["text"] = {"en": data["consent"]["text"]["en"], "bg": "Съгласен съм."}
    for group in ("interests", "categories"):
        for item in data[group]:
            item["name"] = {"en": item["name"]["en"], "bg": item["name"]["en"]}
    loyalty = data["loyalty"]
    loyalty["earning"] = {
        "points": 3,
        "per": 7,
        "rounding": "up",
        "exclude": {"shipping": True, "tax": True, "categories": ["drinks"]},
        "category_bonuses": [{"category": "equipment", "multiplier": 3}],
    }
    loyalty["pending"] = {"days": 30}
    loyalty["tiers"] = {
        "window_months": 9,
        "levels": [
            {"id": "bronze", "name": "Bronze", "min_spend": 0},
            {
                "id": "gold",
                "name": "Gold",
                "min_spend": 777,
                "multiplier": 2,
                "free_shipping": True,
            },
        ],
    }
    loyalty["certificates"] = [
        {"id": "c1", "spend": 333, "within_months": 4, "value": 44, "valid_days": 61},
        {"id": "c2", "spend": 999, "within_months": 11, "value": 150, "valid_days": 120},
    ]
    loyalty["free_shipping"] = {"over": 55.5}
    loyalty["birthday"] = {"points": 17, "min_days_known": 45}
    del loyalty["referral"]
    loyalty["expiry"] = {"after_inactive_days": 200, "warn_days_before": 14}
    data["rewards"] = [
        {"id": "tote", "title": "A tote bag", "points": 333, "description": "Canvas."},
    ]


@pytest.fixture
def second_programme(tmp_path: Path) -> Path:
    return write_programme(tmp_path / "second", a_different_programme)
