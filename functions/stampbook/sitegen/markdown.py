"""Small Markdown pieces for generated pages; owner text is escaped where it lands in syntax."""

from __future__ import annotations

import html
from collections.abc import Sequence


def front_matter(*, template: str | None = None) -> str:
    """A page that is not a chapter of a manual: no side navigation, no table of
    contents (`hide:`), and its own theme template where one is named."""
    named = f"template: {template}\n" if template else ""
    return f"---\n{named}hide:\n  - navigation\n  - toc\n---\n\n"


# A customer's page (home, forms): no search box either (theme/customer.html).
CUSTOMER_PAGE = front_matter(template="customer.html")


def heading(level: int, text: str) -> str:
    return f"{'#' * level} {text}"


def cell(text: str) -> str:
    """Text safe inside a table cell: no pipes or line breaks, no raw HTML."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    return "\n".join(lines)
