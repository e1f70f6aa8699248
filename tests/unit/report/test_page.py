"""The report page without a browser: its language, its words, and charts a person can read."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from stampbook.report.as_json import report_json
from stampbook.report.html import report_html
from stampbook.report.section import Names
from stampbook.report.svg import nice_ticks
from stampbook.report.words import report_words

from .test_figures import REPORT

SVG = "{http://www.w3.org/2000/svg}"


def _charts(page: str) -> dict[str, ET.Element]:
    found = {}
    for svg in re.findall(r"<svg .*?</svg>", page, re.DOTALL):
        chart = ET.fromstring(svg)  # well-formed, or this fails
        found[chart.attrib["id"]] = chart
    return found


def _texts(chart: ET.Element, css: str) -> list[str]:
    return [
        "".join(text.itertext())
        for text in chart.iter(f"{SVG}text")
        if css in text.attrib.get("class", "").split()
    ]


@pytest.mark.parametrize("language", ["ru", "en", "bg", "hy"])
def test_the_page_is_in_the_owners_language_without_raw_ids(language: str) -> None:
    words = report_words(language, "RUB")
    page = report_html(REPORT, words, Names("Медная турка", {"spring": "Весна"}))
    assert f'<html lang="{language}">' in page
    assert words("charts.revenue.title") in page
    for raw in ("did_not_fit", "pushy_sale", "1-5-5", "confirmed"):
        assert raw not in page.replace(words("consent.confirmed"), "")
    assert "Весна" in page  # the newsletter by its subject, not its slug


def test_every_chart_has_axes_ticks_a_legend_and_a_takeaway() -> None:
    words = report_words("ru", "RUB")
    charts = _charts(report_html(REPORT, words))
    assert set(charts) == {
        "chart-revenue",
        "chart-repeat-rate",
        "chart-pareto",
        "chart-points",
        "chart-reasons",
    }
    for name, chart in charts.items():
        assert len(_texts(chart, "axis-title")) >= 2, name
        assert len(_texts(chart, "tick")) >= 4, name
        assert _texts(chart, "legend-text"), name
        takeaway = chart.find(f"{SVG}desc")
        assert takeaway is not None, name
        assert takeaway.text, name
    assert "Выручка, ₽" in _texts(charts["chart-revenue"], "axis-title")
    # The points chart reads in money on the right: 0.4 a point.
    assert "Долг, ₽" in _texts(charts["chart-points"], "axis-title")


def test_every_month_of_the_period_is_drawn_even_without_sales() -> None:
    words = report_words("ru", "RUB")
    revenue = _charts(report_html(REPORT, words))["chart-revenue"]
    months = _texts(revenue, "tick")
    # January to June 2026: February, April, May, June had no sales but are shown.
    for month in ("янв.", "февр.", "март", "апр.", "май", "июнь"):
        assert month in months
    assert [m.month for m in REPORT.months] == [f"2026-0{n}" for n in range(1, 7)]


def test_the_pareto_curve_labels_its_80_percent_point() -> None:
    pareto = _charts(report_html(REPORT, report_words("en", "RUB")))["chart-pareto"]
    [label] = _texts(pareto, "mark-label")
    # a brings 60 %, a and b 90.05 %: 80 % of the revenue comes from the best 40 %.
    assert label == "80 % of the revenue: the best 40%"


def test_the_page_prints_on_a4_and_stacks_on_a_phone() -> None:
    page = report_html(REPORT, report_words("en", "RUB"))
    assert "@page { size: A4" in page
    assert "break-before: page" in page
    assert 'class="stack"' in page
    assert "data-label=" in page


def test_small_samples_are_said_to_be_small() -> None:
    page = report_html(REPORT, report_words("en", "RUB"))
    # Five buyers, two of them repeat buyers: every such figure carries the warning.
    assert "Rests on 5 customers only" in page
    assert "Rests on 2 customers only" in page


def test_the_json_keeps_its_fields_and_adds_months_and_cohorts() -> None:
    figures = json.loads(report_json(REPORT))
    assert list(figures)[:10] == [
        "period",
        "currency",
        "customers",
        "pareto",
        "drift_factor",
        "drifting",
        "leaving",
        "cost",
        "activity",
        "newsletters",
    ]
    assert figures["drifting"][0]["rfm"] == "1-5-5"
    assert figures["months"][0]["repeat_revenue"] == "400"
    assert figures["cost"]["free_shipping_orders"] == 3


@pytest.mark.parametrize(
    ("high", "whole", "ticks"),
    [
        (Decimal(11100), False, [0, 2500, 5000, 7500, 10000, 12500]),
        (Decimal(3), True, [0, 1, 2, 3]),
        (Decimal("0.3"), False, [0, Decimal("0.1"), Decimal("0.2"), Decimal("0.3")]),
        (Decimal(0), True, [0, 1]),
    ],
)
def test_axis_ticks_are_round_numbers(high: Decimal, whole: bool, ticks: list[Decimal]) -> None:
    assert nice_ticks(high, whole) == ticks
