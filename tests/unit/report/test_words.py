"""The report's words exist in every language, with the same placeholders and plural forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stampbook.mail.locale import Formatter
from stampbook.mail.render import BUILTIN_TEMPLATES
from stampbook.mail.strings import placeholders, read_strings
from stampbook.report.activity import ACTIONS
from stampbook.report.leaving import REASONS
from stampbook.report.segments import SEGMENTS, segment
from stampbook.report.words import REPORT_LOCALES, report_words

LANGUAGES = ("bg", "en", "hy", "ru")
TEXTS = {language: read_strings(REPORT_LOCALES / f"{language}.yaml") for language in LANGUAGES}
ENGLISH = TEXTS["en"]
# The same in every language by nature, not for want of a translation.
UNIVERSAL = {
    "report.none",
    "report.period",
    "report.summary.points_only",
    "report.email.subject",
    # Figures side by side, with only signs between them.
    "report.lift.sides",
    "report.lift.estimate",
    "report.lift.months.valued",
}
REPORT = Path(__file__).parents[3] / "functions" / "stampbook" / "report"
CONSENTS = ("confirmed", "unconfirmed", "unsubscribed", "suppressed", "none")


def test_the_report_speaks_every_language_the_emails_speak() -> None:
    emails = {path.stem for path in (BUILTIN_TEMPLATES / "locales").glob("*.yaml")}
    assert {path.stem for path in REPORT_LOCALES.glob("*.yaml")} == emails == set(LANGUAGES)


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
    assert counted
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


def test_every_text_the_report_asks_for_by_name_exists() -> None:
    used = {
        f"report.{key}"
        for path in REPORT.glob("*.py")
        for key in re.findall(r"""\bwords\(\s*["']([a-z_]+(?:\.[a-z_]+)*)["']""", path.read_text())
    }
    assert len(used) > 80, "the report uses hardly any texts?"
    assert used - set(ENGLISH) == set()


def test_every_reason_action_consent_and_customer_kind_has_words() -> None:
    named = {
        *(f"report.reasons.{reason}" for reason in REASONS),
        *(f"report.actions.{action}" for action in ACTIONS),
        *(f"report.consent.{consent}" for consent in CONSENTS),
        *(f"report.segment.{kind}" for kind in SEGMENTS),
    }
    assert named - set(ENGLISH) == set()


@pytest.mark.parametrize(
    ("rfm", "kind"),
    [
        ("5-5-5", "champion"),
        ("4-2-1", "promising"),
        ("3-5-5", "needs_attention"),
        ("2-4-3", "cant_lose"),
        ("1-1-5", "cant_lose"),
        ("2-3-1", "at_risk"),
        ("1-2-2", "hibernating"),
    ],
)
def test_an_rfm_score_reads_as_a_kind_of_customer(rfm: str, kind: str) -> None:
    assert segment(rfm) == kind


def test_figures_are_written_the_readers_way() -> None:
    from decimal import Decimal

    ru, en = report_words("ru", "RUB"), report_words("en", "RUB")
    assert ru.money(Decimal("32970.5")).replace("\u202f", "\u00a0") == "32\u00a0970,50\u00a0₽"
    assert en.money(Decimal("32970.5")) == "RUB\u00a032,970.50"
    assert ru.percent(Decimal("0.7303"), 1).replace("\u00a0", " ") == "73 %"
    assert ru.percent(Decimal("0.7356"), 1).replace("\u00a0", " ") == "73,6 %"
    assert en.percent(Decimal("0.4")) == "40%"
    assert (ru.month("2026-11"), ru.month_short("2026-02")) == ("ноябрь 2026", "февр.")
    assert ru.points(2296) == "2\u00a0296 баллов"
    assert ru("small_sample", count=2) == "Всего 2 клиента — слишком мало, чтобы на это полагаться."


def test_the_owner_may_reword_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "report" / "locales"
    folder.mkdir(parents=True)
    (folder / "ru.yaml").write_text("report:\n  title: Как дела у кофейни\n", "utf-8")
    words = report_words("ru", "RUB", tmp_path)
    assert words("title") == "Как дела у кофейни"
    assert words("customers.title") == "Клиенты"
