"""Forms of the grade register."""

from incubator.core.forms import Field
from incubator.core.i18n import N_
from incubator.evaluations import rules

EVALUATION = (
    Field("evaluated_on", N_("评估日期"), required=True, kind="date"),
    Field(
        "grade",
        N_("评估等级"),
        kind="choice",
        choices=rules.GRADE_CHOICES,
        help=N_("不选时按总分和评分档次得出"),
    ),
    Field("total_score", N_("总分"), kind="decimal", places=1, low=0, high=1000),
    Field("body", N_("评估机构"), max_length=200),
    Field("certificate_no", N_("证书编号"), max_length=64),
    Field("note", N_("备注"), kind="textarea", max_length=2000),
)

COMPLIANCE = (
    Field("kind", N_("记录类型"), required=True, kind="choice", choices=rules.COMPLIANCE_KINDS),
    Field("year", N_("年检年度"), kind="int", low=1990, high=2100),
    Field("result", N_("年检结果"), kind="choice", choices=rules.INSPECTION_RESULTS),
    Field("occurred_on", N_("日期"), kind="date"),
    Field("closed_on", N_("调查结束日期"), kind="date"),
    Field("note", N_("说明"), max_length=500),
)

DOWNGRADE = (
    Field("to_grade", N_("降为"), required=True, kind="choice", choices=rules.GRADE_CHOICES),
    Field("reason", N_("降级原因"), required=True, max_length=2000),
    Field("version", N_("版本"), kind="int", low=1),
)

# Staff assign assessors to score an evaluation (the assessors are ticked checkboxes).
ASSIGN = (Field("due_date", N_("评分期限"), kind="date"),)
