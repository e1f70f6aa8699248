"""Money, numbers, dates and counted words as each reader's language writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.config import MailSettings
from stampbook.mail.envelope import links_of
from stampbook.mail.locale import Formatter, UnknownLanguage, reader_locale
from stampbook.mail.render import BUILTIN_TEMPLATES
from stampbook.mail.strings import Strings
from stampbook.mail.tokens import Keyring, Purpose, parse_keys
from stampbook.programme import Programme

NBSP = "\u00a0"


def spaced(text: str) -> str:
    """CLDR keeps words together with no-break spaces (U+00A0, U+202F); read them as spaces."""
    return text.replace(NBSP, " ").replace("\u202f", " ")


def words(locale: str, currency: str = "RUB") -> Strings:
    return Strings.load([BUILTIN_TEMPLATES / "locales"], Formatter(locale, currency))


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("ru", "RUB", "1 250,00 ₽"),
        ("bg", "EUR", "1 250,00 €"),
        ("hy", "AMD", "1 250,00 ֏"),
        ("en", "EUR", "€1,250.00"),
        # CLDR spaces a currency code written in letters from the digits.
        ("en", "RUB", "RUB 1,250.00"),
    ],
)
def test_money_is_written_in_the_readers_way(locale: str, currency: str, expected: str) -> None:
    written = Formatter(locale, currency).money(Decimal("1250"))
    assert spaced(written) == expected


def test_money_keeps_the_currencys_own_decimals() -> None:
    assert Formatter("en", "JPY").money(Decimal(1250)) == "¥1,250"
    assert spaced(Formatter("ru", "RUB").money(Decimal("0.5"))) == "0,50 ₽"


def test_numbers_and_dates() -> None:
    ru, en, bg = Formatter("ru", "RUB"), Formatter("en", "RUB"), Formatter("bg", "EUR")
    assert ru.number(1250) == f"1{NBSP}250"
    assert en.number(1250) == "1,250"
    assert spaced(ru.date(date(2027, 3, 1))) == "1 марта 2027 г."
    assert en.date(date(2027, 3, 1)) == "March 1, 2027"
    assert spaced(bg.date(date(2027, 3, 1))) == "1 март 2027 г."


@pytest.mark.parametrize(
    ("locale", "counts", "expected"),
    [
        (
            "ru",
            (1, 2, 5, 11, 21, 1250),
            ("1 балл", "2 балла", "5 баллов", "11 баллов", "21 балл", "1 250 баллов"),
        ),
        ("bg", (1, 2, 5), ("1 точка", "2 точки", "5 точки")),
        ("en", (1, 2, 1250), ("1 point", "2 points", "1,250 points")),
        ("hy", (1, 5), ("1 միավոր", "5 միավոր")),
    ],
)
def test_counted_points_follow_the_languages_plural_rules(
    locale: str, counts: tuple[int, ...], expected: tuple[str, ...]
) -> None:
    said = tuple(spaced(words(locale).points(n)) for n in counts)
    assert said == expected


def test_a_reader_gets_their_language_if_the_programme_offers_it(example: Programme) -> None:
    programme_file = example.programme_file
    assert reader_locale("en", programme_file) == "en"
    assert reader_locale("bg", programme_file) == "ru"  # not offered: the programme's default
    assert reader_locale(None, programme_file) == "ru"


def test_an_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(UnknownLanguage, match="'xx'"):
        Formatter("xx", "RUB").number(1)


def test_the_owner_can_reword_a_builtin_text(tmp_path: Path) -> None:
    (tmp_path / "ru.yaml").write_text("common:\n  my_points: Баланс\n", encoding="utf-8")
    owner_first = Strings.load([tmp_path, BUILTIN_TEMPLATES / "locales"], Formatter("ru", "RUB"))
    assert owner_first("common.my_points") == "Баланс"
    assert owner_first("layout.unsubscribe") == "Отписаться"  # the rest stays built in


def test_a_language_without_texts_falls_back_to_english() -> None:
    german = words("de")
    assert german("layout.unsubscribe") == "Unsubscribe"
    assert german.points(1250) == "1.250 points"  # the words are English, the number German


def test_links_lead_to_the_pages_in_the_readers_language(example: Programme) -> None:
    programme_file = example.programme_file  # Russian by default (at the root), English under en/
    keyring = Keyring(parse_keys("k1:" + "s" * 43))

    russian = links_of(programme_file, MailSettings(), keyring, "ru")
    english = links_of(programme_file, MailSettings(), keyring, "en")

    assert russian.page(Purpose.UNSUBSCRIBE) == "https://mednaya-turka.example/unsubscribe/?t="
    assert english.page(Purpose.POINTS) == "https://mednaya-turka.example/en/points/?t="
    # One API for every language: mailbox providers POST there.
    assert russian.one_click() == english.one_click()
    assert english.one_click().startswith("https://mednaya-turka.example/api/")
