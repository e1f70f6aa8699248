"""A newsletter issue written long in Russian: an article pasted whole into the email."""

from __future__ import annotations

import json
from pathlib import Path

LONG_ISSUE = "2027-02-long-read"
_PARAGRAPH = (
    "Мы обжариваем зерно небольшими партиями каждую неделю и рассказываем, откуда оно приехало. "
    * 6
)


def write_long_issue(campaigns: Path, paragraphs: int = 100) -> Path:
    """`newsletters/2027-02-long-read.yaml`: a short English text, `paragraphs` Russian ones.

    100 paragraphs (56 000 letters) make about 155 KB of HTML as SES gets it.
    """
    russian = "\n\n".join([_PARAGRAPH.strip()] * paragraphs)
    block = "\n".join(f"        {line}" if line else "" for line in russian.split("\n"))
    text = (
        f"slug: {LONG_ISSUE}\n"
        "subject:\n"
        '  ru: "{{ name }}, история нашей обжарки"\n'
        '  en: "{{ name }}, the story of our roasting"\n'
        "preheader: { ru: Длинное письмо, en: A long letter }\n"
        "send_at: 2027-02-01 12:00+03:00\n"
        "blocks:\n"
        "  - type: button\n"
        "    label: { ru: На сайт, en: Our site }\n"
        "    url: https://mednaya-turka.example/\n"
        "  - type: text\n"
        "    markdown:\n"
        f"      en: {json.dumps('We roast in small batches every week.')}\n"
        "      ru: |\n"
        f"{block}\n"
    )
    path = campaigns / "newsletters" / f"{LONG_ISSUE}.yaml"
    path.write_text(text, encoding="utf-8")
    return path
