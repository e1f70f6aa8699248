"""The owner's Markdown as email HTML.

CommonMark with raw HTML turned off: a `<` in the owner's text is shown as a
`<`, never opens a tag, so a text cannot break the layout around it, and
`javascript:` links are refused. Every element gets its style inline, since
mail clients drop style sheets and the two MJML implementations do not
inline CSS the same way.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .palette import LINE, MUTED, STYLES

_STYLES = {
    "paragraph_open": STYLES["p"],
    "heading_open:h1": STYLES["h1"],
    "heading_open:h2": STYLES["h2"],
    "heading_open": STYLES["h3"],
    "bullet_list_open": "margin:0 0 12px 0;padding-left:24px;",
    "ordered_list_open": "margin:0 0 12px 0;padding-left:24px;",
    "list_item_open": "margin:0 0 4px 0;",
    "blockquote_open": (
        f"margin:0 0 12px 0;padding-left:12px;border-left:3px solid {LINE};color:{MUTED};"
    ),
    "hr": f"border:none;border-top:1px solid {LINE};margin:16px 0;",
    "fence": "white-space:pre-wrap;font-family:monospace;margin:0 0 12px 0;",
    "code_block": "white-space:pre-wrap;font-family:monospace;margin:0 0 12px 0;",
    "link_open": STYLES["a"],
    "image": "max-width:100%;height:auto;",
}

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def _inline_styles(state: StateCore) -> None:
    for token in state.tokens:
        for each in (token, *(token.children or ())):
            style = _STYLES.get(f"{each.type}:{each.tag}") or _STYLES.get(each.type)
            if style:
                each.attrSet("style", style)


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False})
    parser.core.ruler.push("email_styles", _inline_styles)
    return parser


def markdown_to_html(text: str) -> str:
    html: str = _parser().render(text)
    return html.strip()


def escape_markdown(value: str) -> str:
    """A value placed into the owner's Markdown: shown as written, on one line."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(value.split()))
