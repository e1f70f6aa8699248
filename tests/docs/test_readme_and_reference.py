"""The README stays short, and the API reference is generated whole from the OpenAPI description."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stampbook.api.openapi import described
from tests.support.paths import ROOT

DOCS = ROOT / "docs"
GENERATED = Path("pages") / "integrator" / "api-reference.md"


def test_the_readme_is_under_20_kb() -> None:
    assert (ROOT / "README.md").stat().st_size < 20_000


def test_the_reference_names_every_operation_of_the_openapi_description(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(DOCS / "reference.py"), str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    reference = (tmp_path / GENERATED).read_text("utf-8")
    paths = described()["paths"]
    assert len(paths) > 10  # the whole description was read
    missing = [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if f"### {method.upper()} {path}\n\n{operation['summary'].rstrip('.')}." not in reference
    ]
    assert missing == []


def test_the_build_source_holds_every_page_and_the_config(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(DOCS / "reference.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    pages = {path.relative_to(DOCS / "pages") for path in (DOCS / "pages").rglob("*.md")}
    built = {path.relative_to(tmp_path / "pages") for path in (tmp_path / "pages").rglob("*.md")}
    assert built == pages | {GENERATED.relative_to("pages")}
    assert (tmp_path / "mkdocs.yml").read_text("utf-8") == (DOCS / "mkdocs.yml").read_text("utf-8")


def test_the_generated_reference_is_never_committed() -> None:
    assert not (DOCS / GENERATED).exists()
