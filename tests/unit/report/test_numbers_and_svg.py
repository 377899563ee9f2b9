"""Rounded figures with units, and bar charts whose bars and labels match the data."""

import re

from assets.report.numbers import MISSING, count, number, share, usd
from assets.report.svg import bar_chart, stacked_bar_chart


def test_figures_are_rounded_with_their_unit():
    assert usd(431_900.123) == "$431.9k"
    assert usd(1_254_000) == "$1.25M"
    assert usd(1234.56) == "$1,235"
    assert usd(66.984) == "$66.98"
    assert share(0.6575194688282322) == "65.8 %"
    assert share(0.6575, 0) == "66 %"
    assert count(12345.4) == "12,345"
    assert number(0.6575194688282322) == "0.658"
    assert number(431_900.0) == "431,900"
    assert "e" not in number(4.319e5)
    assert usd(None) == share(None) == count(None) == MISSING


def test_bar_lengths_follow_the_values_and_each_bar_is_labelled():
    svg = bar_chart(["Loyal", "Lost <old>"], [300, 150], title="Customers", label=count)
    widths = [float(w) for w in re.findall(r'class="bar" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert len(widths) == 2 and widths[0] == 2 * widths[1]
    assert ">300<" in svg and ">150<" in svg
    assert "Lost &lt;old&gt;" in svg and "<old>" not in svg
    assert "<script" not in svg and "http://www.w3.org/2000/svg" in svg


def test_missing_and_negative_values_draw_empty_bars():
    svg = bar_chart(["a", "b"], [None, -5.0], title="t", label=usd)
    assert re.findall(r'class="bar"[^>]*width="([\d.]+)"', svg) == ["0.0", "0.0"]
    assert f">{MISSING}<" in svg


def test_stacked_bars_add_up_to_the_total_printed():
    svg = stacked_bar_chart(
        ["Loyal"], {"stayed": [80], "moved in": [15], "new": [5]}, title="t", label=count, colours=("r", "g", "b")
    )
    widths = [float(w) for w in re.findall(r'class="bar"[^>]*width="([\d.]+)"', svg)]
    assert widths[0] == 16 * widths[2] and len(widths) == 3
    assert ">100<" in svg and "moved in: 15" in svg


def test_long_labels_are_cut_and_kept_whole_on_hover():
    name = "Electronics buyers, high interest in technology, low price sensitivity"
    svg = bar_chart([name], [3], title="t", label=count)
    assert f"<title>{name}</title>" in svg
    assert ">Electronics buyers, high inte\u2026<" in svg
