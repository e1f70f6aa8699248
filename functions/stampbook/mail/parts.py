"""The text and HTML parts of a message, each in the smaller of two transfer encodings.

Quoted-printable writes an ASCII character as itself but any other byte as
three characters: a Cyrillic or Armenian letter (two bytes of UTF-8) costs
six, every `=` of the HTML's attributes three (`=3D`). Base64 costs
four characters for every three bytes, whatever they are. So English HTML is
smaller quoted-printable, and a Russian newsletter's text — or its HTML when
the words outweigh the markup — is smaller in base64 (a 47.6 KB Russian
bulletin: 114 KB of quoted-printable, 65 KB of base64). Each part takes the
smaller for its fixed text, which a person's few values do not change.

Never 8bit, though it would be smaller still: one message's bytes go to
whichever transport is configured, and an SMTP relay must have announced
8BITMIME for them (the SMTP transport does not ask), SES asks that content
outside 7-bit ASCII be encoded, and the outbox shows what would go out.

A part is prepared once per draft: its fixed stretches encoded, slots left
for each person's values. Quoted-printable runs join at line ends. A base64
run must hold whole 3-byte groups, and where a fixed stretch starts inside a
group depends on how long the values before it are; so each long stretch is
encoded once for each of the three places it can start (on first need), and
per message only a person's values, the short stretches between them and
the few bytes that complete a group are encoded.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import lru_cache

from .draft import LINK_SLOTS, MissingSlot, Pieces, Slot
from .encoding import base64_lines, base64_size, quoted_printable


class TransferEncoding(StrEnum):
    QUOTED_PRINTABLE = "quoted-printable"
    BASE64 = "base64"


# A prepared part: encoded (or, for base64, raw) bytes, or a slot's name.
_Plan = list[bytes | str]


class QuotedPrintablePart:
    """A part whose fixed runs are quoted-printable, joined with each person's values."""

    encoding = TransferEncoding.QUOTED_PRINTABLE

    def __init__(self, pieces: Pieces, value: Callable[[str], bytes]) -> None:
        self._plan: _Plan = []
        fixed: list[str] = []
        for piece in pieces:
            if isinstance(piece, Slot):
                if fixed:
                    self._plan.append(quoted_printable("".join(fixed)))
                    fixed = []
                self._plan.append(piece.name)
            else:
                fixed.append(piece)
        if fixed:
            self._plan.append(quoted_printable("".join(fixed)))
        self._names = _slot_names(self._plan)
        self._value = value

    @property
    def size(self) -> int:
        """The encoded size of the fixed runs."""
        return sum(len(run) for run in self._plan if isinstance(run, bytes))

    def fill(self, values: Mapping[str, str], ready: Mapping[str, bytes]) -> list[bytes]:
        """The part's body for one person; `ready` holds values already encoded (links)."""
        try:
            encoded = {name: ready.get(name) or self._value(values[name]) for name in self._names}
        except KeyError as missing:
            raise MissingSlot(missing.args[0]) from None
        return [encoded[p] if isinstance(p, str) else p for p in self._plan]


class Base64Part:
    """A part whose fixed runs are base64, joined with each person's values."""

    encoding = TransferEncoding.BASE64

    def __init__(
        self, pieces: Pieces, value: Callable[[str], bytes], link: Callable[[str], bytes]
    ) -> None:
        self._plan: _Plan = []
        fixed: list[str] = []
        for piece in pieces:
            if isinstance(piece, Slot):
                if fixed:
                    self._plan.append(canonical("".join(fixed)))
                    fixed = []
                self._plan.append(piece.name)
            else:
                fixed.append(piece)
        if fixed:
            self._plan.append(canonical("".join(fixed)))
        # A person's links are new each time: not worth remembering, unlike names.
        self._encoders = {
            name: link if name in LINK_SLOTS else value for name in _slot_names(self._plan)
        }
        # Short fixed runs are encoded with the values around them, in one go.
        self._long = frozenset(
            index
            for index, piece in enumerate(self._plan)
            if isinstance(piece, bytes) and len(piece) >= _LONG
        )
        # (index of a long run, bytes of it that complete the group before it):
        # the rest's whole groups encoded, and the 0-2 bytes left over.
        self._runs: dict[tuple[int, int], tuple[bytes, bytes]] = {}

    def fill(self, values: Mapping[str, str], ready: Mapping[str, bytes]) -> list[bytes]:
        """The part's body for one person (`ready` is for quoted-printable parts)."""
        out = []
        pending = b""  # bytes not yet encoded: values, short runs, a group's start
        for index, piece in enumerate(self._plan):
            if index in self._long:
                assert isinstance(piece, bytes)
                head = -len(pending) % 3  # what the pending bytes lack of a whole group
                if pending:
                    out.append(base64_lines(pending + piece[:head]))
                run, pending = self._run(index, head)
                out.append(run)
            elif isinstance(piece, str):
                try:
                    value = values[piece]
                except KeyError:
                    raise MissingSlot(piece) from None
                pending += self._encoders[piece](value)
            else:
                pending += piece
        if pending:
            out.append(base64_lines(pending))  # the body's end: padded if it must be
        return out

    def _run(self, index: int, head: int) -> tuple[bytes, bytes]:
        found = self._runs.get((index, head))
        if found is None:
            piece = self._plan[index]
            assert isinstance(piece, bytes)
            rest = piece[head:]
            whole = len(rest) - len(rest) % 3
            found = self._runs[index, head] = (base64_lines(rest[:whole]), rest[whole:])
        return found


# A fixed run this long (bytes) is encoded once per place it can start; a
# shorter one per message, with the values around it: it costs less than a
# separate run (and a short line) of its own.
_LONG = 240


Part = QuotedPrintablePart | Base64Part


def text_part(pieces: Pieces) -> Part:
    """The plain-text part: values as they are."""
    return _smaller(pieces, _qp_text, _raw_text, canonical)


def html_part(pieces: Pieces) -> Part:
    """The HTML part: values escaped as `Draft.fill_html` escapes them."""
    return _smaller(pieces, _qp_html, _raw_html, _raw_link)


def _smaller(
    pieces: Pieces,
    qp_value: Callable[[str], bytes],
    raw_value: Callable[[str], bytes],
    raw_link: Callable[[str], bytes],
) -> Part:
    quoted = QuotedPrintablePart(pieces, qp_value)
    fixed = "".join(piece for piece in pieces if isinstance(piece, str))
    if base64_size(len(canonical(fixed))) < quoted.size:
        return Base64Part(pieces, raw_value, raw_link)
    return quoted  # on a tie too: it stays readable in the raw message


def canonical(text: str) -> bytes:
    """UTF-8 with CRLF line ends: text as MIME carries it, and quoted-printable decodes to."""
    return text.replace("\n", "\r\n").encode()


def _slot_names(plan: _Plan) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in plan if isinstance(p, str)))


def _escape(value: str) -> str:
    # The same escaping as Draft.fill_html; the tests hold the two together.
    return html.escape(value, quote=True)


# Personal values repeat across an audience (first names, tiers, balances):
# each is encoded once while it stays among the recent few thousand.
_qp_text = lru_cache(maxsize=4096)(quoted_printable)
_raw_text = lru_cache(maxsize=4096)(canonical)


@lru_cache(maxsize=4096)
def _qp_html(value: str) -> bytes:
    return quoted_printable(_escape(value))


def _raw_link(value: str) -> bytes:
    return canonical(_escape(value))


_raw_html = lru_cache(maxsize=4096)(_raw_link)
