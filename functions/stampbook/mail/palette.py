"""The colours and type of the built-in emails, shared by templates and Markdown.

The owner's `brand` (program.yaml) gives the accent, the text and the
background; the rest are quiet tones that suit any of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..programme.business import Brand

FONT = "Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Palette:
    text: str = "#2b2118"
    accent: str = "#a4502a"  # copper; white on it passes WCAG AA for button labels
    muted: str = "#6f6158"
    line: str = "#e3d5c8"
    paper: str = "#ffffff"
    backdrop: str = "#f4eee8"
    font: str = FONT

    @classmethod
    def of(cls, brand: Brand) -> Palette:
        return cls(text=brand.text, accent=brand.accent, backdrop=brand.background)

    def colours(self) -> dict[str, str]:
        return asdict(self)

    def styles(self) -> dict[str, str]:
        """Inline styles of the HTML inside mj-text, written by templates and by
        the owner's Markdown alike."""
        return {
            "p": "margin:0 0 12px 0;",
            "h1": "font-size:26px;line-height:1.25;margin:0 0 12px 0;font-weight:bold;",
            "h2": "font-size:22px;line-height:1.3;margin:0 0 12px 0;font-weight:bold;",
            "h3": "font-size:18px;line-height:1.3;margin:0 0 10px 0;font-weight:bold;",
            "a": f"color:{self.accent};text-decoration:underline;",
            "quiet_a": f"color:{self.muted};text-decoration:underline;",
        }


DEFAULT = Palette()
