"""Lines short enough to send as they are: a part's UTF-8 folded to at most 998 octets a line.

RFC 5322 (and RFC 5321 for SMTP) allow at most 998 octets before each CRLF,
and a CR or LF only as a pair. An 8bit part carries its text as it is, so its
lines must keep to that: MJML writes an email's body on a few lines of
several kilobytes.

A line is folded by turning one of its blanks into a line break, never by
adding a blank, so nothing that reads the text collapses it differently:
in plain text any space; in HTML a blank between words of the text or
between a tag's attributes — not inside a quoted value (an `alt` text, a
style's font name), a comment (Outlook's conditional HTML), nor `<pre>`,
`<textarea>`, `<style>` or `<script>`, where a line break is not a blank.

Slots (a person's values) are marked by a NUL in the text folded; the text
itself has none (a part with a NUL is never 8bit). Each counts as `RESERVE`
octets, the room a value is given: a folded line leaves that much per slot
where it can, and says how much each slot has (`Folded.room`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

MAX_LINE = 998  # octets before CRLF (RFC 5322 section 2.1.1, RFC 5321 section 4.5.3.1.6)
SLOT = b"\0"
# Room for one value: a name, a figure, a signed link (about 150 octets).
RESERVE = 200

_BLANKS = re.compile(rb"[ \t]")
_HTML = re.compile(
    rb"""
      (?P<comment><!--.*?-->)
    | (?P<raw><(?P<name>pre|textarea|style|script)\b.*?</(?P=name)\s*>)
    | (?P<tag><[A-Za-z/!?](?:"[^"]*"|'[^']*'|[^'">])*>)
    | (?P<text>[^<]+|<)
    """,
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)
# Inside a tag: quoted values skipped whole, the blanks between them found.
_TAG_BLANKS = re.compile(rb""""[^"]*"|'[^']*'|(?P<blank>[ \t])""")


@dataclass(frozen=True, slots=True)
class Folded:
    runs: list[bytes]  # the text between slots, CRLF line ends
    room: list[int]  # for each slot in turn, the octets its value may take


def fold(marked: bytes, html: bool) -> Folded | None:
    """`marked` (LF line ends, a NUL for each slot) folded; None if a line cannot be."""
    places = _html_places(marked) if html else [m.start() for m in _BLANKS.finditer(marked)]
    slots = [n for n, byte in enumerate(marked) if byte == 0]
    breaks: list[int] = []
    start = 0
    for end in _line_ends(marked):
        folded = _fold_line(start, end, places, slots)
        if folded is None:
            return None
        breaks.extend(folded)
        start = end + 1
    data = bytearray(marked)
    for place in breaks:
        data[place] = 0x0A  # a blank becomes the line break
    text = bytes(data)
    return Folded(text.replace(b"\n", b"\r\n").split(SLOT), _room(text))


def _line_ends(marked: bytes) -> list[int]:
    ends = [m.start() for m in re.finditer(b"\n", marked)]
    return [*ends, len(marked)]


def _fold_line(start: int, end: int, places: list[int], slots: list[int]) -> list[int] | None:
    """Where to break the line `marked[start:end]`: as late as leaves each slot its room."""

    def width(a: int, b: int) -> int:
        among = bisect_left(slots, b) - bisect_left(slots, a)
        return b - a + among * (RESERVE - 1)

    def fixed(a: int, b: int) -> int:
        return b - a - (bisect_left(slots, b) - bisect_left(slots, a))

    breaks: list[int] = []
    here = bisect_left(places, start)
    while width(start, end) > MAX_LINE:
        best = None
        while here < len(places) and places[here] < end and width(start, places[here]) <= MAX_LINE:
            if places[here] > start:
                best = places[here]
            here += 1
        if best is None:
            # No break leaves the slots their room: break as soon as may be,
            # and let those values have what is left.
            if here < len(places) and places[here] < end and fixed(start, places[here]) <= MAX_LINE:
                best = places[here]
                here += 1
            elif fixed(start, end) <= MAX_LINE:
                return breaks
            else:
                return None
        breaks.append(best)
        start = best + 1
    return breaks


def _room(text: bytes) -> list[int]:
    room: list[int] = []
    for line in text.split(b"\n"):
        count = line.count(SLOT)
        if count:
            room.extend([(MAX_LINE - len(line) + count) // count] * count)
    return room


def _html_places(marked: bytes) -> list[int]:
    places: list[int] = []
    for token in _HTML.finditer(marked):
        if token["tag"] is not None:
            base = token.start()
            places.extend(
                base + m.start() for m in _TAG_BLANKS.finditer(token["tag"]) if m["blank"]
            )
        elif token["text"] is not None:
            base = token.start()
            places.extend(base + m.start() for m in _BLANKS.finditer(token["text"]))
    return places
