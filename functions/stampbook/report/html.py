"""The report as one self-contained HTML page: inline CSS and SVG charts, no requests."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from .build import Report
from .layout import Section, period_words, sections

WIDTH, HEIGHT, PAD = 420, 260, 36

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 62rem;
       padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; display: block; overflow-x: auto; }
td, th { padding: .2rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
svg { max-width: 100%; height: auto; } .charts { display: flex; flex-wrap: wrap; gap: 2rem; }
"""


def _table(section: Section) -> str:
    head = (
        "<tr>" + "".join(f"<th>{escape(c)}</th>" for c in section.columns) + "</tr>"
        if section.show_header
        else ""
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
        for row in section.rows
    )
    return f"<h2>{escape(section.title)}</h2><table>{head}{body}</table>"


def _x(share: Decimal) -> float:
    return PAD + float(share) * (WIDTH - 2 * PAD)  # a drawing position, not money


def _y(share: Decimal) -> float:
    return HEIGHT - PAD - float(share) * (HEIGHT - 2 * PAD)


def pareto_chart(report: Report) -> str:
    """The share of revenue (up) brought by the best share of customers (across)."""
    points = " ".join(f"{_x(c):.1f},{_y(r):.1f}" for c, r in report.pareto.curve)
    top = _x(Decimal("0.2"))
    return (
        f'<svg role="img" aria-label="Pareto curve" viewBox="0 0 {WIDTH} {HEIGHT}">'
        f'<rect x="{PAD}" y="{PAD}" width="{WIDTH - 2 * PAD}" height="{HEIGHT - 2 * PAD}"'
        ' fill="none" stroke="#bbb"/>'
        f'<line x1="{top:.1f}" y1="{PAD}" x2="{top:.1f}" y2="{HEIGHT - PAD}" stroke="#e08"'
        ' stroke-dasharray="4"/>'
        f'<polyline points="{points}" fill="none" stroke="#06c" stroke-width="2"/>'
        f'<text x="{PAD}" y="{HEIGHT - 10}">customers, best first →</text>'
        f'<text x="{PAD}" y="{PAD - 10}">share of revenue</text></svg>'
    )


def repeat_chart(report: Report) -> str:
    """Revenue per month, the repeat part darker."""
    months = report.activity
    if not months:
        return ""
    most = max((m.revenue for m in months), default=Decimal(0)) or Decimal(1)
    step = (WIDTH - 2 * PAD) / len(months)
    bars = []
    for n, month in enumerate(months):
        x = PAD + n * step
        for value, colour in ((month.revenue, "#9cf"), (month.repeat_revenue, "#06c")):
            h = float(value / most) * (HEIGHT - 2 * PAD)
            bars.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{step * 0.8:.1f}"'
                f' height="{h:.1f}" fill="{colour}"><title>{escape(month.month)}: {value}'
                "</title></rect>"
            )
    return (
        f'<svg role="img" aria-label="Revenue and repeat revenue by month"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}">{"".join(bars)}'
        f'<text x="{PAD}" y="{PAD - 10}">revenue by month; dark: repeat customers</text></svg>'
    )


def report_html(report: Report) -> str:
    title = f"The owner's report: {period_words(report)}"
    body = "".join(_table(section) for section in sections(report))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<div class="charts">{pareto_chart(report)}{repeat_chart(report)}</div>'
        f"{body}</body></html>"
    )
