"""A compiled email: fixed text with named holes for what differs per person.

Rendering an email (Jinja2 -> MJML -> HTML) costs milliseconds; a bulletin to
100 000 people must not pay that 100 000 times. So an email is compiled once
per campaign and locale into a `Draft`: each part is a run of fixed strings
and `Slot`s. Filling the slots for one person is string joining, and the
message builder can encode the fixed strings once and splice in only the
encoded values.

Slot values are plain text, already formatted for the locale ("1 250"). The
HTML part escapes them; the text part takes them as they are; the subject
takes them with line breaks removed, so a name can never add a header.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Slot:
    """A personal value, e.g. `first_name`, `points` or `unsubscribe_url`."""

    name: str


Piece = str | Slot
Pieces = tuple[Piece, ...]

# The links the message builder signs for each person. A draft that has one of
# these slots gets a fresh signed URL per recipient.
LINK_SLOTS = frozenset(
    {"unsubscribe_url", "preferences_url", "points_url", "confirm_url", "feedback_url"}
)


class MissingSlot(KeyError):
    """A draft needs a personal value that was not given."""


@dataclass(frozen=True)
class Draft:
    subject: Pieces
    preheader: Pieces  # the inbox preview line; also hidden at the top of the HTML
    html: Pieces  # a whole HTML document
    text: Pieces  # the plain-text alternative

    def slots(self) -> frozenset[str]:
        parts = (self.subject, self.preheader, self.html, self.text)
        return frozenset(p.name for part in parts for p in part if isinstance(p, Slot))

    def fill_subject(self, values: Mapping[str, str]) -> str:
        return _fill(self.subject, values, _one_line)

    def fill_preheader(self, values: Mapping[str, str]) -> str:
        return _fill(self.preheader, values, _one_line)

    def fill_html(self, values: Mapping[str, str]) -> str:
        return _fill(self.html, values, _escape)

    def fill_text(self, values: Mapping[str, str]) -> str:
        return _fill(self.text, values, _same)


def _escape(value: str) -> str:
    return html.escape(value, quote=True)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _same(value: str) -> str:
    return value


def _fill(pieces: Pieces, values: Mapping[str, str], encode: Callable[[str], str]) -> str:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        try:
            value = values[piece.name]
        except KeyError:
            raise MissingSlot(piece.name) from None
        out.append(encode(value))
    return "".join(out)
