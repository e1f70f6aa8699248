"""The report as one self-contained HTML page: inline CSS and SVG charts, no requests.

It reads on a phone (tables stack into cards below 40rem) and prints on A4,
each section on its own page.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from html import escape

from .build import Report
from .charts import (
    Chart,
    pareto_chart,
    points_chart,
    reasons_chart,
    repeat_rate_chart,
    revenue_chart,
)
from .layout import (
    activity_table,
    answers_table,
    at_a_glance,
    cost_table,
    customers_table,
    drifting_table,
    leaving_table,
    newsletters_table,
    pareto_table,
    period_words,
    title,
)
from .lift_layout import lift_chart, lift_months_table, lift_table
from .numbers import FEW
from .section import Names, Section
from .words import ReportWords

COHORT_ROWS = 12  # the latest cohorts shown; JSON has them all
COHORT_MONTHS = 12  # months after the first purchase shown

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 0 auto; max-width: 64rem; padding: 1rem; color: #222; }
h1 { font-size: 1.5rem; margin: .3rem 0; } h2 { font-size: 1.2rem; margin: 0 0 .3rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
section { border-top: 1px solid #ddd; padding: 1rem 0; }
.period { color: #555; margin: 0 0 .5rem; }
.takeaway { font-weight: 600; margin: .2rem 0 .6rem; }
.lead, .after, .legend-note { color: #444; margin: .3rem 0; }
.few { color: #8a4b00; font-size: .85em; display: block; }
.remark { color: #555; font-size: .85em; display: block; }
.said { margin: .4rem 0 .8rem; padding-left: 1.2rem; } .said li { margin: .2rem 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(10.5rem, 1fr)); gap: .6rem; }
.tile { border: 1px solid #ddd; border-radius: 6px; padding: .5rem .7rem; }
.tile span { color: #555; font-size: .85rem; display: block; }
.tile b { display: block; font-size: 1.2rem; overflow-wrap: break-word; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; }
.charts > * { flex: 1 1 24rem; margin: 0; min-width: 0; }
svg.chart { width: 100%; max-width: 40rem; height: auto; display: block; }
svg .tick { fill: #444; } svg .axis-title { fill: #222; font-weight: 600; }
svg .legend-text { fill: #222; } svg .mark-label { font-weight: 600; }
table { border-collapse: collapse; margin: .5rem 0 1rem; max-width: 100%; }
td, th { padding: .25rem .6rem; border-bottom: 1px solid #e4e4e4; text-align: left;
         vertical-align: top; overflow-wrap: break-word; }
th { font-weight: 600; vertical-align: bottom; }
figure { margin: 0; }
table.pairs td:first-child { color: #444; }
table.cohorts td { text-align: center; min-width: 2.6rem; white-space: nowrap; }
table.cohorts th { overflow-wrap: normal; text-align: center; }
table.cohorts th[scope=row] { text-align: left; white-space: nowrap; }
table.cohorts td.none { background: none; }
@media (max-width: 40rem) {
  body { padding: .75rem; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; }
  table.stack thead { display: none; }
  table.stack tr { border-bottom: 2px solid #ccc; padding: .35rem 0; }
  table.stack td { display: flex; justify-content: space-between; gap: 1rem; border: 0;
                   padding: .1rem 0; text-align: right; }
  table.stack td::before { content: attr(data-label); text-align: left; color: #555;
                           font-weight: 600; }
  table.cohorts thead { display: none; }
  table.cohorts tr { display: flex; flex-wrap: wrap; gap: 2px; margin-bottom: .6rem; }
  table.cohorts th { flex: 1 0 100%; border: 0; padding: .2rem 0; }
  table.cohorts td { flex: 0 0 3.1rem; padding: .15rem 0; border: 0; font-size: .85rem; }
  table.cohorts td::before { content: attr(data-label); display: block; font-size: .7rem;
                             color: inherit; opacity: .8; }
  table.cohorts td.none { display: none; }
  table.cohorts td.size { flex-basis: 5rem; text-align: left; }
}
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  section { break-before: page; border: 0; padding: 0; }
  section.first { break-before: auto; }
  figure, svg.chart, tr, .tiles { break-inside: avoid; }
  .charts > * { flex-basis: 100%; }
  svg.chart { max-width: 16cm; }
}
"""


def _cell(tag: str, text: str, label: str = "", note: str = "", remark: str = "") -> str:
    labelled = f' data-label="{escape(label)}"' if label else ""
    extra = f'<small class="few">{escape(note)}</small>' if note else ""
    if remark:
        extra += f'<small class="remark">{escape(remark)}</small>'
    return f"<{tag}{labelled}>{escape(text)}{extra}</{tag}>"


def _table(section: Section, heading: str = "h3") -> str:
    """The section's table under its title (none when `heading` is empty)."""
    parts = [f"<{heading}>{escape(section.title)}</{heading}>"] if heading else []
    if section.lead:
        parts.append(f'<p class="lead">{escape(section.lead)}</p>')
    if section.said:
        said = "".join(f"<li>{escape(line)}</li>" for line in section.said)
        parts.append(f'<ul class="said">{said}</ul>')
    if not section.rows:
        if section.empty:
            parts.append(f'<p class="lead">{escape(section.empty)}</p>')
        return "".join(parts)
    css = "stack" if section.show_header else "pairs"
    head = (
        "<thead><tr>" + "".join(_cell("th", c) for c in section.columns) + "</tr></thead>"
        if section.show_header
        else ""
    )
    rows = []
    for n, row in enumerate(section.rows):
        cells = []
        for column, cell in enumerate(row):
            last = column == len(row) - 1
            note = section.notes.get(n, "") if last else ""
            remark = section.remarks.get(n, "") if last else ""
            label = section.columns[column] if section.show_header else ""
            cells.append(_cell("td", cell, label, note, remark))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    parts.append(f'<table class="{css}">{head}<tbody>{"".join(rows)}</tbody></table>')
    if section.after:
        parts.append(f'<p class="after">{escape(section.after)}</p>')
    return "".join(parts)


def _chart(chart: Chart, heading: str = "h3") -> str:
    figure = chart.svg if chart.svg else ""
    return (
        f'<figure class="figure" id="figure-{chart.key}">'
        f"<{heading}>{escape(chart.title)}</{heading}>"
        f'<p class="takeaway">{escape(chart.takeaway)}</p>{figure}</figure>'
    )


def _section(key: str, heading: str, *parts: str, first: bool = False) -> str:
    css = ' class="first"' if first else ""
    return f'<section id="{key}"{css}><h2>{escape(heading)}</h2>{"".join(parts)}</section>'


def _tiles(report: Report, words: ReportWords) -> str:
    return (
        '<div class="tiles">'
        + "".join(
            f'<div class="tile"><span>{escape(label)}</span><b>{escape(value)}</b>'
            + (f"<span>{escape(note)}</span>" if note else "")
            + "</div>"
            for label, value, note in at_a_glance(report, words)
        )
        + "</div>"
    )


def cohort_table(report: Report, words: ReportWords) -> str:
    rows = report.cohorts[-COHORT_ROWS:]
    if not rows:
        return f'<p class="lead">{escape(words("charts.cohorts.none"))}</p>'
    months = min(max(len(row.shares) for row in rows) - 1, COHORT_MONTHS)
    after = [words("charts.cohorts.after_short", months=n) for n in range(1, months + 1)]
    head = (
        f'<thead><tr><th rowspan="2">{escape(words("charts.cohorts.first_month"))}</th>'
        f'<th rowspan="2">{escape(words("charts.cohorts.customers"))}</th>'
        f'<th colspan="{months}">{escape(words("charts.cohorts.after"))}</th></tr><tr>'
        + "".join(f"<th>{n}</th>" for n in range(1, months + 1))
        + "</tr></thead>"
    )
    body = []
    marked = False
    for row in rows:
        mark = ""
        if row.customers < FEW:
            mark, marked = " †", True
        cells = [
            f'<th scope="row">{escape(words.month(row.month))}</th>',
            f'<td class="size" data-label="{escape(words("charts.cohorts.customers"))}">'
            f"{escape(words.number(row.customers) + mark)}</td>",
        ]
        for n in range(1, months + 1):
            if n < len(row.shares):
                share = row.shares[n]
                ink = "#fff" if share > Decimal("0.45") else "#222"
                # Up to a full colour at 60 %: few cohorts keep more than that.
                alpha = min(float(share) / 0.6, 1.0)
                cells.append(
                    f'<td data-label="{escape(after[n - 1])}" style="background:'
                    f'rgba(33,113,181,{alpha:.2f});color:{ink}"'
                    f' title="{escape(words.number(row.returned[n]))}">'
                    f"{escape(words.percent(share))}</td>"
                )
            else:
                cells.append('<td class="none"></td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    notes = [f'<p class="legend-note">{escape(words("charts.cohorts.legend"))}</p>']
    if marked:
        notes.append(
            f'<p class="legend-note few">'
            f"{escape(words('charts.cohorts.few', number=words.number(FEW)))}</p>"
        )
    if len(report.cohorts) > COHORT_ROWS:
        latest = words("charts.cohorts.latest", shown=COHORT_ROWS, total=len(report.cohorts))
        notes.append(f'<p class="after">{escape(latest)}</p>')
    return f'<table class="cohorts">{head}<tbody>{"".join(body)}</tbody></table>{"".join(notes)}'


def _cohorts(report: Report, words: ReportWords) -> str:
    from .cohorts import came_back_next_month

    returned, followed = came_back_next_month(report.cohorts)
    takeaway = (
        words("charts.cohorts.takeaway", share=words.percent(Decimal(returned) / followed))
        if followed
        else words("charts.cohorts.none")
    )
    return (
        f'<figure class="figure" id="figure-cohorts">'
        f"<h3>{escape(words('charts.cohorts.title'))}</h3>"
        f'<p class="takeaway">{escape(takeaway)}</p>{cohort_table(report, words)}</figure>'
    )


def report_html(report: Report, words: ReportWords, names: Names | None = None) -> str:
    names = names or Names()
    heading = title(words, names)
    revenue, repeat = revenue_chart(report, words), repeat_rate_chart(report, words)
    lift = lift_table(report, words, names)
    sections = [
        _section("summary", words("summary.title"), _tiles(report, words), first=True),
        _section(
            "revenue",
            revenue.title,
            f'<p class="takeaway">{escape(revenue.takeaway)}</p>{revenue.svg}',
        ),
        _section(
            "coming-back",
            words("customers.title"),
            f'<div class="charts">{_chart(repeat)}'
            f"<div>{_table(customers_table(report, words), 'h3')}</div></div>",
            _cohorts(report, words),
        ),
        _section(
            "pareto",
            words("pareto.title"),
            _chart(pareto_chart(report, words)),
            _table(pareto_table(report, words), "h3"),
        ),
        _section("drifting", words("drifting.title"), _table(drifting_table(report, words), "")),
        _section(
            "leaving",
            words("leaving.title"),
            _chart(reasons_chart(report, words)),
            _table(leaving_table(report, words), ""),
            _table(answers_table(report, words), "h3"),
        ),
        _section(
            "cost",
            words("cost.title"),
            _chart(points_chart(report, words)),
            _table(cost_table(report, words), ""),
        ),
        _section(
            "activity",
            words("activity.title"),
            _table(activity_table(report, words), ""),
            _table(newsletters_table(report, words, names), "h3"),
        ),
        _section(
            "lift",
            words("lift.title"),
            # What it means first, then the picture and the figures behind it.
            _table(replace(lift, rows=[], empty=""), ""),
            _chart(lift_chart(report, words, names)),
            _table(replace(lift, lead="", said=[]), "") if lift.rows else "",
            _table(lift_months_table(report, words), "h3") if report.lift_months else "",
        ),
    ]
    return (
        f'<!DOCTYPE html><html lang="{escape(words.language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>{escape(heading)}</h1><p class="period">'
        f"{escape(period_words(report, words))}</p></header>{''.join(sections)}</body></html>"
    )
