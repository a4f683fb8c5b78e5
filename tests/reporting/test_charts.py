"""The chart module (reporting.charts) and its templates: values, labels, well-formed SVG with a title and a
description, the table carrying the same numbers as the picture, zero and empty data."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


def render(chart) -> str:
    return Template("{% load charts %}{% chart c %}").render(Context({"c": chart}))


def parse(html: str) -> ET.Element:
    """The <figure> the tag draws, as XML (it must be well-formed)."""
    return ET.fromstring(html.strip())  # noqa: S314 — our own rendered markup


def svg_of(figure: ET.Element) -> ET.Element:
    return figure.find(f".//{SVG}svg")


def value_texts(svg: ET.Element) -> list[tuple[str, str, str]]:
    """(category, series, text) of every value label drawn."""
    return [
        (t.get("data-category"), t.get("data-series"), t.text)
        for t in svg.iter(f"{SVG}text")
        if t.get("class") == "chart-value"
    ]


def table_rows(figure: ET.Element) -> list[list[str]]:
    table = figure.find(".//table")
    return [[(cell.text or "").strip() for cell in row] for row in table.find("tbody")]


def test_bar_chart_scales_bars_to_the_largest_value_and_labels_each_with_its_value():
    chart = charts.bar_chart("c1", "Mobilities", ["Planned", "Agreed", "Done"], [("Count", [2, 4, 0])])
    widths = [m.width for m in chart.marks]
    assert widths[1] == 640 - 190 - 70  # the largest fills the plot
    assert widths[0] == pytest.approx(widths[1] / 2)
    assert widths[2] == 0
    assert [m.text for m in chart.marks] == ["2", "4", "0"]
    assert chart.table.rows == [
        {"label": "Planned", "cells": ["2"]},
        {"label": "Agreed", "cells": ["4"]},
        {"label": "Done", "cells": ["0"]},
    ]
    assert "Planned: 2" in chart.desc and "Agreed: 4" in chart.desc


def test_rendered_bar_chart_is_well_formed_svg_with_title_desc_and_role_img():
    chart = charts.bar_chart("c2", "Staff <trained>", ["Event & co"], [("Registered", [3]), ("Attended", [2])])
    figure = parse(render(chart))
    svg = svg_of(figure)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c2-title c2-desc"
    assert svg.find(f"{SVG}title").text == "Staff <trained>"
    assert svg.find(f"{SVG}title").get("id") == "c2-title"
    assert "Registered 3" in svg.find(f"{SVG}desc").text
    # Two series: a legend naming both, and a fill pattern for the second.
    legend = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-legend-text"]
    assert legend == ["Registered", "Attended"]
    assert svg.find(f".//{SVG}pattern").get("id") == "c2-p1"


def test_the_table_of_a_chart_has_the_same_numbers_as_the_picture():
    chart = charts.bar_chart(
        "c3", "By organisation", ["Alpha", "Beta"], [("Outgoing", [5, 1]), ("Incoming", [0, 7])], label_header="Org"
    )
    figure = parse(render(chart))
    drawn = {(cat, int(series)): text for cat, series, text in value_texts(svg_of(figure))}
    rows = table_rows(figure)
    assert rows == [["Alpha", "5", "0"], ["Beta", "1", "7"]]
    for label, *cells in rows:
        assert [drawn[(label, i)] for i in range(len(cells))] == cells
    headers = [th.text for th in figure.find(".//table/thead/tr")]
    assert headers == ["Org", "Outgoing", "Incoming"]
    assert figure.find(".//table/caption").text == "By organisation"


def test_column_chart_stacks_series_and_writes_each_total_above_its_column():
    chart = charts.column_chart(
        "c4", "By month", ["2025-01", "2025-02", "2025-03"], [("Open", [1, 0, 2]), ("Done", [3, 0, 0])],
        total_header="Total",
    )  # fmt: skip
    figure = parse(render(chart))
    svg = svg_of(figure)
    totals = {t.get("data-category"): t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-total"}
    assert totals == {"2025-01": "4", "2025-02": "0", "2025-03": "2"}
    assert table_rows(figure) == [["2025-01", "1", "3", "4"], ["2025-02", "0", "0", "0"], ["2025-03", "2", "0", "2"]]
    first = [m for m in chart.marks if m.category == "2025-01"]
    # Stacked: the second segment sits on top of the first, and the tallest column fills the plot height.
    assert first[1].y + first[1].height == pytest.approx(first[0].y)
    assert first[0].height + first[1].height == pytest.approx(180)
    # Every segment label drawn agrees with the table.
    for category, series, text in value_texts(svg):
        row = next(r for r in table_rows(figure) if r[0] == category)
        assert row[1 + int(series)] == text


def test_progress_chart_clamps_to_the_target_and_writes_status_in_words():
    items = [
        charts.Progress("Outgoing learners", current=15, target=20, baseline=5, unit="learners"),
        charts.Progress("Agreements", current=Decimal("6.00"), target=Decimal("4.00"), note="reached"),
        charts.Progress("Staff trained", current=0, target=10, note="overdue"),
    ]
    chart = charts.progress_chart("c5", "Indicators", items, headers=("I", "B", "C", "T", "P", "S"))
    assert [m.value for m in chart.marks] == [66, 100, 0]
    assert chart.marks[0].text == "66 % · 15 / 20 learners"
    assert chart.marks[1].text == "100 % · 6 / 4"
    figure = parse(render(chart))
    drawn = [t.text for t in svg_of(figure).iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert drawn[2] == "0 % · 0 / 10 (overdue)"
    assert table_rows(figure)[0] == ["Outgoing learners", "5", "15", "20 learners", "66 %", ""]
    assert table_rows(figure)[2][-1] == "overdue"
    # Reached and overdue differ by pattern as well as colour.
    assert chart.marks[1].fill != chart.marks[2].fill and chart.marks[2].fill.startswith("url(#")


def test_zero_values_draw_empty_bars_with_a_zero_label():
    chart = charts.bar_chart("c6", "Nothing yet", ["A", "B"], [("Count", [0, 0])])
    assert [m.width for m in chart.marks] == [0, 0]
    svg = svg_of(parse(render(chart)))
    assert [text for _c, _s, text in value_texts(svg)] == ["0", "0"]


def test_empty_data_renders_a_sentence_instead_of_a_chart():
    for chart in (
        charts.bar_chart("e1", "Empty bars", [], [("Count", [])]),
        charts.column_chart("e2", "Empty columns", [], [("Count", [])]),
        charts.progress_chart("e3", "Empty progress", []),
    ):
        assert chart.empty
        html = render(chart)
        assert "<svg" not in html and "<table" not in html
        assert "Empty" in parse(html).find("p").text


def test_a_series_needs_one_value_per_category():
    with pytest.raises(ValueError):
        charts.bar_chart("bad", "Bad", ["A", "B"], [("Count", [1])])


def test_numbers_and_coordinates_in_a_language_with_a_decimal_comma():
    with translation.override("lt"):
        chart = charts.progress_chart("c7", "Rodikliai", [charts.Progress("Dalis", Decimal("2.5"), Decimal("10"))])
        html = render(chart)
    assert "2,5" in chart.marks[0].text  # the text follows the language…
    figure = parse(html)
    rects = [r for r in svg_of(figure).iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert re.fullmatch(r"[0-9.]+", rects[0].get("width"))  # …the geometry never does
    assert float(svg_of(figure).get("viewBox").split()[2]) == 640


@pytest.mark.parametrize(
    ("current", "target", "baseline", "expected"),
    [(5, 10, 0, 50), (12, 10, 0, 100), (0, 10, 5, 0), (10, 10, 10, 100), (9, 10, 10, 0)],
)
def test_percent_of_matches_the_indicator_rule(current, target, baseline, expected):
    assert charts.percent_of(current, target, baseline) == expected
