"""The wire encodings a message needs, written for speed and for safety.

Bodies are UTF-8, quoted-printable or base64 (RFC 2045). Every encoded run
starts at the beginning of a line and ends at the end of one, so runs encoded
separately — the fixed text of a campaign once, each person's values per
message — can be concatenated into a valid body. A quoted-printable run ends
with a soft line break unless the text itself ended with a line break. A
base64 run holds whole 3-byte groups (only the body's last run may be
padded); its last line may be shorter than 76 characters, which RFC 2045
allows: a decoder ignores line breaks.

Header text that is not plain ASCII words becomes RFC 2047 encoded words
(base64 of UTF-8), so no value, whatever characters it holds, can put a line
break into the header block.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache

_SOFT_BREAK = b"=\r\n"
_MAX_LINE = 76  # characters per encoded body line, the '=' of a soft break included


def quoted_printable(text: str) -> bytes:
    """One run of quoted-printable; each line break in the text a real (CRLF) one.

    A stray CR is encoded (=0D), trailing blanks before a line break too
    (=20), so no relay can strip them. Decoded, the run is the text with CRLF
    line ends — the canonical form of text in MIME.
    """
    if "\n" not in text:  # most personal values: one C call
        return _line(text)
    lines = text.split("\n")
    last = lines.pop()
    out = [_line(line)[: -len(_SOFT_BREAK)] + b"\r\n" if line else b"\r\n" for line in lines]
    out.append(_line(last))
    return b"".join(out)


def _line(text: str) -> bytes:
    """A line (no LF in it) ending in a soft line break; nothing for nothing."""
    if not text:
        return b""
    return _end_softly(binascii.b2a_qp(text.encode(), istext=False).replace(b"\n", b"\r\n"))


def _end_softly(encoded: bytes) -> bytes:
    start = encoded.rfind(b"\n") + 1
    if len(encoded) - start < _MAX_LINE:
        return encoded + _SOFT_BREAK
    # The last line is full: break it once more, never inside an =XX escape.
    cut = len(encoded) - 1
    if encoded[cut - 1 : cut] == b"=":
        cut -= 1
    elif encoded[cut - 2 : cut - 1] == b"=":
        cut -= 2
    return encoded[:cut] + _SOFT_BREAK + encoded[cut:] + _SOFT_BREAK


def base64_lines(data: bytes) -> bytes:
    """One run of base64 in lines of 76 characters (the last one shorter), each ending CRLF.

    Nothing for nothing: an empty line in base64 is a defect spam filters count.
    """
    encoded = binascii.b2a_base64(data, newline=False)
    if not encoded:
        return b""
    if len(encoded) <= _MAX_LINE:  # a person's value: one line
        return encoded + b"\r\n"
    return b"".join(
        [
            encoded[start : start + _MAX_LINE] + b"\r\n"
            for start in range(0, len(encoded), _MAX_LINE)
        ]
    )


def base64_size(octets: int) -> int:
    """How long `base64_lines` makes `octets` bytes, line ends included."""
    characters = -(-octets // 3) * 4
    return characters + -(-characters // _MAX_LINE) * 2


# -- headers ------------------------------------------------------------------

# Characters that may not appear in a header at all: line breaks and other
# controls (C0, DEL, C1) and the Unicode line and paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Plain printable ASCII words, single spaces between them, nothing that looks
# like an encoded word: safe to write as is.
_PLAIN_WORDS = re.compile(r"(?!.*=\?)[!-~]{1,70}(?: [!-~]{1,70})*", re.ASCII)
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ATOMS = re.compile(rf"(?!.*=\?){_ATEXT}(?: {_ATEXT})*")
_WORD_BYTES = 42  # 56 base64 characters: a line with a header name stays within 78


def one_line(text: str) -> str:
    """A name for a header: controls become spaces, runs of blanks one space."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def encoded_words(text: str) -> bytes:
    """RFC 2047 B-encoded words, folded one per line; never splits a character."""
    data = text.encode()
    words = []
    start = 0
    while start < len(data):
        end = min(start + _WORD_BYTES, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a UTF-8 sequence
            end -= 1
        words.append(b"=?utf-8?b?" + base64.b64encode(data[start:end]) + b"?=")
        start = end
    return b"\r\n ".join(words)


@lru_cache(maxsize=4096)  # subjects and names repeat across an audience
def unstructured(text: str) -> bytes:
    """A Subject: printable ASCII folded at spaces, anything else as encoded words."""
    if not text:
        return b""
    if not _PLAIN_WORDS.fullmatch(text):
        return encoded_words(text)
    if len(text) <= 68:
        return text.encode()
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > 68:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\r\n ".join(lines).encode()


@lru_cache(maxsize=4096)
@lru_cache(maxsize=4096)  # an audience repeats its names: Анна, Мария, Сергей...
def phrase(text: str) -> bytes:
    """A display name: atoms as they are, anything else as encoded words."""
    if _ATOMS.fullmatch(text) and len(text) <= 60:
        return text.encode()
    return encoded_words(text)


def name_and_address(name: bytes, address: bytes) -> bytes:
    """`name <address>`, folded before the address when the line would run long."""
    last_line = len(name) - name.rfind(b"\n") - 1
    gap = b" " if last_line + len(address) + 3 <= 66 else b"\r\n "
    return name + gap + b"<" + address + b">"
