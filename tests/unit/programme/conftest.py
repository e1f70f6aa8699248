from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.paths import EXAMPLE as EXAMPLE  # and importable from here, as before
from tests.support.paths import FIXTURE as FIXTURE


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
