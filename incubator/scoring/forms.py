"""Rubric editor form: indicators and bands in the rubric text format (see scoring.rules)."""

from incubator.core.forms import Field
from incubator.core.i18n import N_

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
