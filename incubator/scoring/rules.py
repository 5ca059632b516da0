"""Rubric logic without I/O: the indicator tree, totals, bands, and the rubric text format.

An indicator's place in the tree is its dotted code: "2" is the parent of "2.1". Only leaves are
scored; a parent's full marks must equal the sum of its children's. The total of a sheet is the
sum over leaves of points x weight, and a band maps a total to a result.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from incubator.core.i18n import N_, _

CODE_RE = re.compile(r"^\d+(\.\d+)*$")
TOLERANCE = 0.005

COLUMNS = (("self", N_("自评")), ("panel", N_("评审")), ("committee", N_("评审委员会")))


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    max_points: float
    weight: float = 1.0
    guidance: str = ""


@dataclass(frozen=True)
class BandSpec:
    min_total: float
    result: str
    label: str


def code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def leaves(indicators: Sequence[IndicatorSpec]) -> list[IndicatorSpec]:
    parents = {parent_code(i.code) for i in indicators}
    return [i for i in indicators if i.code not in parents]


def max_total(indicators: Sequence[IndicatorSpec]) -> float:
    return round(sum(i.max_points * i.weight for i in leaves(indicators)), 2)


def tree_errors(indicators: Sequence[IndicatorSpec]) -> list[str]:
    if not indicators:
        return [_("评分表至少要有一个指标")]
    errors: list[str] = []
    codes = [i.code for i in indicators]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        errors.append(_("指标编号 {code} 重复").format(code=code))
    known = set(codes)
    for i in indicators:
        if not CODE_RE.match(i.code):
            errors.append(
                _("指标编号 {code} 格式不对，应为 1、1.1、1.1.2 这样的数字编号").format(code=i.code)
            )
            continue
        parent = parent_code(i.code)
        if parent is not None and parent not in known:
            errors.append(
                _("指标 {code} 的上级指标 {parent} 不存在").format(code=i.code, parent=parent)
            )
        if not i.name.strip():
            errors.append(_("指标 {code} 缺少名称").format(code=i.code))
        if i.max_points <= 0:
            errors.append(_("指标 {code} 的满分必须大于 0").format(code=i.code))
        if i.weight <= 0:
            errors.append(_("指标 {code} 的权重必须大于 0").format(code=i.code))
    if errors:
        return errors
    for i in indicators:
        children = [c for c in indicators if parent_code(c.code) == i.code]
        if children:
            total = sum(c.max_points for c in children)
            if abs(total - i.max_points) > TOLERANCE:
                errors.append(
                    _("指标 {code} 的满分 {max} 与下级指标满分之和 {sum} 不一致").format(
                        code=i.code, max=_number(i.max_points), sum=_number(total)
                    )
                )
    return errors


def band_errors(bands: Sequence[BandSpec], top: float) -> list[str]:
    if not bands:
        return [_("至少要有一个结果档次")]
    errors: list[str] = []
    minimums = [b.min_total for b in bands]
    if min(minimums) > 0:
        errors.append(_("必须有一个从 0 分开始的档次，使任何总分都有结果"))
    if len(set(minimums)) != len(minimums):
        errors.append(_("档次的起始分不能重复"))
    for b in bands:
        if not 0 <= b.min_total <= top:
            errors.append(
                _("档次“{label}”的起始分 {min} 超出 0 到 {top}").format(
                    label=b.label, min=_number(b.min_total), top=_number(top)
                )
            )
        if not b.result.strip() or not b.label.strip():
            errors.append(_("每个档次都要有结果代码和名称"))
    return errors


def band_for(total: float | None, bands: Iterable[BandSpec]) -> BandSpec | None:
    if total is None:
        return None
    fitting = [b for b in bands if total + TOLERANCE >= b.min_total]
    return max(fitting, key=lambda b: b.min_total) if fitting else None


def points_error(spec: IndicatorSpec, points: float) -> str | None:
    if points < 0 or points > spec.max_points + TOLERANCE:
        return _("“{name}”的得分应在 0 到 {max} 之间").format(
            name=spec.name, max=_number(spec.max_points)
        )
    if abs(round(points, 1) - points) > 1e-9:
        return _("“{name}”的得分最多保留一位小数").format(name=spec.name)
    return None


def sheet_total(indicators: Sequence[IndicatorSpec], points: Mapping[str, float | None]) -> float:
    return round(
        sum((points.get(i.code) or 0) * i.weight for i in leaves(indicators)),
        2,
    )


def missing_scores(
    indicators: Sequence[IndicatorSpec], points: Mapping[str, float | None]
) -> list[IndicatorSpec]:
    return [i for i in leaves(indicators) if points.get(i.code) is None]


def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.fmean(present), 2) if present else None


def _number(value: float) -> str:
    return f"{value:g}"


# --- the rubric text format (admin editor and seeds) --------------------------------------
#   indicators: one per line  "code | name | full marks | weight | guidance" (last two optional)
#   bands:      one per line  "minimum total | result code | label"


def _split(line: str) -> list[str]:
    return [part.strip() for part in line.replace("｜", "|").split("|")]


def _float(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


def parse_indicators(text: str) -> tuple[list[IndicatorSpec], list[str]]:
    specs: list[IndicatorSpec] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = _split(line)
        if len(parts) < 3:
            errors.append(
                _("第 {n} 行：应为“编号 | 名称 | 满分 | 权重 | 评分指引”").format(n=number)
            )
            continue
        max_points = _float(parts[2])
        weight = _float(parts[3]) if len(parts) > 3 and parts[3] else 1.0
        if max_points is None or weight is None:
            errors.append(_("第 {n} 行：满分和权重必须是数字").format(n=number))
            continue
        guidance = " | ".join(parts[4:]) if len(parts) > 4 else ""
        specs.append(IndicatorSpec(parts[0], parts[1], max_points, weight, guidance))
    specs.sort(key=lambda s: code_key(s.code) if CODE_RE.match(s.code) else (10**9,))
    return specs, errors


def parse_bands(text: str) -> tuple[list[BandSpec], list[str]]:
    bands: list[BandSpec] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = _split(line)
        minimum = _float(parts[0]) if parts else None
        if len(parts) != 3 or minimum is None:
            errors.append(_("第 {n} 行：应为“起始分 | 结果代码 | 名称”").format(n=number))
            continue
        bands.append(BandSpec(minimum, parts[1], parts[2]))
    bands.sort(key=lambda b: b.min_total, reverse=True)
    return bands, errors


def format_indicators(indicators: Iterable[IndicatorSpec]) -> str:
    lines = []
    for i in indicators:
        fields = [i.code, i.name, _number(i.max_points), _number(i.weight)]
        if i.guidance:
            fields.append(i.guidance)
        lines.append(" | ".join(fields))
    return "\n".join(lines)


def format_bands(bands: Iterable[BandSpec]) -> str:
    return "\n".join(f"{_number(b.min_total)} | {b.result} | {b.label}" for b in bands)
