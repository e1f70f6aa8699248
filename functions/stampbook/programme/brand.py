"""The brand's checks: a logo mail clients show, colours people can read.

Gmail and Outlook do not show SVG in email, so an SVG logo would be a
broken image in every message; the file is told by its first bytes, not its
name. White button labels sit on the accent colour and the text on white
paper: both must reach WCAG AA's 4.5:1 contrast.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from .business import ProgrammeFile
from .problems import Problem
from .yamlsource import SourceMap

# What every mail client shows, by the file's first bytes.
_SHOWN = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
LOGO_FORMATS = "PNG, JPEG or GIF"
_EXPORT = "export it as a PNG (about 200 × 200 pixels) and name that file here"
READABLE = 4.5  # WCAG AA, normal text
WHITE, PAPER = "#ffffff", "#ffffff"


def logo_format(head: bytes) -> str | None:
    """ "PNG", "JPEG" or "GIF" for a file starting with `head`; "SVG" for SVG; else None."""
    for magic, name in _SHOWN:
        if head.startswith(magic):
            return name
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<svg", b"<?xml")) and b"<svg" in head.lower():
        return "SVG"
    return None


def logo_file(programme_file: ProgrammeFile, root: Path) -> Path | None:
    """The logo's file in campaigns/, if the programme names one there (not an address)."""
    logo = programme_file.business.logo
    if logo is None or urlsplit(logo).scheme:
        return None
    return root / logo


def check_brand(programme_file: ProgrammeFile, source: SourceMap, root: Path) -> list[Problem]:
    return [*_check_logo(programme_file, source, root), *_check_colours(programme_file, source)]


def _check_logo(programme_file: ProgrammeFile, source: SourceMap, root: Path) -> Iterator[Problem]:
    logo = programme_file.business.logo
    if logo is None:
        return
    where = ("business", "logo")
    address = urlsplit(logo)
    if address.scheme:
        if address.scheme != "https":
            yield source.problem(where, f"the logo's address '{logo}' is not https", "use https://")
        elif address.path.lower().endswith(".svg"):
            yield source.problem(where, "mail clients do not show SVG images", _EXPORT)
        return
    path = root / logo
    inside = path.resolve().is_relative_to(root.resolve())
    if not inside or not path.is_file():
        yield source.problem(
            where,
            f"no logo file '{logo}' in {root.name}/",
            "put the file there (the path is relative to the folder of program.yaml), "
            "or leave `logo` out to show the business's name instead",
        )
        return
    with path.open("rb") as file:
        found = logo_format(file.read(512))
    if found == "SVG":
        yield source.problem(
            where, "the logo is an SVG, which Gmail and Outlook do not show", _EXPORT
        )
    elif found is None:
        yield source.problem(where, f"the logo '{logo}' is not a {LOGO_FORMATS} image", _EXPORT)


def _check_colours(programme_file: ProgrammeFile, source: SourceMap) -> Iterator[Problem]:
    brand = programme_file.brand
    for key, ink, ground, what in (
        ("accent", WHITE, brand.accent, "white button labels on the accent colour"),
        ("text", brand.text, PAPER, "the text colour on the white page"),
    ):
        ratio = contrast(ink, ground)
        if ratio < READABLE:
            yield source.problem(
                ("brand", key),
                f"{what} are hard to read: contrast {ratio:.1f}:1, at least {READABLE}:1 needed",
                "pick a darker colour" if key == "accent" else "pick a darker text colour",
            )


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two `#rrggbb` colours, 1 to 21."""
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
