"""The site's own words exist in every language, with the same placeholders."""

from __future__ import annotations

import re

import pytest

from stampbook.mail.render import BUILTIN_TEMPLATES
from stampbook.mail.strings import placeholders, read_strings
from stampbook.sitegen.words import SITE_LOCALES
from tests.support.paths import PACKAGE

EMAIL_LOCALES = BUILTIN_TEMPLATES / "locales"
LANGUAGES = tuple(sorted(path.stem for path in EMAIL_LOCALES.glob("*.yaml")))
TEXTS = {language: read_strings(SITE_LOCALES / f"{language}.yaml") for language in LANGUAGES}
ENGLISH = TEXTS["en"]
# The same in every language by nature, not for want of a translation.
UNIVERSAL = {"terms.not_included", "terms.times"}
SITEGEN = PACKAGE / "sitegen"


def test_the_site_speaks_every_language_the_emails_speak() -> None:
    assert LANGUAGES == ("bg", "en", "hy", "ru")
    assert {path.stem for path in SITE_LOCALES.glob("*.yaml")} == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_site_text_exists_with_the_same_placeholders(language: str) -> None:
    texts = TEXTS[language]
    assert set(texts) == set(ENGLISH), "keys differ from en.yaml"
    for key, english in ENGLISH.items():
        assert placeholders(texts[key]) == placeholders(english), key


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_site_translations_are_not_english_copies(language: str) -> None:
    copied = [
        key
        for key, text in TEXTS[language].items()
        if text == ENGLISH[key] and key not in UNIVERSAL
    ]
    assert copied == []


def test_every_text_the_site_asks_for_by_name_exists() -> None:
    used = {
        key
        for path in SITEGEN.glob("*.py")
        for key in re.findall(r"""\b(?:words|t)\(\s*["']([a-z_]+\.[\w.]+)["']""", path.read_text())
    }
    assert len(used) > 50, "the site uses hardly any texts?"
    assert used - set(ENGLISH) - set(read_strings(EMAIL_LOCALES / "en.yaml")) == set()
