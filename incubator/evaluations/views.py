"""Pages of the grade register: the register, eligibility, expiring grades, the plan's figures,
one evaluation with its indicator scores, and the organization's own records."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.core import forms as formlib
from incubator.core.actions import act, submit
from incubator.core.flash import flash
from incubator.core.http import (
    form_data,
    form_list,
    found,
    is_upload,
    see_other,
    settings_of,
    user_of,
)
from incubator.core.i18n import N_, _, local_today
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, ALL_ROLES, APPLICANT, ASSESSOR, COMMUNITY, STAFF, allow
from incubator.core.scoping import int_or_none
from incubator.core.web import takes_files
from incubator.evaluations import forms, rules, service
from incubator.evaluations.service import EvaluationError
from incubator.regions.service import community_options
from incubator.reviews import service as reviews
from incubator.scoring import rules as scoring_rules
from incubator.scoring import service as scoring
from incubator.scoring.forms import sheet_inputs
from incubator.scoring.posting import save_posted_sheet
from incubator.workitems import rules as workitem_rules

NAV = (
    NavItem(
        N_("评估等级"), "/evaluations", frozenset({ADMIN, STAFF, ASSESSOR, COMMUNITY}), order=105
    ),
)
TABS = (
    ("register", N_("等级名册")),
    ("eligible", N_("本年度可参评")),
    ("expiring", N_("6 个月内到期")),
    ("figures", N_("参评率与等级占比")),
)
LABELS = {
    "grade_choices": rules.GRADE_CHOICES,
    "statuses": dict(rules.STATUSES),
    "inspection_results": dict(rules.INSPECTION_RESULTS),
    "compliance_kinds": dict(rules.COMPLIANCE_KINDS),
}


def _year(request: Request) -> int:
    year = int_or_none(request.query_params.get("year"))
    return year if year and 2000 <= year <= 2100 else local_today().year


class EvaluationController(Controller):
    path = "/evaluations"
    opt = allow(ADMIN, STAFF, ASSESSOR, COMMUNITY)

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        tab = request.query_params.get("tab", "register")
        tab = tab if tab in dict(TABS) else "register"
        filters = {
            k: request.query_params.get(k, "").strip()
            for k in ("community", "grade", "status", "year")
        }
        year = _year(request)
        context = {
            "tab": tab,
            "tabs": TABS,
            "filters": filters,
            "year": year,
            "communities": await community_options(),
            **LABELS,
        }
        if tab == "register":
            context["rows"] = await service.register(user, filters)
        elif tab == "eligible":
            context["rows"] = await service.eligible_list(user, year)
        elif tab == "expiring":
            context["rows"] = await service.expiring(user, local_today())
        else:
            context["figures"] = await service.participation(user, year)
        return Template("evaluations/index.html", context=context)

    @get("/{evaluation_id:int}", opt=allow(*ALL_ROLES))
    async def show(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        user = user_of(request)
        evaluation = found(await service.get_evaluation(user, evaluation_id))
        may_manage = user.role in (ADMIN, STAFF)
        return Template(
            "evaluations/show.html",
            context={
                "evaluation": evaluation,
                "scores": await service.indicator_summary(user, evaluation_id),
                "columns": dict(scoring_rules.COLUMNS),
                "may_manage": may_manage,
                "may_score": await service.scorer_column(user, evaluation) is not None,
                "assigned": await service.assigned_assessors(user, evaluation_id),
                "assessors": await reviews.assessors() if may_manage else [],
                "review_kind": workitem_rules.EVALUATION_REVIEW,
                "assign_form": formlib.empty(forms.ASSIGN),
                "downgrade_form": formlib.empty(
                    forms.DOWNGRADE, {"version": evaluation["version"]}
                ),
                **LABELS,
            },
        )

    async def _scores_page(
        self, request: Request, evaluation_id: int, status: int = 200, **extra
    ) -> Template:
        try:
            data = await service.score_sheet(user_of(request), evaluation_id)
        except EvaluationError:
            raise NotFoundException() from None
        return Template(
            "evaluations/scores.html",
            status_code=status,
            context={
                **data,
                "inputs": sheet_inputs(data["rubric"]),
                "errors": [],
                "entered": None,
                **extra,
            },
        )

    @get("/{evaluation_id:int}/scores", opt=allow(ADMIN, STAFF, ASSESSOR, APPLICANT))
    async def scores(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        return await self._scores_page(request, evaluation_id)

    @post("/{evaluation_id:int}/scores", opt=allow(ADMIN, STAFF, ASSESSOR, APPLICANT))
    async def save_scores(
        self, request: Request, evaluation_id: FromPath[int]
    ) -> Template | Redirect:
        user = user_of(request)
        data = await form_data(request)
        try:
            page = await service.score_sheet(user, evaluation_id)
            outcome = await save_posted_sheet(
                request,
                data,
                page["rubric"],
                lambda *sheet: service.save_scores(user, evaluation_id, *sheet),
                scoring.ScoringError,
                back=f"/evaluations/{evaluation_id}/scores",
                done=f"/evaluations/{evaluation_id}",
            )
        except EvaluationError:
            # Not assigned (or not theirs): answered exactly like a missing evaluation.
            raise NotFoundException() from None
        if isinstance(outcome, Redirect):
            return outcome
        errors, entered = outcome
        return await self._scores_page(
            request, evaluation_id, status=400, errors=errors, entered=entered
        )

    @post("/{evaluation_id:int}/assessors", opt=allow(ADMIN, STAFF))
    async def assign(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        """Staff assign the assessors who may score this evaluation's panel sheet."""
        form = formlib.bind(forms.ASSIGN, await form_data(request))
        chosen = [
            i for v in await form_list(request, "assessor") if (i := int_or_none(v)) is not None
        ]
        return await submit(
            request,
            form,
            lambda cleaned: service.assign_assessors(
                user_of(request), evaluation_id, chosen, cleaned["due_date"]
            ),
            then=f"/evaluations/{evaluation_id}#assessors",
            done=lambda created: _("已安排 {n} 位评审。").format(n=created),
        )

    @post("/{evaluation_id:int}/scans", opt=takes_files(allow(ADMIN, STAFF)))
    async def scans(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        upload = data.get("file")
        if not is_upload(upload) or not upload.filename:
            flash(request, _("请选择要上传的文件"), "error")
            return see_other(f"/evaluations/{evaluation_id}")
        settings = settings_of(request)
        return await act(
            request,
            service.attach_scan(
                user_of(request),
                evaluation_id,
                str(data.get("which") or ""),
                await upload.read(),
                upload.filename,
                settings.uploads_dir,
                settings.max_upload_bytes,
            ),
            then=f"/evaluations/{evaluation_id}",
            done=_("扫描件已上传。"),
        )

    @post("/{evaluation_id:int}/downgrade", opt=allow(ADMIN, STAFF))
    async def downgrade(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        form = formlib.bind(forms.DOWNGRADE, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.downgrade(
                user_of(request),
                evaluation_id,
                cleaned["version"] or 0,
                "" if cleaned["to_grade"] == "none" else cleaned["to_grade"],
                cleaned["reason"],
            ),
            then=f"/evaluations/{evaluation_id}",
            done=lambda due: _("已降级。证书和牌匾须在 {date} 前交回。").format(date=due),
        )


class OrganizationEvaluationController(Controller):
    """The organization page's forms: a new evaluation result, a compliance fact."""

    path = "/organizations/{organization_id:int}"
    opt = allow(ADMIN, STAFF)

    @post("/evaluations")
    async def record(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        form = formlib.bind(forms.EVALUATION, await form_data(request))
        back = f"/organizations/{organization_id}#evaluations"
        if not form.ok:
            flash(request, "；".join(form.errors.values()), "error")
            return see_other(back)
        try:
            evaluation_id = await service.record(user_of(request), organization_id, form.cleaned)
        except EvaluationError as exc:
            flash(request, exc.message, "error")
            return see_other(back)
        flash(request, _("评估结果已登记。"))
        return see_other(f"/evaluations/{evaluation_id}")

    @post("/compliance")
    async def compliance(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        form = formlib.bind(forms.COMPLIANCE, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.add_compliance(user_of(request), organization_id, cleaned),
            then=f"/organizations/{organization_id}#evaluations",
            done=_("记录已添加。"),
        )


ROUTES = [EvaluationController, OrganizationEvaluationController]
