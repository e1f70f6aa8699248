"""`mkdocs build --strict` of the example in every locale, and what the build contains."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from stampbook.records.customers import Customer
from stampbook.sitegen.build import BuiltLocale, build_site
from tests.support.paths import ROOT, SITE_CONFIG

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[BuiltLocale]:
    # After the winter issue went out, before the (private) January one.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STAMPBOOK_NOW", "2027-01-20T12:00:00+03:00")
        return build_site(SITE_CONFIG, site_dir=tmp_path_factory.mktemp("site"))


def page(built: list[BuiltLocale], locale: str, path: str) -> str:
    folder = next(each.folder for each in built if each.locale == locale)
    return (folder / path).read_text("utf-8")


def test_every_locale_is_built_default_at_the_root(built: list[BuiltLocale]) -> None:
    assert [each.locale for each in built] == ["ru", "en"]
    assert built[1].folder == built[0].folder / "en"
    assert 'lang="ru"' in page(built, "ru", "index.html")
    assert 'lang="en"' in page(built, "en", "index.html")
    for locale in ("ru", "en"):
        for path in ("terms", "rewards", "privacy", "signup", "confirm", "points"):
            assert (
                built[0].folder / ("" if locale == "ru" else "en") / path / "index.html"
            ).is_file()


def test_the_language_switcher_links_the_same_page_in_every_locale(
    built: list[BuiltLocale],
) -> None:
    terms = page(built, "en", "terms/index.html")
    assert 'href="../../terms/" hreflang="ru"' in terms
    assert 'href="../../en/terms/" hreflang="en"' in terms
    home = page(built, "ru", "index.html")
    assert 'href="./" hreflang="ru"' in home
    assert 'href="./en/" hreflang="en"' in home
    # The 404 page is served at any depth: it links by path.
    missing = page(built, "en", "404.html")
    assert 'href="/" hreflang="ru"' in missing
    assert 'href="/en/" hreflang="en"' in missing


def test_no_page_asks_for_anything_from_another_site(built: list[BuiltLocale]) -> None:
    for html in built[0].folder.rglob("*.html"):
        text = html.read_text("utf-8")
        assert "fonts.googleapis" not in text, html
        assert 'src="http' not in text.replace('src="https://mednaya-turka.example', ""), html


def test_the_archive_lists_public_sent_issues_outside_the_navigation(
    built: list[BuiltLocale],
) -> None:
    listing = page(built, "en", "newsletters/index.html")
    assert 'href="2026-12-winter-lots/"' in listing
    assert "The winter lots are roasting" in listing
    assert "2027-01-regulars-cupping" not in listing  # not public
    web = page(built, "en", "newsletters/2026-12-winter-lots/index.html")
    assert "The winter lots are roasting" in web or "winter lots" in web.lower()
    assert "2026-12-winter-lots" not in page(built, "en", "terms/index.html")
    feed = ET.fromstring(page(built, "ru", "newsletters/feed.xml"))
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "https://mednaya-turka.example/newsletters/2026-12-winter-lots/"
    ]


def test_the_privacy_page_names_every_field_of_the_customer_record(
    built: list[BuiltLocale],
) -> None:
    from stampbook.sitegen.privacy import stored_items

    assert len(stored_items()) == len(fields(Customer)) + 6
    text = page(built, "en", "privacy/index.html")
    assert "Your birthday (if you gave it)" in text
    assert "The automatic emails we sent you" in text
    # What the public questionnaire keeps, and what it does not.
    assert "an order number or email address if you give them" in text
    assert "Your IP address is not stored with the answer" in text
    assert "hello@mednaya-turka.example" in text


def test_the_signup_form_carries_consent_text_version_and_the_api(built: list[BuiltLocale]) -> None:
    signup = page(built, "ru", "signup/index.html")
    assert 'data-api="/api/"' in signup  # beside the site, on the same origin
    assert 'data-endpoint="subscribe"' in signup
    assert 'name="consent_version" value="2026-11-01"' in signup
    assert "Я хочу получать письма «Медной турки»" in signup
    assert '<label for="sb-email">' in signup


def test_a_new_customer_field_without_words_stops_the_build(tmp_path: Path) -> None:
    from stampbook.mail.strings import StringsProblem
    from stampbook.programme import load_programme
    from stampbook.sitegen.privacy import privacy_page
    from stampbook.sitegen.words import site_words

    programme = load_programme(ROOT / "campaigns")
    words = site_words(programme, "en")
    texts = dict(words.texts)
    del texts["privacy.fields.habits.what"]
    with pytest.raises(StringsProblem, match="habits"):
        privacy_page(programme, "en", type(words)(texts, words.formatter))


def test_each_languages_source_is_whole_and_builds_alone(
    tmp_path: Path, built: list[BuiltLocale]
) -> None:
    source = built[0].folder.parent / f"{built[0].folder.name}-source"
    for each in built:
        written = source / each.locale / "mkdocs.yml"
        config = yaml.safe_load(written.read_text("utf-8"))
        assert "hooks" not in config  # nothing made inside a builder's extension point
        docs = written.parent / config["docs_dir"]
        for entry in config["nav"]:
            [page] = entry.values()
            assert (docs / page).is_file(), page
        # The very source, built by MkDocs alone in a process of its own.
        again = tmp_path / each.locale
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
             "-f", str(written), "-d", str(again)],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        pages = {p.relative_to(again) for p in again.rglob("*.html")}
        # What the whole build wrote for this language (the default's folder
        # holds the others' sub-folders too).
        others = {b.locale for b in built if b.folder != each.folder}
        first = {
            p.relative_to(each.folder)
            for p in each.folder.rglob("*.html")
            if p.relative_to(each.folder).parts[0] not in others
        }
        assert pages == first
