"""Benchmark: building the website with a thousand archived newsletters.

The example campaigns are copied and given 1 000 public issues sent in the
past (titles and blocks vary a little), then built in both languages the way
`stampbook site build` does without a customer file (by the calendar). Each
locale renders 1 000 web versions (the emails themselves), a page of the
site for each, and ten archive listing pages. Printed, never asserted;
the aim is under 10 s per locale.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from stampbook.sitegen.build import BuiltLocale, build_site
from tests.support.paths import EXAMPLE, SITE_CONFIG

ISSUES = 1_000
FIRST_SEND = datetime(2021, 3, 1, 10, 0)
ORIGINS = (
    ("Эфиопия", "Ethiopia"),
    ("Колумбия", "Colombia"),
    ("Кения", "Kenya"),
    ("Бразилия", "Brazil"),
    ("Гватемала", "Guatemala"),
    ("Руанда", "Rwanda"),
    ("Суматра", "Sumatra"),
)


def issue(n: int) -> dict[str, Any]:
    """Issue `n`: a lot of the week; every few issues a reward, an image or a summary."""
    ru, en = ORIGINS[n % len(ORIGINS)]
    blocks: list[dict[str, Any]] = [
        {
            "type": "text",
            "markdown": {
                "ru": f"## {ru}, выпуск {n}\n\nНовый лот в обжарке: **{ru}**, партия {n}.",
                "en": f"## {en}, issue {n}\n\nA new lot is roasting: **{en}**, batch {n}.",
            },
        },
        {
            "type": "button",
            "label": {"ru": "В магазин", "en": "Shop now"},
            "url": f"https://mednaya-turka.example/shop/lot-{n}",
        },
    ]
    if n % 3 == 0:
        blocks.append(
            {
                "type": "image",
                "src": f"https://mednaya-turka.example/images/lot-{n}.jpg",
                "alt": {"ru": f"Пачка кофе {ru}", "en": f"A bag of {en} coffee"},
            }
        )
    if n % 4 == 0:
        blocks.append({"type": "reward", "reward": "beans-250"})
    if n % 5 == 0:
        blocks.append({"type": "points_summary"})
    return {
        "slug": f"issue-{n:04d}",
        "subject": {"ru": f"{ru}: лот недели №{n}", "en": f"{en}: lot of the week no. {n}"},
        "preheader": {"ru": f"Партия {n} уже в обжарке", "en": f"Batch {n} is roasting now"},
        "audience": "all",
        "send_at": (FIRST_SEND + timedelta(days=n)).strftime("%Y-%m-%d %H:%M"),
        "public": True,
        "blocks": blocks,
    }


def campaigns_with_archive(folder: Path, issues: int) -> Path:
    root = folder / "campaigns"
    shutil.copytree(EXAMPLE, root)
    for n in range(issues):
        text = yaml.safe_dump(issue(n), allow_unicode=True, sort_keys=False)
        (root / "newsletters" / f"issue-{n:04d}.yaml").write_text(text, "utf-8")
    return root


def pages_written(each: BuiltLocale, others: list[BuiltLocale]) -> int:
    """HTML files of this locale, not counting the other locales' sub-folders."""
    nested = [
        other.folder
        for other in others
        if other.folder != each.folder and other.folder.is_relative_to(each.folder)
    ]
    return sum(
        1
        for page in each.folder.rglob("*.html")
        if not any(page.is_relative_to(folder) for folder in nested)
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        campaigns = campaigns_with_archive(Path(folder), ISSUES)
        built = build_site(SITE_CONFIG, campaigns, site_dir=Path(folder) / "site")
        for each in built:
            print(
                f"site build, {ISSUES:,} archived issues, locale {each.locale:<4}"
                f" {each.seconds:6.2f} s (CPU {each.cpu_seconds:5.2f} s)"
                f"   {pages_written(each, built):6,} pages"
            )


if __name__ == "__main__":
    main()
