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

from .palette import DEFAULT, Palette


def _styles(palette: Palette) -> dict[str, str]:
    styles = palette.styles()
    return {
        "paragraph_open": styles["p"],
        "heading_open:h1": styles["h1"],
        "heading_open:h2": styles["h2"],
        "heading_open": styles["h3"],
        "bullet_list_open": "margin:0 0 12px 0;padding-left:24px;",
        "ordered_list_open": "margin:0 0 12px 0;padding-left:24px;",
        "list_item_open": "margin:0 0 4px 0;",
        "blockquote_open": (
            "margin:0 0 12px 0;padding-left:12px;"
            f"border-left:3px solid {palette.line};color:{palette.muted};"
        ),
        "hr": f"border:none;border-top:1px solid {palette.line};margin:16px 0;",
        "fence": "white-space:pre-wrap;font-family:monospace;margin:0 0 12px 0;",
        "code_block": "white-space:pre-wrap;font-family:monospace;margin:0 0 12px 0;",
        "link_open": styles["a"],
        "image": "max-width:100%;height:auto;",
    }


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


@cache
def _parser(palette: Palette) -> MarkdownIt:
    styled = _styles(palette)

    def inline_styles(state: StateCore) -> None:
        for token in state.tokens:
            for each in (token, *(token.children or ())):
                style = styled.get(f"{each.type}:{each.tag}") or styled.get(each.type)
                if style:
                    each.attrSet("style", style)

    parser = MarkdownIt("commonmark", {"html": False})
    parser.core.ruler.push("email_styles", inline_styles)
    return parser


def markdown_to_html(text: str, palette: Palette = DEFAULT) -> str:
    html: str = _parser(palette).render(text)
    return html.strip()


def escape_markdown(value: str) -> str:
    """A value placed into the owner's Markdown: shown as written, on one line."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(value.split()))
