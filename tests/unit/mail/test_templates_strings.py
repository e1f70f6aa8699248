"""Stampbook's own words exist in every language, with the same placeholders."""

from __future__ import annotations

import re

import pytest

from stampbook.mail.locale import Formatter
from stampbook.mail.render import BUILTIN_TEMPLATES
from stampbook.mail.strings import Strings, StringsProblem, placeholders, read_strings
from tests.support.mail_examples import LANGUAGES

LOCALES = BUILTIN_TEMPLATES / "locales"
TEXTS = {language: read_strings(LOCALES / f"{language}.yaml") for language in LANGUAGES}
ENGLISH = TEXTS["en"]
# The same in every language by nature, not for want of a translation.
UNIVERSAL = {"common.none"}


def test_the_four_languages_are_built_in() -> None:
    assert set(LANGUAGES) == {"en", "ru", "bg", "hy"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_exists_with_the_same_placeholders(language: str) -> None:
    texts = TEXTS[language]
    assert set(texts) == set(ENGLISH), "keys differ from en.yaml"
    for key, english in ENGLISH.items():
        assert placeholders(texts[key]) == placeholders(english), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_counted_texts_have_every_plural_form_of_the_language(language: str) -> None:
    forms = Formatter(language, "EUR").plural_forms()
    counted = {key: text for key, text in TEXTS[language].items() if isinstance(text, dict)}
    assert counted, "no counted texts at all"
    for key, text in counted.items():
        assert set(text) == forms, key


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_are_not_english_copies(language: str) -> None:
    copied = [
        key
        for key, text in TEXTS[language].items()
        if text == ENGLISH[key] and key not in UNIVERSAL
    ]
    assert copied == []


def test_every_text_a_builtin_template_asks_for_exists() -> None:
    used = {
        key
        for path in (BUILTIN_TEMPLATES / "email").glob("*.j2")
        for key in re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text("utf-8"))
    }
    assert used, "the templates use no texts?"
    assert used - set(ENGLISH) == set()


def test_a_text_used_without_its_placeholder_names_the_text() -> None:
    words = Strings.load([LOCALES], Formatter("ru", "RUB"))
    with pytest.raises(StringsProblem, match=r"'confirm.subject' \(ru\): needs 'business'"):
        words("confirm.subject")
    with pytest.raises(StringsProblem, match="depends on a number"):
        words("common.points")
    with pytest.raises(StringsProblem, match=r"no text 'common\.nothing'"):
        words("common.nothing")
