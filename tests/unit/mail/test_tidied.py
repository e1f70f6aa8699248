"""Filling in leaves nothing doubled: no name quoted twice, no second full stop after a date."""

from __future__ import annotations

from datetime import date

from stampbook.mail import owner_text
from stampbook.mail.locale import Formatter
from stampbook.mail.strings import tidied

RUSSIAN_DATE = Formatter("ru", "RUB").date(date(2027, 3, 8))  # 8 марта 2027 г.


def test_a_name_with_quotes_of_its_own_is_not_quoted_again() -> None:
    for business, said in [
        ("Цветочная «Ануш»", "в программе «{business}»."),
        ("Пекарна „Тепетата“", "Добре дошли в „{business}“!"),
    ]:
        text = tidied(said.format(business=business), {"business": business})
        assert text.count(business) == 1
        assert f"«{business}»" not in text
        assert f"„{business}“" not in text
    plain = tidied("в программе «Медная турка».", {"business": "Медная турка"})
    assert plain == "в программе «Медная турка»."  # quoted once, as written


def test_a_date_ending_in_a_full_stop_ends_the_sentence_once() -> None:
    assert RUSSIAN_DATE.endswith("г.")
    said = "Они станут доступны {{ available_on }}."
    values = {"available_on": RUSSIAN_DATE}
    subject = owner_text.subject(said, values, "x")  # on one line: every space a plain one
    assert subject == "Они станут доступны " + " ".join(RUSSIAN_DATE.split())
    body = owner_text.body(said, values, "x")  # Markdown escapes the value's full stop
    assert "г.." not in body
    assert body.endswith("г.</p>")
