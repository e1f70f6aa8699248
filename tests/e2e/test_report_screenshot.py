"""The owner's report page in a real browser: it asks for nothing outside, and looks right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stampbook.report.build import build_report
from stampbook.report.facts import Period
from stampbook.report.html import report_html
from stampbook.report.sqlite_reader import SqliteReport
from tests.support.report_dataset import END, generate

from .conftest import ARTIFACTS, LocalPage


def test_report_page_opens_without_requests(
    open_page: Callable[[int], LocalPage], tmp_path: Path
) -> None:
    generate(tmp_path / "shop.db", customers=300, orders=3000)
    reader = SqliteReport(tmp_path / "shop.db")
    try:
        report = build_report(reader.facts(Period(None, END), "RUB", None), reader.contacts)
    finally:
        reader.close()
    page_file = ARTIFACTS / "report" / "report.html"
    page_file.parent.mkdir(parents=True, exist_ok=True)
    page_file.write_text(report_html(report), encoding="utf-8")
    page = open_page(1280)
    requested: list[str] = []
    page.page.on("request", lambda request: requested.append(request.url))
    page.page.goto(page_file.as_uri())
    page.page.screenshot(path=ARTIFACTS / "screenshots" / "report.png", full_page=True)
    assert requested == [page_file.as_uri()]
    assert page.refused == []
    assert page.page.locator("svg polyline").count() == 1
    assert "Drifting away" in page.page.inner_text("body")
