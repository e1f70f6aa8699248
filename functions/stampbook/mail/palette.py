"""The colours and type of the built-in emails, shared by templates and Markdown."""

from __future__ import annotations

TEXT = "#2b2118"
ACCENT = "#a4502a"  # copper; white on it passes WCAG AA for button labels
MUTED = "#6f6158"
LINE = "#e3d5c8"
PAPER = "#ffffff"
BACKDROP = "#f4eee8"
FONT = "Helvetica, Arial, sans-serif"

PALETTE = {
    "text": TEXT,
    "accent": ACCENT,
    "muted": MUTED,
    "line": LINE,
    "paper": PAPER,
    "backdrop": BACKDROP,
    "font": FONT,
}

# Inline styles of the HTML inside mj-text, written by templates and by the
# owner's Markdown alike.
STYLES = {
    "p": "margin:0 0 12px 0;",
    "h1": "font-size:26px;line-height:1.25;margin:0 0 12px 0;font-weight:bold;",
    "h2": "font-size:22px;line-height:1.3;margin:0 0 12px 0;font-weight:bold;",
    "h3": "font-size:18px;line-height:1.3;margin:0 0 10px 0;font-weight:bold;",
    "a": f"color:{ACCENT};text-decoration:underline;",
    "quiet_a": f"color:{MUTED};text-decoration:underline;",
}
