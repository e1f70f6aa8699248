"""The owner's report page in a real browser: it asks for nothing outside, and reads right.

The demo's customer file (its own example imports, a redemption, a refund
and questionnaire answers) is reported in Russian, as `make demo` does,
and looked at 1280 and 375 pixels wide: every chart has its axes, ticks
and legend, money is written the Russian way, no raw id shows, and no
table runs past the screen. Screenshots are kept under build/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stampbook.records.feedback import FeedbackReason, SiteFeedback
from stampbook.report.build import build_report
from stampbook.report.facts import Period
from stampbook.report.html import report_html
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.report.words import report_words
from stampbook.store.sqlite import SqliteStore
from tests.support.demo_commands import stampbook
from tests.support.report_dataset import END, generate

from .conftest import ARTIFACTS, LocalPage

REPOSITORY = Path(__file__).resolve().parents[2]
CAMPAIGNS = REPOSITORY / "campaigns"
EXAMPLES = CAMPAIGNS / "import-examples"
# Ids the owner should never have to read: the questionnaire's reasons, RFM scores,
# consent states, action names.
RAW = re.compile(
    r"did_not_fit|pushy_sale|feedback_request|email_delivered|thank_you|\bRFM\b|\b\d-\d-\d\b"
    r"|\bconfirmed\b|\bunsubscribed\b"
)
# `32 970,50 ₽`: groups and the sign apart by a (narrow) no-break space, a decimal comma.
RUSSIAN_MONEY = re.compile(r"\d{1,3}(?:[\u00a0\u202f ]\d{3})*,\d{2}[\u00a0\u202f ]₽")


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's report page, in Russian (the example programme's own language)."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    for step in (
        ["customers", "import", str(EXAMPLES / "customers.csv"), "--confirmed-at", "the sheet"],
        ["purchases", "import", str(EXAMPLES / "purchases.csv")],
        ["daily"],
        ["redeem", "anna.petrova@example.com", "cappuccino"],
        ["refund", "ivan.sidorov@example.com", "C-2044"],
    ):
        stampbook(*step, db=db)
    store = SqliteStore(db)
    for n, (reason, day) in enumerate(
        [(FeedbackReason.DID_NOT_FIT, 10), (FeedbackReason.PUSHY_SALE, 12)]
    ):
        at = datetime(2026, 9, day, 12, tzinfo=UTC)
        store.record_site_feedback(SiteFeedback(f"s{n}", reason, at, "Слишком горький"))
    store.close()
    page = ARTIFACTS / "report" / "demo-report-ru.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    stampbook(
        "report",
        "--point-value",
        "0.5",
        "--locale",
        "ru",
        "--html",
        str(page),
        db=db,
    )
    return page


def _check_page(page: LocalPage, source: Path, width: int) -> str:
    requested: list[str] = []
    page.page.on("request", lambda request: requested.append(request.url))
    page.page.goto(source.as_uri())
    page.page.screenshot(
        path=ARTIFACTS / "screenshots" / f"{source.stem}-{width}.png", full_page=True
    )
    assert requested == [source.as_uri()]
    assert page.refused == []
    assert page.page.get_attribute("html", "lang") == "ru"
    # Nothing sticks out sideways: not the page, not one table.
    assert page.page.evaluate("document.documentElement.scrollWidth") <= width
    too_wide = page.page.evaluate(
        "() => [...document.querySelectorAll('table')]"
        ".map(t => t.getBoundingClientRect()).filter(r => r.right > innerWidth + 0.5).length"
    )
    assert too_wide == 0
    return page.page.inner_text("body")


def _check_charts(page: LocalPage) -> int:
    charts = page.page.locator("svg.chart")
    for n in range(charts.count()):
        chart = charts.nth(n)
        name = chart.get_attribute("id")
        assert chart.locator(".axis.x .axis-title").count() == 1, name
        assert chart.locator(".axis.y.left .axis-title").count() == 1, name
        for axis in (".axis.x", ".axis.y.left"):
            ticks = chart.locator(f"{axis} text.tick").all_text_contents()
            assert len(ticks) >= 2, (name, axis)
            assert all(tick.strip() for tick in ticks), (name, axis)
        legend = chart.locator(".legend .legend-text").all_text_contents()
        assert legend, name
        assert all(text.strip() for text in legend), name
        assert (chart.locator("desc").text_content() or "").strip(), name  # the takeaway
        box = chart.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= page.page.evaluate("innerWidth") + 0.5, name
    return charts.count()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_demo_report_reads_in_russian_on_a_desk_and_a_phone(
    open_page: Callable[[int], LocalPage], demo_report: Path, width: int
) -> None:
    page = open_page(width)
    text = _check_page(page, demo_report, width)
    charts = _check_charts(page)
    assert {page.page.locator("svg.chart").nth(n).get_attribute("id") for n in range(charts)} == {
        "chart-revenue",
        "chart-repeat-rate",
        "chart-pareto",
        "chart-reasons",
        "chart-points",
    }
    assert "32 970,50 ₽" in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert RUSSIAN_MONEY.search(text)
    assert not re.search(r"\d\.\d{1,2}\b", text)  # no 32970.5, no 1148.0
    assert RAW.search(text) is None, RAW.search(text)
    for words in ("Выручка по месяцам", "Пропадают", "не подошёл товар", "навязчиво продавали"):
        assert words in text
    # The 80 % point of the Pareto curve is labelled; a small sample is said to be small.
    mark = page.page.locator("#chart-pareto .mark-80").text_content() or ""
    assert "80 % выручки" in mark.replace("\u00a0", " ")
    assert "слишком мало" in text
    assert page.page.locator("table.cohorts tbody tr").count() >= 2


def test_a_larger_shop_stacks_its_tables_and_cohorts_on_a_phone(
    open_page: Callable[[int], LocalPage], tmp_path: Path
) -> None:
    generate(tmp_path / "shop.db", customers=300, orders=3000)
    reader = SqliteReport(tmp_path / "shop.db")
    try:
        report = build_report(reader.facts(Period(None, END), "RUB", None), reader.contacts)
    finally:
        reader.close()
    source = ARTIFACTS / "report" / "shop-report-ru.html"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(report_html(report, report_words("ru", "RUB")), encoding="utf-8")
    for width in (1280, 375):
        page = open_page(width)
        text = _check_page(page, source, width)
        assert _check_charts(page) == 5
        assert RAW.search(text) is None, RAW.search(text)
        assert page.page.locator("table.cohorts tbody tr").count() == 12  # the latest twelve
