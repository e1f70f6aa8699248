"""The plain-text part of an email, read from the same MJML as the HTML.

Not a tag strip: the MJML says what each piece is, so the text can say it
too. Paragraphs and headings stand apart, list items get a dash or a
number, a link becomes `text (url)`, a button `label: url`, an image its alt
text, a divider a rule, a table row `label: value`. `mj-title` is the
subject and `mj-preview` the preheader. Anything marked
`css-class="no-text"` (a logo, a spacer) is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_SPACES = re.compile(r"[ \t\r\n\f]+")  # not \s: a no-break space in "1 250" must stay
_BLANK_LINES = re.compile(r"\n{3,}")
# The subject and preheader elements; their content is escaped text, so the
# first closing tag ends them.
_HEAD_TEXT = re.compile(r"<(mj-title|mj-preview)\b[^>]*>.*?</\1\s*>", re.DOTALL)
_BLOCKS = frozenset(
    {
        "mj-section",
        "mj-wrapper",
        "mj-column",
        "mj-group",
        "mj-hero",
        "mj-text",
        "mj-table",
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "ul",
        "ol",
    }
)
_LINES = frozenset({"tr", "br"})
_SKIPPED = frozenset({"mj-head", "mj-raw", "mj-style", "style", "script", "mj-attributes"})
_CAPTURED = frozenset({"mj-button", "a"})
_HEAD_TEXTS = frozenset({"mj-title", "mj-preview"})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source", "area"})
RULE = "-" * 40


@dataclass(frozen=True)
class EmailText:
    subject: str
    preheader: str
    body: str


def mjml_to_text(mjml: str) -> EmailText:
    reader = _MjmlReader()
    reader.feed(mjml)
    reader.close()
    return EmailText(reader.title, reader.preview, reader.body())


def mjml_subject_and_preheader(mjml: str) -> EmailText:
    """Only the subject and preheader, read as `mjml_to_text` reads them; no body.

    A web version needs no plain-text part, and parsing the two head elements
    alone costs a fraction of parsing the whole email.
    """
    heads = mjml_to_text("".join(found.group(0) for found in _HEAD_TEXT.finditer(mjml)))
    return EmailText(heads.subject, heads.preheader, "")


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class _MjmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.title = ""
        self.preview = ""
        self._skipping = 0
        self._skipped_around_head_text = 0
        self._captures: list[tuple[str, int, dict[str, str]]] = []
        self._lists: list[list[int]] = []  # per open list: [next number], or [] for bullets
        self._line_start = True
        self._newlines = 2  # as if after a paragraph: nothing to separate from yet
        self._after_bullet = False

    # -- writing

    def _write(self, text: str, *, keep_indent: bool = False) -> None:
        if self._line_start and not keep_indent:
            text = text.lstrip(" ")
        if not text:
            return
        self.out.append(text)
        self._line_start = text.endswith("\n")
        self._newlines = len(text) - len(text.rstrip("\n"))
        self._after_bullet = False

    def _break(self, blank: bool) -> None:
        """End the line (or, with `blank`, the paragraph), unless it already is."""
        if self._after_bullet:
            return  # a paragraph inside a list item stays on the bullet's line
        wanted = 2 if blank else 1
        if self._newlines < wanted:
            self.out.append("\n" * (wanted - self._newlines))
            self._newlines = wanted
        self._line_start = True

    def _cut(self, start: int) -> str:
        text = "".join(self.out[start:])
        del self.out[start:]
        tail = "".join(self.out[-2:])
        self._newlines = min(2, len(tail) - len(tail.rstrip("\n"))) if self.out else 2
        self._line_start = not self.out or tail.endswith(("\n", " "))
        return text

    def body(self) -> str:
        lines = (line.rstrip() for line in "".join(self.out).split("\n"))
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"

    # -- parsing

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in _HEAD_TEXTS:
            # Read inside mj-head, which is otherwise skipped.
            self._captures.append((tag, len(self.out), attributes))
            self._skipped_around_head_text, self._skipping = self._skipping, 0
            return
        hidden = "no-text" in attributes.get("css-class", "").split()
        if self._skipping or tag in _SKIPPED or hidden:
            self._skipping += tag not in _VOID
            return
        if tag in _CAPTURED:
            self._captures.append((tag, len(self.out), attributes))
        if tag in ("ul", "ol"):
            self._break(blank=not self._lists)
            self._lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._list_item()
        elif tag in _BLOCKS:
            self._break(blank=True)
        elif tag in _LINES:
            self._break(blank=False)
        elif tag == "td" and self.out and not self._line_start:
            self._write(": ")
        elif tag == "img":
            self._write(attributes.get("alt", ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self._skipping or "no-text" in attributes.get("css-class", "").split():
            return
        if tag == "mj-image":
            self._image(attributes)
        elif tag == "mj-divider" or tag == "hr":
            self._break(blank=True)
            self._write(RULE)
            self._break(blank=True)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            self._skipping -= 1
            return
        if self._captures and self._captures[-1][0] == tag:
            _, start, attributes = self._captures.pop()
            text = self._cut(start)
            if tag == "mj-title":
                self.title = _one_line(text)
            elif tag == "mj-preview":
                self.preview = _one_line(text)
            elif tag == "mj-button":
                self._button(text, attributes.get("href", ""))
            else:
                self._link(text, attributes.get("href", ""))
            if tag in _HEAD_TEXTS:
                self._skipping = self._skipped_around_head_text
            return
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
            self._break(blank=not self._lists)
        elif tag in _BLOCKS:
            self._break(blank=True)

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self._write(_SPACES.sub(" ", data))

    # -- the pieces with a form of their own

    def _list_item(self) -> None:
        self._break(blank=False)
        depth = len(self._lists)
        numbering = self._lists[-1] if self._lists else []
        if numbering:
            bullet = f"{numbering[0]}. "
            numbering[0] += 1
        else:
            bullet = "- "
        self._write("  " * max(depth - 1, 0) + bullet, keep_indent=True)
        self._after_bullet = True

    def _link(self, label_html: str, href: str) -> None:
        label = _one_line(label_html)
        shown = href.removeprefix("mailto:")
        if not label:
            self._write(shown)
        elif not href or label == shown:
            self._write(label)
        else:
            self._write(f"{label} ({shown})")

    def _button(self, label_html: str, href: str) -> None:
        self._break(blank=True)
        label = _one_line(label_html)
        self._write(f"{label}: {href}" if href else label)
        self._break(blank=True)

    def _image(self, attributes: dict[str, str]) -> None:
        alt, href = attributes.get("alt", "").strip(), attributes.get("href", "")
        if not alt and not href:
            return
        self._break(blank=True)
        self._write(f"[{alt}] ({href})" if alt and href else f"[{alt}]" if alt else href)
        self._break(blank=True)
