"""Review pages: staff assign assessors; an assessor scores (live total), submits or recuses."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.core.actions import act, submit
from incubator.core.flash import flash
from incubator.core.forms import Field, Form, bind, empty
from incubator.core.http import form_data, form_list, see_other, user_of
from incubator.core.i18n import N_, _
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, ASSESSOR, STAFF, allow
from incubator.core.scoping import int_or_none
from incubator.reviews import service
from incubator.reviews.service import ReviewError
from incubator.scoring import rules as scoring_rules
from incubator.scoring.forms import sheet_inputs
from incubator.scoring.posting import save_posted_sheet
from incubator.workitems import rules as workitem_rules

NAV = (NavItem(N_("评审任务"), "/reviews", frozenset({ADMIN, STAFF, ASSESSOR}), order=95),)
ASSIGN = (Field("due_date", N_("评分期限"), kind="date"),)


async def _chosen_ids(request: Request, key: str) -> list[int]:
    """The ids ticked in a group of checkboxes (anything else is ignored)."""
    return [i for v in await form_list(request, key) if (i := int_or_none(v)) is not None]


class ReviewController(Controller):
    path = "/reviews"
    opt = allow(ADMIN, STAFF, ASSESSOR)

    @get("/")
    async def index(self, request: Request) -> Template:
        items = await service.reviews_for(user_of(request))
        return Template(
            "reviews/index.html",
            context={"items": items, "kinds": {k.code: k for k in workitem_rules.kinds()}},
        )

    async def _bulk_page(
        self,
        request: Request,
        form: Form,
        organization_ids: list[int],
        assessor_ids: list[int],
        problem: str = "",
        status: int = 200,
    ) -> Template:
        return Template(
            "reviews/assign.html",
            context={
                "form": form,
                "queue": await service.screening_queue(user_of(request)),
                "assessors": await service.assessors(),
                "chosen_organizations": set(organization_ids),
                "chosen_assessors": set(assessor_ids),
                "problem": problem,
                "kind": workitem_rules.kind("screening_review"),
            },
            status_code=status,
        )

    @get("/assign", opt=allow(ADMIN, STAFF))
    async def bulk(self, request: Request) -> Template:
        """筛选评估: assign several assessors to several organizations in screening at once."""
        return await self._bulk_page(request, empty(ASSIGN), [], [])

    @post("/assign", opt=allow(ADMIN, STAFF))
    async def bulk_assign(self, request: Request) -> Template | Redirect:
        form = bind(ASSIGN, await form_data(request))
        organization_ids = await _chosen_ids(request, "organization")
        assessor_ids = await _chosen_ids(request, "assessor")
        if not organization_ids:
            form.add_error("organization", _("请至少选择一个社会组织"))
        if not assessor_ids:
            form.add_error("assessor", _("请至少选择一位评审"))
        problem = ""
        if form.ok:
            try:
                done = await service.assign_many(
                    user_of(request),
                    organization_ids,
                    assessor_ids,
                    form.cleaned["due_date"],
                    stage="screening",
                )
            except ReviewError as exc:
                problem = _("未安排任何评审：{error}").format(error=exc.message)
            else:
                message = _("已为 {orgs} 个社会组织新安排 {n} 项评审任务。").format(
                    orgs=len(set(organization_ids)), n=done.created
                )
                if done.skipped:
                    message += _("{n} 项此前已安排，未重复安排。").format(n=done.skipped)
                flash(request, message)
                return see_other("/reviews/assign")
        return await self._bulk_page(
            request, form, organization_ids, assessor_ids, problem, status=400
        )

    @staticmethod
    async def _review(request: Request, item_id: int) -> dict:
        try:
            return await service.review(user_of(request), item_id)
        except ReviewError:
            # Someone else's review answers exactly like a missing one.
            raise NotFoundException() from None

    async def _page(self, request: Request, item_id: int, status: int = 200, **extra) -> Template:
        data = await self._review(request, item_id)
        kind = workitem_rules.kind(data["item"]["kind"])
        context = {
            **data,
            "kind": kind,
            "inputs": sheet_inputs(data["rubric"]),
            "columns": dict(scoring_rules.COLUMNS),
            "errors": [],
            "entered": None,
            **extra,
        }
        return Template("reviews/review.html", context=context, status_code=status)

    @get("/{item_id:int}")
    async def show(self, request: Request, item_id: FromPath[int]) -> Template:
        return await self._page(request, item_id)

    @post("/{item_id:int}", opt=allow(ASSESSOR))
    async def save(self, request: Request, item_id: FromPath[int]) -> Template | Redirect:
        user = user_of(request)
        data = await form_data(request)
        page = await self._review(request, item_id)
        outcome = await save_posted_sheet(
            request,
            data,
            page["rubric"],
            lambda *sheet: service.save(user, item_id, *sheet),
            ReviewError,
            back=f"/reviews/{item_id}",
            done=f"/reviews/{item_id}",
        )
        if isinstance(outcome, Redirect):
            return outcome
        errors, entered = outcome
        return await self._page(request, item_id, status=400, errors=errors, entered=entered)

    @post("/{item_id:int}/recuse", opt=allow(ASSESSOR))
    async def recuse(self, request: Request, item_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        version = int_or_none(data.get("version"))
        reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
        return await act(
            request,
            service.recuse(user_of(request), item_id, version or 0, reason),
            then=f"/reviews/{item_id}",
            done=_("已申请回避，中心将另行安排评审。"),
        )


class AssignController(Controller):
    path = "/organizations/{organization_id:int}/reviewers"
    opt = allow(ADMIN, STAFF)

    @post("/")
    async def assign(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        form = bind(ASSIGN, await form_data(request))
        chosen = await _chosen_ids(request, "assessor")
        return await submit(
            request,
            form,
            lambda cleaned: service.assign(
                user_of(request), organization_id, chosen, cleaned["due_date"]
            ),
            then=f"/organizations/{organization_id}",
            done=lambda created: _("已安排 {n} 位评审。").format(n=created),
        )


ROUTES = [ReviewController, AssignController]
