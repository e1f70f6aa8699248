"""The brand's logo and colours: `check` refuses what mail clients or readers cannot use.

Each case names the place in program.yaml, the reason and the fix; a logo
that works (PNG, JPEG, GIF, or none at all) passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stampbook.programme import ProgrammeInvalid, load_programme
from stampbook.programme.brand import contrast, logo_format

from .conftest import edit

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def _refusal(campaigns: Path) -> tuple[str, str, str]:
    with pytest.raises(ProgrammeInvalid) as failure:
        load_programme(campaigns)
    [problem] = failure.value.problems
    return problem.where.removeprefix(f"{campaigns.parent}/"), problem.message, problem.hint


def test_an_svg_logo_is_refused_where_it_is_named_with_the_fix(campaigns: Path) -> None:
    (campaigns / "logo.svg").write_bytes(SVG)
    edit(campaigns, "program.yaml", "  logo: logo.png\n", "  logo: logo.svg\n")
    where, message, hint = _refusal(campaigns)
    assert where == "campaigns/program.yaml:7:9"
    assert message == "the logo is an SVG, which Gmail and Outlook do not show"
    assert hint.startswith("export it as a PNG")


def test_an_svg_named_png_is_told_by_its_content(campaigns: Path) -> None:
    (campaigns / "logo.png").write_bytes(SVG)
    assert _refusal(campaigns)[1] == "the logo is an SVG, which Gmail and Outlook do not show"


def test_a_missing_logo_file_is_refused(campaigns: Path) -> None:
    (campaigns / "logo.png").unlink()
    where, message, hint = _refusal(campaigns)
    assert (where, message) == (
        "campaigns/program.yaml:7:9",
        "no logo file 'logo.png' in campaigns/",
    )
    assert "leave `logo` out" in hint


def test_a_logo_outside_the_folder_is_refused(campaigns: Path) -> None:
    (campaigns.parent / "outside.png").write_bytes((campaigns / "logo.png").read_bytes())
    edit(campaigns, "program.yaml", "  logo: logo.png\n", "  logo: ../outside.png\n")
    assert _refusal(campaigns)[1] == "no logo file '../outside.png' in campaigns/"


def test_a_file_that_is_no_image_is_refused(campaigns: Path) -> None:
    (campaigns / "logo.png").write_text("not a picture", "utf-8")
    assert _refusal(campaigns)[1] == "the logo 'logo.png' is not a PNG, JPEG or GIF image"


def test_an_svg_address_is_refused_and_an_https_png_passes(campaigns: Path) -> None:
    edit(campaigns, "program.yaml", "  logo: logo.png\n", "  logo: https://cdn.example/l.svg\n")
    assert _refusal(campaigns)[1] == "mail clients do not show SVG images"
    edit(campaigns, "program.yaml", "l.svg", "l.png")
    assert load_programme(campaigns).programme_file.business.logo == "https://cdn.example/l.png"


@pytest.mark.parametrize(("name", "content"), [("logo.gif", GIF), ("logo.jpg", JPEG)])
def test_gif_and_jpeg_pass(campaigns: Path, name: str, content: bytes) -> None:
    (campaigns / name).write_bytes(content)
    edit(campaigns, "program.yaml", "  logo: logo.png\n", f"  logo: {name}\n")
    assert load_programme(campaigns).programme_file.business.logo == name


def test_no_logo_at_all_passes(campaigns: Path) -> None:
    edit(campaigns, "program.yaml", "  logo: logo.png\n", "")
    assert load_programme(campaigns).programme_file.business.logo is None


def test_a_pale_accent_is_refused_for_its_white_button_labels(campaigns: Path) -> None:
    edit(campaigns, "program.yaml", "currency:", 'brand:\n  accent: "#f5c542"\n\ncurrency:')
    where, message, hint = _refusal(campaigns)
    assert where == "campaigns/program.yaml:10:11"
    assert message.startswith(
        "white button labels on the accent colour are hard to read: contrast 1."
    )
    assert hint == "pick a darker colour"


def test_contrast_is_the_wcag_ratio() -> None:
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48
    assert contrast("#a4502a", "#ffffff") >= 4.5


def test_formats_are_told_by_their_first_bytes() -> None:
    assert logo_format(b"\x89PNG\r\n\x1a\n....") == "PNG"
    assert logo_format(JPEG) == "JPEG"
    assert logo_format(GIF) == "GIF"
    assert logo_format(b"\xef\xbb\xbf  <svg xmlns='x'/>") == "SVG"
    assert logo_format(b"<html>") is None
