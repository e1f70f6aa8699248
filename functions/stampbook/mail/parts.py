"""The text and HTML parts of a message: 8bit where the transport takes it, else the smaller
of quoted-printable and base64.

Quoted-printable writes an ASCII character as itself but any other byte as
three characters: a Cyrillic or Armenian letter (two bytes of UTF-8) costs
six, every `=` of the HTML's attributes three (`=3D`). Base64 costs
four characters for every three bytes, whatever they are. So English HTML is
smaller quoted-printable, and a Russian newsletter's text — or its HTML when
the words outweigh the markup — is smaller in base64 (a 47.6 KB Russian
bulletin: 114 KB of quoted-printable, 65 KB of base64). Each part takes the
smaller for its fixed text, which a person's few values do not change.

8bit is smaller still: UTF-8 as it is, lines folded to at most 998 octets
(`folding.py`). But only where the transport takes it (`accepts_8bit`): an
SMTP server that announced 8BITMIME, and the outbox; not SES, which asks
that content outside 7-bit ASCII be encoded, nor an SMTP server that did
not announce it. So a draft is prepared for the transport's answer
(`text_part(pieces, eight_bit=...)`), and an 8bit part is never made of
text with a NUL in it or with a line that cannot be folded. A person's
values may lengthen a line past the room folding left them (a long list of
certificates, a link): for that message the part goes in its 7-bit encoding
instead, prepared on first need. The Russian example issue: 1.53 times its
HTML in 7-bit parts, 1.2 in 8bit.

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
from functools import cached_property, lru_cache

from .draft import LINK_SLOTS, MissingSlot, Pieces, Slot
from .encoding import base64_lines, base64_size, quoted_printable
from .folding import SLOT, fold


class TransferEncoding(StrEnum):
    QUOTED_PRINTABLE = "quoted-printable"
    BASE64 = "base64"
    EIGHT_BIT = "8bit"


class LongLine(Exception):
    """A person's value would make a line of an 8bit part longer than 998 octets."""


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

    def body(
        self, values: Mapping[str, str], ready: Mapping[str, bytes]
    ) -> tuple[TransferEncoding, list[bytes]]:
        return self.encoding, self.fill(values, ready)


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

    def body(
        self, values: Mapping[str, str], ready: Mapping[str, bytes]
    ) -> tuple[TransferEncoding, list[bytes]]:
        return self.encoding, self.fill(values, ready)

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


SevenBitPart = QuotedPrintablePart | Base64Part


class EightBitPart:
    """A part as its UTF-8 bytes, folded; a person's values go in as they are.

    A value longer than the room its line has sends that person's part in
    its 7-bit encoding: `body` says which encoding it took.
    """

    encoding = TransferEncoding.EIGHT_BIT

    def __init__(
        self,
        runs: list[bytes],
        room: list[int],
        names: tuple[str, ...],
        encoders: _Encoders,
        seven_bit: Callable[[], SevenBitPart],
    ) -> None:
        self._plan: _Plan = [runs[0]] if runs[0] else []
        self._room: dict[str, int] = {}
        for name, space, run in zip(names, room, runs[1:], strict=True):
            self._plan.append(name)
            self._room[name] = min(space, self._room.get(name, space))
            if run:
                self._plan.append(run)
        value, link = encoders
        self._encoders = {name: link if name in LINK_SLOTS else value for name in self._room}
        self._seven_bit = seven_bit

    @cached_property
    def seven_bit(self) -> SevenBitPart:
        """The same part in the smaller 7-bit encoding, made on first need."""
        return self._seven_bit()

    def fill(self, values: Mapping[str, str], ready: Mapping[str, bytes]) -> list[bytes]:
        """The 8bit body for one person; `LongLine` if a value outgrows its line."""
        try:
            encoded = {name: encode(values[name]) for name, encode in self._encoders.items()}
        except KeyError as missing:
            raise MissingSlot(missing.args[0]) from None
        room = self._room
        for name, value in encoded.items():
            if len(value) > room[name]:
                raise LongLine(name)
        return [encoded[p] if isinstance(p, str) else p for p in self._plan]

    def body(
        self, values: Mapping[str, str], ready: Mapping[str, bytes]
    ) -> tuple[TransferEncoding, list[bytes]]:
        try:
            return self.encoding, self.fill(values, ready)
        except LongLine:
            return self.seven_bit.body(values, ready)


Part = QuotedPrintablePart | Base64Part | EightBitPart


def text_part(pieces: Pieces, eight_bit: bool = False) -> Part:
    """The plain-text part: values as they are; 8bit if allowed and it can be."""
    return _chosen(pieces, eight_bit, False, (_qp_text, _raw_text, canonical), _8BIT_TEXT)


def html_part(pieces: Pieces, eight_bit: bool = False) -> Part:
    """The HTML part: values escaped as `Draft.fill_html` escapes them."""
    return _chosen(pieces, eight_bit, True, (_qp_html, _raw_html, _raw_link), _8BIT_HTML)


_Encoders = tuple[Callable[[str], bytes], Callable[[str], bytes]]  # for values, for links


def _chosen(
    pieces: Pieces,
    eight_bit: bool,
    is_html: bool,
    seven_bit: tuple[Callable[[str], bytes], Callable[[str], bytes], Callable[[str], bytes]],
    unbroken: _Encoders,
) -> Part:
    def smaller() -> SevenBitPart:
        return _smaller(pieces, *seven_bit)

    if eight_bit:
        part = _eight_bit(pieces, is_html, unbroken, smaller)
        if part is not None:
            return part
    return smaller()


def _eight_bit(
    pieces: Pieces,
    is_html: bool,
    encoders: _Encoders,
    seven_bit: Callable[[], SevenBitPart],
) -> EightBitPart | None:
    """The part in 8bit, or None: a NUL (8bit may not carry one) or a line that will not fold."""
    mark = SLOT.decode()  # a NUL: the text has none, or it is not 8bit
    if any(isinstance(piece, str) and mark in piece for piece in pieces):
        return None
    marked = "".join(piece if isinstance(piece, str) else mark for piece in pieces)
    folded = fold(_line_ends(marked).encode(), is_html)
    if folded is None:
        return None
    names = tuple(piece.name for piece in pieces if isinstance(piece, Slot))
    return EightBitPart(folded.runs, folded.room, names, encoders, seven_bit)


def _smaller(
    pieces: Pieces,
    qp_value: Callable[[str], bytes],
    raw_value: Callable[[str], bytes],
    raw_link: Callable[[str], bytes],
) -> SevenBitPart:
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


def _line_ends(text: str) -> str:
    """Every CR, LF or CRLF one LF: 8bit may carry CR and LF only as a pair."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _unbroken(value: str) -> bytes:
    """A value for an 8bit part: CRLF line ends, and no NUL (no name needs one)."""
    return _line_ends(value).replace("\0", "").replace("\n", "\r\n").encode()


def _unbroken_link(value: str) -> bytes:
    return _unbroken(_escape(value))


_unbroken_text = lru_cache(maxsize=4096)(_unbroken)
_unbroken_html = lru_cache(maxsize=4096)(_unbroken_link)
_8BIT_TEXT: _Encoders = (_unbroken_text, _unbroken)
_8BIT_HTML: _Encoders = (_unbroken_html, _unbroken_link)
