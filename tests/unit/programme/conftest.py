from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixture"
EXAMPLE = Path(__file__).parents[3] / "campaigns"


@pytest.fixture
def campaigns(tmp_path: Path) -> Path:
    """A fresh, writable copy of the small fixture programme."""
    target = tmp_path / "campaigns"
    shutil.copytree(FIXTURE, target)
    return target


def edit(root: Path, file: str, find: str, replace: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(find) == 1, f"{find!r} must occur exactly once in {file}"
    path.write_text(text.replace(find, replace), encoding="utf-8")
