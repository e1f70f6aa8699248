"""8bit parts where the transport takes them: UTF-8 as it is, every line at most 998 octets.

Without 8bit each part takes the smaller of quoted-printable and base64 (an
English newsletter quoted-printable, a Russian one's text base64). With it,
a part is its own text, folded at blanks where a line runs long; a person
whose value would not fit the room left on its line gets that part 7-bit.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from stampbook.config import MailSettings
from stampbook.mail.draft import Draft, Pieces, Slot
from stampbook.mail.envelope import prepare
from stampbook.mail.message import Message, Recipient
from stampbook.mail.parts import EightBitPart, html_part, text_part
from stampbook.mail.reader import sample_reader
from stampbook.mail.render import Renderer
from stampbook.mail.tokens import Keyring, parse_keys
from stampbook.programme import Programme
from tests.support.mail_examples import newsletter, signed_links
from tests.unit.mail.test_transfer_encoding import (
    ENGLISH,
    RUSSIAN,
    bulletin,
    decodes_to_the_draft,
    encodings,
    parse,
    reader,
)

# A lone CR or LF anywhere in the bytes: 8bit may carry them only as a pair.
LONE = re.compile(rb"\r(?!\n)|(?<!\r)\n")
CELL = (
    '<td style="padding:16px 24px;font-family:Georgia, serif;color:#3b2a1a">'
    '<img alt="Три пачки кофе на деревянном столе" src="https://example.com/a.jpg" width="600">'
    "В этом месяце мы обжарили новый лот из Эфиопии: ноты бергамота и абрикоса.</td>"
)


def one_long_line(cells: int = 60) -> Draft:
    """HTML as MJML writes it: the body on one line of many kilobytes, slots inside."""
    html: Pieces = (
        '<!doctype html><html><head><style>p { font-family: "Segoe UI", Arial; }</style>'
        "</head><body><table><tr>",
        CELL * (cells // 2),
        "<td>Здравствуйте, ",
        Slot("first_name"),
        '!</td><td><a href="',
        Slot("unsubscribe_url"),
        '">Отписаться</a></td>',
        CELL * (cells // 2),
        "</tr></table></body></html>\n",
    )
    text = (Slot("first_name"), ",\n\n", "Новый лот из Эфиопии. " * 80, "\n")
    return Draft(("News",), (), html, text)


def sent(draft: Draft, recipient: Recipient, eight_bit: bool = True) -> Message:
    message = newsletter(draft).message(recipient, eight_bit)
    for line in message.data.split(b"\r\n"):
        assert len(line) <= 998  # RFC 5322 and RFC 5321, with CRLF after
    assert LONE.search(message.data) is None
    return message


def same_but_folds(decoded: str, expected: str) -> bool:
    """`decoded` is `expected` with CRLF line ends and some spaces made line breaks."""
    return decoded.replace("\r\n", " ") == expected.replace("\n", " ")


def test_without_8bit_english_goes_quoted_printable_and_russian_base64() -> None:
    english = parse(sent(bulletin(ENGLISH, "A new lot."), reader("Ann"), False).data)
    russian = parse(sent(bulletin(RUSSIAN, "Новый лот."), reader("Анна"), False).data)
    assert encodings(english) == {
        "text/plain": "quoted-printable",
        "text/html": "quoted-printable",
    }
    assert encodings(russian) == {"text/plain": "base64", "text/html": "base64"}


@pytest.mark.parametrize("paragraph", [RUSSIAN, ENGLISH])
def test_with_8bit_both_parts_go_as_they_are_and_decode_exactly(paragraph: str) -> None:
    draft = bulletin(paragraph, "Новый лот из Эфиопии.")
    message = sent(draft, reader("Анна"))
    assert message.eight_bit
    assert "Анна".encode() in message.data  # UTF-8 as it is
    parsed = decodes_to_the_draft(draft, reader("Анна"), eight_bit=True)
    assert encodings(parsed) == {"text/plain": "8bit", "text/html": "8bit"}
    for part in parsed.iter_parts():
        assert part.get_content_charset() == "utf-8"


def test_8bit_is_smaller_than_either_7_bit_encoding() -> None:
    draft = bulletin(RUSSIAN, "Новый лот из Эфиопии.")
    seven, eight = sent(draft, reader("Анна"), False), sent(draft, reader("Анна"))
    assert len(eight.data) < 0.8 * len(seven.data)


def test_a_long_line_is_folded_at_blanks_never_inside_a_quoted_value() -> None:
    draft = one_long_line()
    recipient = reader("Анна")
    message = sent(draft, recipient)
    parsed = parse(message.data)
    assert encodings(parsed) == {"text/plain": "8bit", "text/html": "8bit"}
    values = dict(recipient.values) | signed_links(recipient.customer_id)
    html, text = parsed.get_body(("html",)), parsed.get_body(("plain",))
    assert html is not None
    assert text is not None
    assert html.get_content().count("\r\n") > 10  # folded: the draft has one line break
    assert same_but_folds(html.get_content(), draft.fill_html(values))
    assert same_but_folds(text.get_content(), draft.fill_text(values))
    body = message.data.decode()
    # Quoted values, the style sheet and the link are whole.
    assert body.count('alt="Три пачки кофе на деревянном столе"') == 60
    assert 'p { font-family: "Segoe UI", Arial; }' in body
    assert f'href="{values["unsubscribe_url"]}"' in body


def test_a_value_too_long_for_its_line_sends_that_part_7_bit_for_that_person() -> None:
    draft = one_long_line()
    prepared = newsletter(draft)
    long_name = "Анна-Мария " * 60  # 1 200 octets: no line has room for it
    for name, expected in (("Анна", "8bit"), (long_name, "base64"), ("Ann", "8bit")):
        recipient = reader(name)
        message = prepared.message(recipient, eight_bit=True)
        for line in message.data.split(b"\r\n"):
            assert len(line) <= 998
        parsed = parse(message.data)
        assert encodings(parsed) == {"text/plain": expected, "text/html": expected}
        values = dict(recipient.values) | signed_links(recipient.customer_id)
        html = parsed.get_body(("html",))
        assert html is not None
        assert same_but_folds(html.get_content(), draft.fill_html(values))


def test_a_value_that_fits_its_room_stays_8bit() -> None:
    # 150 octets of name beside a link on a folded line: room enough.
    name = "Ярослава " * 8
    message = sent(one_long_line(), reader(name))
    assert encodings(parse(message.data)) == {"text/plain": "8bit", "text/html": "8bit"}


def test_line_breaks_in_values_become_crlf() -> None:
    draft = bulletin(RUSSIAN, "Новый лот из Эфиопии.")
    for name in ("Анна\nПетрова", "Анна\r\nПетрова", "Анна\rПетрова", "\r", "<b>&</b>"):
        message = sent(draft, reader(name))  # no lone CR or LF: checked there
        parsed = parse(message.data)
        text = parsed.get_body(("plain",))
        assert text is not None
        expected = name.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
        assert text.get_content().startswith(expected + ",\r\n")


def test_a_nul_in_a_value_is_dropped() -> None:
    message = sent(bulletin(RUSSIAN, "Новый лот."), reader("Ан\0на"))
    assert b"\0" not in message.data
    assert encodings(parse(message.data))["text/plain"] == "8bit"


def test_never_8bit_for_text_with_a_nul_or_a_line_that_will_not_fold() -> None:
    with_nul: Pieces = ("Здравствуйте,\0 ", Slot("first_name"), "\n")
    unbroken: Pieces = ("<p>", "Ж" * 600, "</p>\n")  # 1 207 octets, no blank
    folds: Pieces = ("<p>", "Ж " * 600, "</p>\n")
    assert not isinstance(text_part(with_nul, eight_bit=True), EightBitPart)
    assert not isinstance(html_part(unbroken, eight_bit=True), EightBitPart)
    assert not isinstance(text_part(unbroken, eight_bit=True), EightBitPart)
    assert isinstance(html_part(folds, eight_bit=True), EightBitPart)
    assert not isinstance(html_part(folds), EightBitPart)  # only when allowed


def test_a_draft_made_for_both_kinds_of_transport_keeps_each() -> None:
    prepared = newsletter(bulletin(RUSSIAN, "Новый лот."))
    first = prepared.message(reader("Анна"), eight_bit=True)
    second = prepared.message(reader("Анна"), eight_bit=False)
    third = prepared.message(reader("Анна"), eight_bit=True)
    assert (first.eight_bit, second.eight_bit, third.eight_bit) == (True, False, True)
    assert encodings(parse(second.data)) == {"text/plain": "base64", "text/html": "base64"}
    decodes_to_the_draft(bulletin(RUSSIAN, "Новый лот."), reader("Анна"))


def test_the_example_russian_issue_is_at_most_1_4_times_its_html_in_8bit(
    renderer: Renderer, example: Programme
) -> None:
    issue = example.newsletter("2026-12-winter-lots")
    assert issue is not None
    keyring = Keyring(parse_keys("k1:" + "s" * 43))
    draft = renderer.newsletter(issue, "ru")
    prepared = prepare(example.programme_file, draft, True, MailSettings(), keyring, "ru")
    person = sample_reader(example.programme_file, "ru", date(2026, 12, 1))
    values = renderer.personal_values(person, "ru")
    recipient = Recipient("anna@example.com", "c1", person.name, values)
    html_size = len(draft.fill_html(values | signed_links("c1")).encode())
    seven, eight = prepared.message(recipient), prepared.message(recipient, eight_bit=True)
    assert len(eight.data) <= 1.4 * html_size < len(seven.data)
    assert encodings(parse(eight.data)) == {"text/plain": "8bit", "text/html": "8bit"}
    for line in eight.data.split(b"\r\n"):
        assert len(line) <= 998
