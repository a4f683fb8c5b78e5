"""Server-rendered charts: plain data in, geometry and a matching table out (no JavaScript).

Three kinds, drawn by the templates in templates/reporting/charts/ through the `charts` template tag library:

- `bar_chart`: horizontal bars, one or more series per category (grouped);
- `column_chart`: vertical columns stacked by series, one per category (e.g. one per month);
- `progress_chart`: progress from a baseline towards a target, one bar per item.

Readable without colour alone: every series has its own fill pattern as well as its own colour, the legend
names the series in text, every bar carries its value as text, and every chart comes with a table built from
the very same numbers (`Chart.table`), so the picture and the table cannot disagree. Numbers are formatted
once here (`Mark.text`, table cells) in the active language.

Colours are Bootstrap 5 palette colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics);
text is the body colour (#212529, 15:1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.text import Truncator

TEXT = "#212529"
MUTED = "#5c636a"
TRACK = "#e9ecef"
# (colour, pattern): blue 4.5:1, green 4.5:1, purple 6.4:1, red 4.5:1, grey 8.2:1 against white.
STYLES = [
    ("#0d6efd", "solid"),
    ("#198754", "hatch"),
    ("#6f42c1", "dots"),
    ("#dc3545", "cross"),
    ("#495057", "hlines"),
]

LABEL_CHARS = 30


def fmt(value) -> str:
    """A number as text in the active language: whole numbers without decimals, others with up to two."""
    if value is None:
        return "–"
    if isinstance(value, float):
        value = Decimal(str(round(value, 2)))
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            value = int(value)
        else:
            return number_format(value.quantize(Decimal("0.01")).normalize(), use_l10n=True)
    return number_format(value, use_l10n=True)


@dataclass
class Series:
    name: str
    index: int = 0

    @property
    def colour(self) -> str:
        return STYLES[self.index % len(STYLES)][0]

    @property
    def pattern(self) -> str:
        return STYLES[self.index % len(STYLES)][1]


@dataclass
class Mark:
    """One drawn bar (or column segment) with its value and where its text goes."""

    series: int
    category: str
    value: object
    text: str
    x: float
    y: float
    width: float
    height: float
    text_x: float = 0
    text_y: float = 0
    show_text: bool = True
    # Progress bars: the status written next to the value (never conveyed by colour alone).
    note: str = ""
    fill: str = ""
    colour: str = ""
    # Column segments: the dark badge behind the value's text.
    badge: dict = field(default_factory=dict)


@dataclass
class Table:
    headers: list[str]
    rows: list[dict]  # {"label": str, "cells": [str, ...]}
    caption: str = ""


@dataclass
class Chart:
    kind: str
    id: str
    title: str
    desc: str
    width: int
    height: int
    series: list[Series]
    categories: list[dict]  # {"label": short label drawn, "full": full label, "x"/"y": where it goes}
    marks: list[Mark]
    table: Table
    empty: bool = False
    legend: list[dict] = field(default_factory=list)
    axis: dict = field(default_factory=dict)

    def __post_init__(self):
        for mark in self.marks:
            mark.fill, mark.colour = self.fill(mark.series), self.series[mark.series].colour
        for item in self.legend:
            item["fill"], item["colour"] = self.fill(item["series"]), self.series[item["series"]].colour

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"

    @property
    def patterned_series(self) -> list[Series]:
        return [s for s in self.series if s.pattern != "solid"]

    def fill(self, series_index: int) -> str:
        s = self.series[series_index]
        return s.colour if s.pattern == "solid" else f"url(#{self.id}-p{s.index})"


def _summary(pairs: list[tuple[str, str]], limit: int = 24) -> str:
    text = "; ".join(f"{label}: {value}" for label, value in pairs[:limit])
    return text + ("; …" if len(pairs) > limit else "")


def _legend(series: list[Series], x: float, y: float) -> list[dict]:
    if len(series) < 2:
        return []
    out, cursor = [], x
    for s in series:
        out.append({"series": s.index, "name": s.name, "x": cursor, "y": y, "text_x": cursor + 18, "text_y": y + 11})
        cursor += 30 + 7 * len(s.name)
    return out


# --- horizontal (grouped) bars --------------------------------------------------------------------------------


def bar_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    series: list[tuple[str, list]],
    *,
    desc: str = "",
    label_header: str = "",
    width: int = 640,
) -> Chart:
    """Horizontal bars: for each category one bar per series, each labelled with its value."""
    all_series = [Series(name, i) for i, (name, _values) in enumerate(series)]
    values = [list(vals) for _name, vals in series]
    for vals in values:
        if len(vals) != len(categories):
            raise ValueError("every series needs one value per category")
    label_w, value_w, bar_h, gap, group_gap = 190, 70, 18, 2, 12
    top = 8 if len(all_series) < 2 else 30
    plot_w = width - label_w - value_w
    peak = max((v for vals in values for v in vals if v is not None), default=0) or 1
    marks, cats = [], []
    y = top
    for ci, category in enumerate(categories):
        group_top = y
        for si, vals in enumerate(values):
            value = vals[ci] or 0
            w = plot_w * float(value) / float(peak) if peak else 0
            w = max(0.0, w)
            marks.append(
                Mark(
                    series=si,
                    category=category,
                    value=value,
                    text=fmt(value),
                    x=label_w,
                    y=y,
                    width=round(w, 2),
                    height=bar_h,
                    text_x=round(label_w + w + 4, 2),
                    text_y=y + bar_h - 5,
                )
            )
            y += bar_h + gap
        group_h = y - gap - group_top
        cats.append(
            {
                "label": Truncator(category).chars(LABEL_CHARS),
                "full": category,
                "x": label_w - 6,
                "y": round(group_top + group_h / 2 + 4, 2),
            }
        )
        y += group_gap
    height = int(y - group_gap + 8) if categories else 40
    headers = [label_header, *[s.name for s in all_series]]
    rows = [{"label": c, "cells": [fmt(vals[i] or 0) for vals in values]} for i, c in enumerate(categories)]
    if not desc:
        if len(all_series) == 1:
            desc = _summary([(c, fmt(values[0][i] or 0)) for i, c in enumerate(categories)])
        else:
            desc = _summary(
                [
                    (c, ", ".join(f"{s.name} {fmt(values[s.index][i] or 0)}" for s in all_series))
                    for i, c in enumerate(categories)
                ]
            )
    return Chart(
        kind="bars",
        id=chart_id,
        title=title,
        desc=desc,
        width=width,
        height=height,
        series=all_series,
        categories=cats,
        marks=marks,
        table=Table(headers=headers, rows=rows, caption=title),
        empty=not categories,
        legend=_legend(all_series, label_w, 6),
    )


# --- vertical columns stacked by series ------------------------------------------------------------------------


def column_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    series: list[tuple[str, list]],
    *,
    desc: str = "",
    label_header: str = "",
    total_header: str = "",
    plot_height: int = 180,
) -> Chart:
    """One column per category, its series stacked; the column total is written above it and each segment's
    value inside it when the segment is tall enough (the table always has every number)."""
    all_series = [Series(name, i) for i, (name, _values) in enumerate(series)]
    values = [list(vals) for _name, vals in series]
    for vals in values:
        if len(vals) != len(categories):
            raise ValueError("every series needs one value per category")
    totals = [sum((vals[i] or 0) for vals in values) for i in range(len(categories))]
    peak = max(totals, default=0) or 1
    left, step = 28, 26  # room on the left for the first rotated label
    col_w = 20
    top = 30 + (22 if len(all_series) > 1 else 0)
    base = top + plot_height
    width = max(360, left * 2 + step * len(categories))
    height = base + 56
    marks, cats = [], []
    for ci, category in enumerate(categories):
        x = left + ci * step + (step - col_w) / 2
        y = base
        for si, vals in enumerate(values):
            value = vals[ci] or 0
            h = plot_height * float(value) / float(peak)
            y -= h
            marks.append(
                Mark(
                    series=si,
                    category=category,
                    value=value,
                    text=fmt(value),
                    x=round(x, 2),
                    y=round(y, 2),
                    width=col_w,
                    height=round(h, 2),
                    text_x=round(x + col_w / 2, 2),
                    text_y=round(y + h / 2 + 4, 2),
                    # A segment label sits on a dark badge, so it reads on any fill; only where it fits.
                    show_text=bool(value) and h >= 16 and len(all_series) > 1,
                )
            )
            m = marks[-1]
            m.badge = {
                "x": round(m.text_x - 3 - 3 * len(m.text), 2),
                "y": round(m.text_y - 11, 2),
                "w": 6 + 6 * len(m.text),
            }
        cats.append(
            {
                "label": category,
                "full": category,
                "x": round(x + col_w / 2, 2),
                "y": base + 12,
                "total": fmt(totals[ci]),
                "total_y": round(y - 4, 2),
            }
        )
    headers = [label_header, *[s.name for s in all_series]]
    if len(all_series) > 1:
        headers.append(total_header)
    rows = []
    for i, c in enumerate(categories):
        cells = [fmt(vals[i] or 0) for vals in values]
        if len(all_series) > 1:
            cells.append(fmt(totals[i]))
        rows.append({"label": c, "cells": cells})
    if not desc:
        desc = _summary([(c, fmt(totals[i])) for i, c in enumerate(categories) if totals[i]])
    return Chart(
        kind="columns",
        id=chart_id,
        title=title,
        desc=desc,
        width=width,
        height=height,
        series=all_series,
        categories=cats,
        marks=marks,
        table=Table(headers=headers, rows=rows, caption=title),
        empty=not categories,
        legend=_legend(all_series, left, 4),
        axis={"x1": left, "x2": width - left, "y": base},
    )


# --- progress against a target ----------------------------------------------------------------------------------


@dataclass
class Progress:
    label: str
    current: object
    target: object
    baseline: object = 0
    unit: str = ""
    note: str = ""  # e.g. "overdue", "reached": written as text next to the value


def percent_of(current, target, baseline=0) -> int:
    """Share of the way from baseline to target, clamped to 0–100 (as partners' Indicator.progress_percent)."""
    current, target, baseline = (Decimal(str(v or 0)) for v in (current, target, baseline))
    span = target - baseline
    if span == 0:
        return 100 if current >= target else 0
    return int(max(0, min(100, (current - baseline) / span * 100)))


def progress_chart(
    chart_id: str,
    title: str,
    items: list[Progress],
    *,
    desc: str = "",
    headers: tuple[str, str, str, str, str, str] = ("", "", "", "", "", ""),
    width: int = 640,
) -> Chart:
    """One bar per item: the track is the way from baseline to target, the fill the part covered so far.
    `headers`: label, baseline, current, target, percent, status column titles of the table."""
    label_w, value_w, bar_h, gap, top = 190, 190, 18, 10, 8
    plot_w = width - label_w - value_w
    marks, cats, rows = [], [], []
    y = top
    for item in items:
        pct = percent_of(item.current, item.target, item.baseline)
        w = plot_w * pct / 100
        unit = f" {item.unit}" if item.unit else ""
        text = f"{pct} % · {fmt(item.current)} / {fmt(item.target)}{unit}"
        reached = pct >= 100
        marks.append(
            Mark(
                series=0 if not item.note else (1 if reached else 3),
                category=item.label,
                value=pct,
                text=text,
                x=label_w,
                y=y,
                width=round(w, 2),
                height=bar_h,
                text_x=label_w + plot_w + 6,
                text_y=y + bar_h - 5,
                note=item.note,
            )
        )
        cats.append(
            {"label": Truncator(item.label).chars(LABEL_CHARS), "full": item.label, "x": label_w - 6, "y": y + 13}
        )
        rows.append(
            {
                "label": item.label,
                "cells": [fmt(item.baseline), fmt(item.current), f"{fmt(item.target)}{unit}", f"{pct} %", item.note],
            }
        )
        y += bar_h + gap
    if not desc:
        desc = _summary([(m.category, m.text + (f" ({m.note})" if m.note else "")) for m in marks])
    return Chart(
        kind="progress",
        id=chart_id,
        title=title,
        desc=desc,
        width=width,
        height=int(y - gap + top) if items else 40,
        series=[Series("", i) for i in range(len(STYLES))],
        categories=cats,
        marks=marks,
        table=Table(headers=list(headers), rows=rows, caption=title),
        empty=not items,
        axis={"track_x": label_w, "track_w": plot_w},
    )
