"""`stampbook site build --out`: another business's site, built where its owner says."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from stampbook.cli.main import main
from tests.support.paths import FIXTURE, SITE_CONFIG


def test_a_site_is_built_into_the_folder_given(tmp_path: Path) -> None:
    out = tmp_path / "public"
    done = CliRunner().invoke(
        main,
        [
            "site",
            "build",
            "--config",
            str(SITE_CONFIG),
            "--campaigns",
            str(FIXTURE),
            "--out",
            str(out),
        ],
    )
    assert done.exit_code == 0, done.output
    # The fixture is a Bulgarian repair shop: Bulgarian at the root, English below.
    assert (out / "index.html").is_file()
    assert (out / "en" / "index.html").is_file()
    assert '<html lang="bg"' in (out / "index.html").read_text("utf-8")
    assert f"bg: {out}" in done.output
