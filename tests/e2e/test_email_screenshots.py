"""The newsletter in a real browser at phone and desktop width: screenshots, and no sideways scroll.

Screenshots are saved under build/artifacts/screenshots/ to look at after
the run. Remote images (the owner's photos, the logo) are refused by the
guard, so the pages show their alt text, as a mail client with images off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from stampbook.mail.draft import LINK_SLOTS, Draft
from stampbook.mail.reader import personal_values, sample_occasion, sample_reader
from stampbook.mail.render import Renderer
from stampbook.programme import Programme, load_programme
from tests.support.mail_examples import LANGUAGES
from tests.support.paths import EXAMPLE

from .conftest import ARTIFACTS, LocalPage

PHONE, DESKTOP = 375, 1280
TODAY = date(2026, 11, 23)
SHOTS = ARTIFACTS / "screenshots"
LINKS = {slot: f"http://127.0.0.1:9/{slot}" for slot in LINK_SLOTS}

# Every piece of text whose right edge is past the viewport's, if any.
OVERFLOWING_TEXT = """
(width) => Array.from(document.querySelectorAll('p, h1, h2, h3, li, td, a, span'))
  .filter((e) => e.textContent.trim() && e.getBoundingClientRect().right > width + 0.5)
  .map((e) => e.textContent.trim().slice(0, 60))
"""


@pytest.fixture(scope="module")
def programme() -> Programme:
    return load_programme(EXAMPLE)


@pytest.fixture(scope="module")
def renderer(programme: Programme) -> Renderer:
    return Renderer(programme)


def save(renderer: Renderer, programme: Programme, draft: Draft, locale: str, name: str) -> str:
    reader = sample_reader(programme.programme_file, locale, TODAY)
    values = {**personal_values(reader, renderer.words(locale), programme.programme_file), **LINKS}
    path = SHOTS / f"{name}.{locale}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(draft.fill_html(values), encoding="utf-8")
    return path.as_uri()


def look(page: LocalPage, url: str, width: int, screenshot: str) -> None:
    page.page.goto(url)
    page.page.screenshot(path=SHOTS / screenshot, full_page=True)
    assert page.page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.page.evaluate(OVERFLOWING_TEXT, width) == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_newsletter_fits_a_phone_and_a_desktop(
    renderer: Renderer,
    programme: Programme,
    open_page: Callable[[int], LocalPage],
    locale: str,
) -> None:
    for issue in programme.newsletters:
        url = save(renderer, programme, renderer.newsletter(issue, locale), locale, issue.slug)
        for width in (PHONE, DESKTOP):
            page = open_page(width)
            look(page, url, width, f"{issue.slug}.{locale}.{width}px.png")
            assert (SHOTS / f"{issue.slug}.{locale}.{width}px.png").stat().st_size > 10_000
            # The guard held: the remote photo and logo were asked for and refused.
            assert any("mednaya-turka.example" in url for url in page.refused)


@pytest.mark.parametrize("name", ["win_back", "certificate_issued", "confirm"])
def test_one_off_emails_fit_a_phone_in_every_language(
    renderer: Renderer,
    programme: Programme,
    open_page: Callable[[int], LocalPage],
    name: str,
) -> None:
    for locale in LANGUAGES:
        reader = sample_reader(programme.programme_file, locale, TODAY)
        occasion = sample_occasion(programme.programme_file, None, TODAY)
        draft = renderer.email(name, locale, reader, occasion)
        url = save(renderer, programme, draft, locale, name)
        look(open_page(PHONE), url, PHONE, f"{name}.{locale}.{PHONE}px.png")
