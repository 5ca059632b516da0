"""Rubric editor form: indicators and bands in the rubric text format (see scoring.rules)."""

from collections.abc import Mapping
from typing import Any

from incubator.core.forms import Field
from incubator.core.i18n import N_, _
from incubator.scoring import rules

VERSION = (
    Field("name", N_("评分表名称"), required=True, max_length=200),
    Field("description", N_("版本说明"), kind="textarea", max_length=2000),
    Field(
        "indicators",
        N_("指标"),
        required=True,
        kind="textarea",
        max_length=50_000,
        help=N_("每行一个指标：编号 | 名称 | 满分 | 权重 | 评分指引。编号 2.1 是指标 2 的下级。"),
    ),
    Field(
        "bands",
        N_("结果档次"),
        required=True,
        kind="textarea",
        max_length=5_000,
        help=N_("每行一个档次：起始分 | 结果代码 | 名称。总分达到起始分即得到该档次。"),
    ),
)


def sheet_inputs(rubric: dict) -> list[dict]:
    """The leaf indicators a score sheet form asks for, with their weights for the live total."""
    leaves = {s.code for s in rules.leaves(rubric["specs"])}
    return [row for row in rubric["indicators"] if row["code"] in leaves]


def sheet_points(
    data: Mapping[str, Any], codes: list[str]
) -> tuple[dict[str, float | None], dict[str, str], list[str]]:
    """Points and comments of a posted sheet (points-<code>, comment-<code>), and what is wrong."""
    points: dict[str, float | None] = {}
    comments: dict[str, str] = {}
    errors: list[str] = []
    for code in codes:
        raw = data.get(f"points-{code}")
        raw = raw.strip() if isinstance(raw, str) else ""
        try:
            points[code] = float(raw) if raw else None
        except ValueError:
            errors.append(_("指标 {code} 的得分不是数字").format(code=code))
            points[code] = None
        note = data.get(f"comment-{code}")
        comments[code] = note.strip()[:2000] if isinstance(note, str) else ""
    return points, comments, errors
