"""Which languages and currencies a programme may name, and what an owner meant by another."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from stampbook.programme.currencies import currencies_in_use, meant_currency
from stampbook.programme.languages import (
    BUILTIN_TEMPLATES,
    language_hint,
    languages_with_words,
    meant_language,
)

# Material for MkDocs, the site's theme, has one file per language it speaks.
THEME_LANGUAGES = resources.files("material") / "templates" / "partials" / "languages"


def test_every_language_with_words_is_spoken_by_the_site_theme() -> None:
    # Without the theme's own file, `site build` stops with TemplateNotFound.
    assert languages_with_words()
    for code in languages_with_words():
        assert (THEME_LANGUAGES / f"{code}.html").is_file(), code


def test_every_language_with_words_has_every_words_file() -> None:
    for code in languages_with_words():
        assert (BUILTIN_TEMPLATES / "locales" / f"{code}.yaml").is_file()
        assert (BUILTIN_TEMPLATES / "site" / "locales" / f"{code}.yaml").is_file()


def words(templates: Path, folder: str, *codes: str) -> Path:
    (templates / folder).mkdir(parents=True, exist_ok=True)
    for code in codes:
        (templates / folder / f"{code}.yaml").write_text("a: b\n", "utf-8")
    return templates


def test_a_language_needs_its_email_and_its_site_words(tmp_path: Path) -> None:
    emails_only = words(words(tmp_path / "one", "locales", "en", "de"), "site/locales", "en")
    assert languages_with_words(emails_only) == {"en"}
    both = words(words(tmp_path / "two", "locales", "en", "de"), "site/locales", "en", "de")
    assert languages_with_words(both) == {"en", "de"}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("am", "hy"),  # Armenia's country code; as a language, Amharic
        ("arm", "hy"),  # ISO 639-2
        ("bul", "bg"),
        ("bu", "bg"),  # the start of the name
        ("ru_RU", "ru"),
        ("de", None),
        ("qq", None),
    ],
)
def test_a_language_is_guessed_by_name_country_or_code(typed: str, meant: str | None) -> None:
    assert meant_language(typed) == meant


def test_the_guess_names_both_languages() -> None:
    assert language_hint("am") == "'am' is Amharic; Armenian is 'hy'"
    assert language_hint("ar") == "'ar' is Arabic; Armenian is 'hy'"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("LEV", "BGN"),
        ("leva", "BGN"),
        ("Bulgarian lev", "BGN"),
        ("RUR", "RUB"),  # withdrawn in 1998
        ("BGL", "BGN"),
        ("DRAM", "AMD"),
        ("EURO", "EUR"),
        ("DEM", "EUR"),
        ("eur", "EUR"),
        ("dollar", None),  # many countries' dollar: no guess
        ("SUR", None),  # the Soviet rouble: many successors
        ("EUX", None),
    ],
)
def test_a_currency_is_guessed_from_a_name_or_a_withdrawn_code(
    typed: str, meant: str | None
) -> None:
    assert meant_currency(typed) == meant


def test_currencies_in_use_are_those_some_country_pays_with() -> None:
    assert {"RUB", "EUR", "AMD", "BGN", "USD"} <= currencies_in_use()
    assert not {"RUR", "DEM", "XTS", "XAU"} & currencies_in_use()
