"""Stand-ins for personal values while an email is compiled once for everyone.

A personal value (the reader's name, their points, their unsubscribe link)
goes through Jinja, Markdown and MJML as a marker made of letters and
digits only, so no step escapes, encodes or reflows it, and is cut back out
into a `Slot` at the end. A template that needs the value itself (to
compare it, count with it or loop over it) cannot have it, since it differs
per reader: `PersonalValue` says so instead of silently comparing a marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NoReturn

from .draft import Pieces, Slot

_MARKER = re.compile(r"zq(\d+)slotzq")


class PersonalValueAsData(TypeError):
    """A compiled-once template tried to use a reader's value as data."""

    def __init__(self, slot: str) -> None:
        super().__init__(
            f"'{slot}' differs from reader to reader, so a newsletter can show it "
            "but cannot compare, count or loop with it; show it as it is, or send "
            "a separate issue to the readers it concerns (audience filters)"
        )
        self.slot = slot


class PersonalValue(str):
    """Prints as its marker; refuses to be used as data."""

    slot: str

    def __new__(cls, marker: str, slot: str) -> PersonalValue:
        value = super().__new__(cls, marker)
        value.slot = slot
        return value

    def _refuse(self, *_: object) -> NoReturn:
        raise PersonalValueAsData(self.slot)

    # Printing (str(), joining, escaping) works; deciding anything by the value does not.
    __bool__ = __int__ = __float__ = __iter__ = __len__ = __contains__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __hash__ = str.__hash__


class Markers:
    """The markers handed out for one compilation, and cutting them back out."""

    def __init__(self) -> None:
        self._slots: list[str] = []

    def __call__(self, slot: str) -> PersonalValue:
        if slot not in self._slots:
            self._slots.append(slot)
        return PersonalValue(f"zq{self._slots.index(slot)}slotzq", slot)

    def split(self, text: str) -> Pieces:
        pieces: list[str | Slot] = []
        position = 0
        for found in _MARKER.finditer(text):
            if found.start() > position:
                pieces.append(text[position : found.start()])
            pieces.append(Slot(self._slots[int(found.group(1))]))
            position = found.end()
        if position < len(text):
            pieces.append(text[position:])
        return tuple(pieces)


def fixed(parts: Iterable[str]) -> Pieces:
    """Parts with no personal value in them."""
    return tuple(part for part in parts if part)
