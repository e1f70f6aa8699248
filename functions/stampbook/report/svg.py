"""Charts as inline SVG drawn on the server: axes with ticks and titles, a legend, no script.

Hand-made rather than from a charting library: the report needs what such
libraries make awkward (a labelled point on the Pareto curve, a second axis
in money beside points, ticks and month names written by Babel in the
owner's language, hollow marks for months that rest on few customers),
and it must load nothing: no script, no web font. The charts are a few
bars and lines, so a small module is clearer than configuring one.

Positions are floats (they are drawing coordinates, not money); values
come in as Decimal or int and are labelled exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 480, 300
FONT = 12
CHAR = FONT * 0.58  # an average character's width, to lay out the legend
LEFT, RIGHT, TOP, BOTTOM = 58, 16, 8, 46
LEGEND_ROW = 18
MAX_TICKS = 5

Number = Decimal | int


@dataclass(frozen=True)
class Series:
    name: str  # the legend's words
    values: Sequence[Number | None]  # one per category; None leaves a gap in a line
    colour: str
    line: bool = False  # a line with marks, else bars
    hollow: frozenset[int] = frozenset()  # marks drawn hollow (a figure resting on few)
    right: bool = False  # read against the right-hand axis


@dataclass(frozen=True)
class Axis:
    title: str
    label: Callable[[Decimal], str]  # a tick value in words
    top: Decimal | None = None  # the highest value shown (1 for shares); else from the data
    whole: bool = False  # counted things: ticks step by whole numbers


@dataclass(frozen=True)
class Categories:
    """The x axis: what each bar stands for, its tick label and a second line under it."""

    title: str
    names: Sequence[str]  # in a bar's tooltip
    ticks: Sequence[str]
    under: Sequence[str] = field(default_factory=tuple)  # e.g. the year, where it changes


def nice_ticks(high: Decimal, whole: bool = False, count: int = MAX_TICKS) -> list[Decimal]:
    """From zero up past `high` in round steps (1, 2, 2.5 or 5 times a power of ten)."""
    if high <= 0:
        high = Decimal(1)
    raw = max(high / count, Decimal(1)) if whole else high / count
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = next(
        power * m
        for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
        if power * m >= raw
    )
    if whole:
        step = Decimal(math.ceil(step))
    steps = math.ceil(high / step)
    return [step * n for n in range(steps + 1)]


class _Frame:
    """The plot area of one chart, and how values and categories map onto it."""

    def __init__(self, legend_rows: int, left: float = LEFT, right: float = RIGHT) -> None:
        self.left = left
        self.right = WIDTH - right
        self.top = TOP + legend_rows * LEGEND_ROW + 10
        self.bottom = HEIGHT - BOTTOM

    def y(self, value: Number, top: Decimal) -> float:
        share = float(value) / float(top) if top else 0.0
        return self.bottom - share * (self.bottom - self.top)


def _text(x: float, y: float, words: str, css: str, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>'
        f"{escape(words)}</text>"
    )


def _legend(series: Sequence[tuple[str, str, str]]) -> tuple[str, int]:
    """Legend items (name, colour, shape) in rows across the top; returns the SVG and rows."""
    items, x, row = [], float(LEFT), 0
    for name, colour, shape in series:
        width = 16 + len(name) * CHAR + 14
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = float(LEFT), row + 1
        y = TOP + row * LEGEND_ROW + 8
        line = f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 12:.1f}" y2="{y:.1f}" stroke="{colour}"'
        if shape == "line":
            mark = f'{line} stroke-width="2.5"/>'
        elif shape == "dashed":
            mark = f'{line} stroke-width="1.5" stroke-dasharray="3 2"/>'
        elif shape == "hollow":
            mark = (
                f'<circle cx="{x + 6:.1f}" cy="{y:.1f}" r="3.5" fill="#fff"'
                f' stroke="{colour}" stroke-width="1.5"/>'
            )
        else:
            mark = f'<rect x="{x:.1f}" y="{y - 5:.1f}" width="12" height="10" fill="{colour}"/>'
        items.append(
            f'<g class="legend-item">{mark}{_text(x + 16, y + 4, name, "legend-text", "start")}</g>'
        )
        x += width
    return f'<g class="legend">{"".join(items)}</g>', row + 1


def _y_axis(frame: _Frame, axis: Axis, ticks: list[Decimal], side: str) -> str:
    top = ticks[-1]
    x = frame.left if side == "left" else frame.right
    parts = [f'<line x1="{x}" y1="{frame.top}" x2="{x}" y2="{frame.bottom}" stroke="#666"/>']
    for tick in ticks:
        y = frame.y(tick, top)
        if side == "left":
            parts.append(_text(x - 6, y + 4, axis.label(tick), "tick", "end"))
        else:
            parts.append(_text(x + 6, y + 4, axis.label(tick), "tick", "start"))
    middle = (frame.top + frame.bottom) / 2
    # Read bottom to top on both sides; the letters lean away from the edge.
    title_x = 13 if side == "left" else WIDTH - 4
    rotate = f' transform="rotate(-90 {title_x} {middle:.1f})"'
    parts.append(_text(title_x, middle, axis.title, "axis-title", extra=rotate))
    return f'<g class="axis y {side}">{"".join(parts)}</g>'


def _grid(frame: _Frame, ticks: list[Decimal]) -> str:
    lines = "".join(
        f'<line x1="{frame.left}" y1="{frame.y(t, ticks[-1]):.1f}" x2="{frame.right}"'
        f' y2="{frame.y(t, ticks[-1]):.1f}" stroke="#e4e4e4"/>'
        for t in ticks[1:]
    )
    return f'<g class="grid">{lines}</g>'


def _svg(key: str, title: str, takeaway: str, body: str, height: int = HEIGHT) -> str:
    return (
        f'<svg class="chart" id="chart-{key}" viewBox="0 0 {WIDTH} {height}" role="img"'
        f' aria-labelledby="chart-{key}-title chart-{key}-desc" font-size="{FONT}"'
        ' xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{key}-title">{escape(title)}</title>'
        f'<desc id="chart-{key}-desc">{escape(takeaway)}</desc>{body}</svg>'
    )


def category_chart(
    key: str,
    title: str,
    takeaway: str,
    categories: Categories,
    series: Sequence[Series],
    axis: Axis,
    *,
    stacked: bool = False,
    right_axis: Axis | None = None,
    right_scale: Decimal | None = None,
    value_words: Callable[[Number], str] = str,
    hollow_means: str = "",
) -> str:
    """Bars (stacked or side by side) and lines over categories such as months.

    A right-hand axis, if given, is the left one times `right_scale` (points
    and what they are worth), so both read the same marks.
    """
    shapes = [(s.name, s.colour, "line" if s.line else "bar") for s in series]
    if hollow_means:  # what a hollow mark says, when some are
        shapes += [(hollow_means, s.colour, "hollow") for s in series if s.hollow][:1]
    legend, rows = _legend(shapes)
    bars = [s for s in series if not s.line]
    count = len(categories.names)
    stack_highs = [
        sum((Decimal(s.values[n] or 0) for s in bars), Decimal(0))
        if stacked
        else max((Decimal(s.values[n] or 0) for s in bars), default=Decimal(0))
        for n in range(count)
    ]
    line_highs = [Decimal(v) for s in series if s.line for v in s.values if v is not None]
    high = axis.top or max([*stack_highs, *line_highs, Decimal(0)])
    ticks = nice_ticks(high, axis.whole) if axis.top is None else _fixed_ticks(axis.top)
    top = ticks[-1]
    right = _scaled(right_axis, right_scale) if right_axis and right_scale is not None else None
    frame = _Frame(rows, _margin(axis, ticks), _margin(right, ticks) if right else RIGHT)
    slot = (frame.right - frame.left) / max(count, 1)
    body = [legend, _grid(frame, ticks)]
    plot = []
    group_width = slot * 0.78
    for n in range(count):
        x0 = frame.left + n * slot + (slot - group_width) / 2
        base = Decimal(0)
        for index, s in enumerate(bars):
            value = Decimal(s.values[n] or 0)
            if stacked:
                y_top, y_bottom = frame.y(base + value, top), frame.y(base, top)
                x, width = x0, group_width
                base += value
            else:
                width = group_width / len(bars)
                x = x0 + index * width
                y_top, y_bottom = frame.y(value, top), frame.bottom
            if value:
                plot.append(
                    f'<rect class="bar" x="{x:.1f}" y="{y_top:.1f}" width="{width:.1f}"'
                    f' height="{y_bottom - y_top:.1f}" fill="{s.colour}"><title>'
                    f"{escape(categories.names[n])}: {escape(s.name)} {escape(value_words(value))}"
                    "</title></rect>"
                )
    for s in series:
        if not s.line:
            continue
        scale_top = top
        points = [
            (frame.left + (n + 0.5) * slot, frame.y(v, scale_top), n, v)
            for n, v in enumerate(s.values)
            if v is not None
        ]
        runs: list[list[str]] = []
        run: list[str] = []
        for n, v in enumerate(s.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{frame.left + (n + 0.5) * slot:.1f},{frame.y(v, scale_top):.1f}")
        if run:
            runs.append(run)
        for each in runs:
            plot.append(
                f'<polyline class="line" points="{" ".join(each)}" fill="none"'
                f' stroke="{s.colour}" stroke-width="2"/>'
            )
        for x, y, n, v in points:
            fill = "#fff" if n in s.hollow else s.colour
            plot.append(
                f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{fill}"'
                f' stroke="{s.colour}" stroke-width="1.5"><title>{escape(categories.names[n])}:'
                f" {escape(s.name)} {escape(value_words(v))}</title></circle>"
            )
    body.append(f'<g class="plot">{"".join(plot)}</g>')
    body.append(_y_axis(frame, axis, ticks, "left"))
    if right is not None:
        body.append(_y_axis(frame, right, ticks, "right"))
    body.append(_x_axis(frame, categories, slot))
    return _svg(key, title, takeaway, "".join(body))


def _margin(axis: Axis, ticks: list[Decimal]) -> float:
    """Room beside the plot for the axis title and the longest tick label."""
    return max(LEFT, 30 + max(len(axis.label(tick)) for tick in ticks) * CHAR)


def _scaled(axis: Axis, scale: Decimal) -> Axis:
    return Axis(axis.title, lambda tick: axis.label(tick * scale), axis.top, axis.whole)


def _fixed_ticks(top: Decimal) -> list[Decimal]:
    return [top * n / MAX_TICKS for n in range(MAX_TICKS + 1)]


def _x_axis(frame: _Frame, categories: Categories, slot: float) -> str:
    count = len(categories.ticks)
    room = max(int((frame.right - frame.left) // 34), 1)
    every = max(math.ceil(count / room), 1)
    parts = [
        f'<line x1="{frame.left}" y1="{frame.bottom}" x2="{frame.right}" y2="{frame.bottom}"'
        ' stroke="#666"/>'
    ]
    for n in range(0, count, every):
        x = frame.left + (n + 0.5) * slot
        parts.append(_text(x, frame.bottom + 15, categories.ticks[n], "tick"))
        if categories.under and categories.under[n]:
            parts.append(_text(x, frame.bottom + 28, categories.under[n], "tick under"))
    parts.append(_text((frame.left + frame.right) / 2, HEIGHT - 4, categories.title, "axis-title"))
    return f'<g class="axis x">{"".join(parts)}</g>'


def share_curve(
    key: str,
    title: str,
    takeaway: str,
    curve: Sequence[tuple[Decimal, Decimal]],
    *,
    x_title: str,
    y_title: str,
    percent: Callable[[Decimal], str],
    names: tuple[str, str],  # the curve's, and the line of equal shares'
    mark: tuple[Decimal, Decimal, str] | None,  # a point on the curve, labelled
    colour: str = "#2171b5",
) -> str:
    """A cumulative share against a share (the Pareto curve), with a labelled point."""
    legend, rows = _legend([(names[0], colour, "line"), (names[1], "#888", "dashed")])
    frame = _Frame(rows, right=RIGHT + 12)  # room for the last tick, "100 %"
    ticks = _fixed_ticks(Decimal(1))

    def x(share: Decimal) -> float:
        return frame.left + float(share) * (frame.right - frame.left)

    body = [legend, _grid(frame, ticks)]
    plot = [
        f'<line class="equal" x1="{x(Decimal(0)):.1f}" y1="{frame.y(0, Decimal(1)):.1f}"'
        f' x2="{x(Decimal(1)):.1f}" y2="{frame.y(1, Decimal(1)):.1f}" stroke="#888"'
        ' stroke-dasharray="3 2"/>'
    ]
    points = " ".join(f"{x(c):.1f},{frame.y(r, Decimal(1)):.1f}" for c, r in curve)
    plot.append(
        f'<polyline class="line" points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
    )
    if mark is not None:
        cx, cy, label = x(mark[0]), frame.y(mark[1], Decimal(1)), mark[2]
        plot.append(
            f'<g class="mark-80"><line x1="{cx:.1f}" y1="{cy:.1f}" x2="{cx:.1f}"'
            f' y2="{frame.bottom}" stroke="#e6550d" stroke-dasharray="4 3"/>'
            f'<line x1="{frame.left}" y1="{cy:.1f}" x2="{cx:.1f}" y2="{cy:.1f}"'
            ' stroke="#e6550d" stroke-dasharray="4 3"/>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#e6550d"/>'
            + _text(cx + 8, cy + 18, label, "mark-label", "start", ' fill="#a63603"')
            + "</g>"
        )
    body.append(f'<g class="plot">{"".join(plot)}</g>')
    axis = Axis(y_title, percent, Decimal(1))
    body.append(_y_axis(frame, axis, ticks, "left"))
    xs = [
        f'<line x1="{frame.left}" y1="{frame.bottom}" x2="{frame.right}" y2="{frame.bottom}"'
        ' stroke="#666"/>',
        *(_text(x(t), frame.bottom + 15, percent(t), "tick") for t in ticks),
        _text((frame.left + frame.right) / 2, HEIGHT - 4, x_title, "axis-title"),
    ]
    body.append(f'<g class="axis x">{"".join(xs)}</g>')
    return _svg(key, title, takeaway, "".join(body))


@dataclass(frozen=True)
class Interval:
    """One row of an interval chart: a name, an estimate and its interval."""

    name: str
    estimate: Decimal
    low: Decimal
    high: Decimal
    colour: str


ROW = 36  # an interval chart's row: its name above, its line below


def interval_chart(
    key: str,
    title: str,
    takeaway: str,
    rows: Sequence[Interval],
    *,
    x_title: str,
    label: Callable[[Decimal], str],
) -> str:
    """Estimates with their intervals, one row each, around a line at zero (a forest plot):
    an interval that crosses the line could be no difference at all."""
    height = TOP + len(rows) * ROW + BOTTOM
    reach = max((max(abs(r.low), abs(r.high)) for r in rows), default=Decimal(1))
    ticks = nice_ticks(reach, count=3)
    top = ticks[-1]
    left, right = float(LEFT) - 40, float(WIDTH - RIGHT)
    middle = (left + right) / 2

    def x(value: Decimal) -> float:
        return middle + float(value) / float(top) * (right - middle)

    bottom = TOP + len(rows) * ROW
    body = [
        f'<line class="zero" x1="{middle:.1f}" y1="{TOP}" x2="{middle:.1f}" y2="{bottom}"'
        ' stroke="#666" stroke-dasharray="3 2"/>'
    ]
    for n, row in enumerate(rows):
        y = TOP + n * ROW + 14
        line_y = y + 12
        body.append(
            f'<g class="interval">{_text(left, y, row.name, "row-name", "start")}'
            f'<line x1="{x(row.low):.1f}" y1="{line_y}" x2="{x(row.high):.1f}" y2="{line_y}"'
            f' stroke="{row.colour}" stroke-width="3"/>'
            f'<circle cx="{x(row.estimate):.1f}" cy="{line_y}" r="4.5" fill="{row.colour}"/></g>'
        )
    axis = [
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#666"/>',
        *(
            _text(x(sign * t), bottom + 15, label(sign * t), "tick")
            for t in ticks
            for sign in ((1, -1) if t else (1,))
        ),
        _text(middle, bottom + 34, x_title, "axis-title"),
    ]
    body.append(f'<g class="axis x">{"".join(axis)}</g>')
    return _svg(key, title, takeaway, "".join(body), height)
