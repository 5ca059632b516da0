import pytest
from hypothesis import given
from hypothesis import strategies as st

from incubator.scoring import rules
from incubator.scoring.rules import BandSpec, IndicatorSpec
from incubator.scoring.seeds import SEED_RUBRICS

TREE = [
    IndicatorSpec("1", "组织基础", 20),
    IndicatorSpec("1.1", "骨干团队", 10),
    IndicatorSpec("1.2", "章程制度", 10),
    IndicatorSpec("2", "项目方案", 30),
    IndicatorSpec("2.1", "需求分析", 10, weight=2),
    IndicatorSpec("2.2", "预算", 20, weight=0.5),
]
BANDS = [
    BandSpec(80, "admit", "录取"),
    BandSpec(60, "more", "待补"),
    BandSpec(0, "reject", "不录取"),
]


def test_only_leaves_are_scored_and_weights_count_in_the_total():
    assert [i.code for i in rules.leaves(TREE)] == ["1.1", "1.2", "2.1", "2.2"]
    assert rules.max_total(TREE) == 10 + 10 + 20 + 10
    assert rules.sheet_total(TREE, {"1.1": 8, "1.2": 7.5, "2.1": 9, "2.2": 10}) == 8 + 7.5 + 18 + 5


def test_a_parent_whose_full_marks_do_not_add_up_is_refused():
    tree = [*TREE[:3], IndicatorSpec("2", "项目方案", 35), *TREE[4:]]
    assert rules.tree_errors(tree) == ["指标 2 的满分 35 与下级指标满分之和 30 不一致"]


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ([], "评分表至少要有一个指标"),
        ([IndicatorSpec("1", "甲", 5), IndicatorSpec("1", "乙", 5)], "指标编号 1 重复"),
        ([IndicatorSpec("1.1", "孤儿", 5)], "指标 1.1 的上级指标 1 不存在"),
        ([IndicatorSpec("a", "字母", 5)], "指标编号 a 格式不对"),
        ([IndicatorSpec("1", "零分", 0)], "指标 1 的满分必须大于 0"),
        ([IndicatorSpec("1", "", 5)], "指标 1 缺少名称"),
    ],
)
def test_tree_errors_are_specific(tree, message):
    assert any(e.startswith(message) for e in rules.tree_errors(tree))


def test_bands_must_cover_every_total_and_stay_in_range():
    assert rules.band_errors(BANDS, 100) == []
    assert "必须有一个从 0 分开始的档次，使任何总分都有结果" in rules.band_errors(BANDS[:2], 100)
    assert "档次的起始分不能重复" in rules.band_errors([*BANDS, BandSpec(80, "x", "重复")], 100)
    assert any(
        "超出" in e
        for e in rules.band_errors([BandSpec(0, "a", "甲"), BandSpec(120, "b", "乙")], 100)
    )


@pytest.mark.parametrize(
    ("total", "result"),
    [(100, "admit"), (80, "admit"), (79.99, "more"), (60, "more"), (0, "reject")],
)
def test_band_for_a_total(total, result):
    assert rules.band_for(total, BANDS).result == result


def test_points_must_be_within_full_marks_with_one_decimal():
    spec = IndicatorSpec("1.1", "骨干团队", 10)
    assert rules.points_error(spec, 10) is None
    assert rules.points_error(spec, 9.5) is None
    assert rules.points_error(spec, 10.5) == "“骨干团队”的得分应在 0 到 10 之间"
    assert rules.points_error(spec, -1) is not None
    assert rules.points_error(spec, 9.25) == "“骨干团队”的得分最多保留一位小数"


def test_the_text_format_round_trips_and_reports_line_numbers():
    text = rules.format_indicators(TREE)
    parsed, errors = rules.parse_indicators(text)
    assert errors == [] and parsed == TREE
    bands, errors = rules.parse_bands(rules.format_bands(BANDS))
    assert errors == [] and bands == BANDS
    _specs, errors = rules.parse_indicators("1 | 甲 | 10\n\n1.1 | 乙\n1.2 | 丙 | 十")
    assert errors == [
        "第 3 行：应为“编号 | 名称 | 满分 | 权重 | 评分指引”",
        "第 4 行：满分和权重必须是数字",
    ]


@pytest.mark.parametrize("seed", SEED_RUBRICS, ids=lambda s: s[0])
def test_the_seed_rubrics_are_valid_and_total_100(seed):
    code, _name, indicators_text, bands_text = seed
    indicators, errors = rules.parse_indicators(indicators_text)
    bands, band_errors = rules.parse_bands(bands_text)
    assert errors == band_errors == []
    assert rules.tree_errors(indicators) == []
    # The evaluation-grade rubrics follow the national 1,000-point scale.
    top = 1000 if code.startswith("evaluation_") else 100
    assert rules.max_total(indicators) == top
    assert rules.band_errors(bands, top) == []
    if code.startswith("evaluation_"):
        assert [b.result for b in bands] == ["5A", "4A", "3A", "2A", "1A", "none"]


@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=20))
def test_the_mean_lies_between_the_lowest_and_highest_total(totals):
    average = rules.mean(totals)
    assert min(totals) - 0.01 <= average <= max(totals) + 0.01
    assert rules.band_for(average, BANDS) is not None
