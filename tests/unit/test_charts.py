"""SVG charts: escaped labels, a round axis, one bar per value."""

from incubator.reporting.charts import axis_top, bar_chart


def test_the_axis_is_round_and_small_counts_get_whole_ticks():
    assert [axis_top(v) for v in (0, 3, 5, 13, 86, 150)] == [4, 4, 8, 20, 100, 200]


def test_labels_are_escaped_and_every_value_has_a_bar():
    svg = bar_chart([("<b>祥龙</b>", 3), ("腾龙", 0)], "各社区 & 活动", "场")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<b>" not in svg and "&lt;b&gt;祥龙&lt;/b&gt;" in svg
    assert "各社区 &amp; 活动" in svg
    assert svg.count("<rect") == 2
