"""The site in the business's colours: the same `brand` the emails use.

Material's theme reads its colours from CSS variables; a small style sheet
generated from program.yaml sets them, so no theme setting names a colour.
"""

from __future__ import annotations

from ..programme.business import Brand

BRAND_CSS = "assets/stampbook/brand.css"


def brand_css(brand: Brand) -> str:
    accent = brand.accent
    return (
        "/* Generated from program.yaml's `brand`. */\n"
        ":root > * {\n"
        f"  --md-primary-fg-color: {accent};\n"
        f"  --md-primary-fg-color--light: {accent};\n"
        f"  --md-primary-fg-color--dark: {accent};\n"
        "  --md-primary-bg-color: #ffffff;\n"
        f"  --md-accent-fg-color: {accent};\n"
        f"  --md-typeset-a-color: {accent};\n"
        f"  --sb-text: {brand.text};\n"
        f"  --sb-background: {brand.background};\n"
        "}\n"
    )
