"""政社互动 pages: the year's agreements of every community (drafted from the street's template,
edited, signed with the stamped scan, printed ready to sign), notes on their items, the two-way
evaluations with their two score sheets, funding, pilot units, the targets and the import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.cooperation import exports, forms, importer, metrics, rules, service
from incubator.core import forms as formlib
from incubator.core.actions import submit
from incubator.core.http import (
    form_data,
    found,
    settings_of,
    uploaded_file,
    user_of,
    xlsx_response,
)
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.metrics import as_of_date, plan_year
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, ASSESSOR, COMMUNITY, STAFF, allow
from incubator.core.scoping import NotVisible
from incubator.core.web import takes_files
from incubator.regions.service import community_options
from incubator.scoring.forms import sheet_inputs
from incubator.scoring.posting import save_posted_sheet
from incubator.sheets.views import import_controller

READERS = (ADMIN, STAFF, ASSESSOR, COMMUNITY)
EDITORS = (ADMIN, STAFF, COMMUNITY)
STREET = (ADMIN, STAFF)
NAV = (NavItem(N_("政社互动"), "/cooperation", frozenset(READERS), order=215),)


class AgreementController(Controller):
    path = "/cooperation"
    opt = allow(*READERS)

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        query = service.AGREEMENTS.read(request.query_params)
        year = plan_year(query.filters["year"], local_today().year)
        page, totals = await service.agreements_of_year(
            user, year, query.filters, query.page, query.sort
        )
        return Template(
            "cooperation/index.html",
            context={
                "page": page,
                "totals": totals,
                "year": year,
                "filters": {**query.filters, "year": str(year)},
                "sort": query.sort,
                "params": {**query.params, "year": str(year)},
                "may_edit": user.role in EDITORS,
                "may_import": user.role in STREET,
                "may_manage": user.role in STREET,
            },
        )

    @get("/export.xlsx")
    async def export(self, request: Request) -> Response:
        """Signed agreements as the sheet 协议书 (of a year when one is given)."""
        year = plan_year(request.query_params.get("year"), 0) or None
        rows = await importer.agreement_rows(user_of(request), year)
        return xlsx_response(exports.agreements_xlsx(rows), text(rules.AGREEMENT_SHEET.title))

    @post("/draft", opt=allow(*EDITORS))
    async def draft(self, request: Request) -> Redirect:
        form = formlib.bind(forms.DRAFT, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.draft_agreement(
                user_of(request), cleaned["community_id"], cleaned["year"]
            ),
            then=lambda agreement_id: f"/cooperation/agreements/{agreement_id}",
            done=_("已按街道模板拟定协议书，可修改后打印签订。"),
        )

    @get("/template/{year:int}", opt=allow(*STREET))
    async def template(self, request: Request, year: FromPath[int]) -> Template:
        if not 2000 <= year <= 2100:
            raise NotVisible()
        draft = await service.template(year)
        return self._template_page(formlib.empty(forms.TEMPLATE, draft), year)

    def _template_page(self, form: formlib.Form, year: int) -> Template:
        return Template("cooperation/template.html", context={"form": form, "year": year})

    @post("/template/{year:int}", opt=allow(*STREET))
    async def save_template(self, request: Request, year: FromPath[int]) -> Template | Redirect:
        if not 2000 <= year <= 2100:
            raise NotVisible()
        form = formlib.bind(forms.TEMPLATE, await form_data(request))

        async def again(form: formlib.Form) -> Template:
            return self._template_page(form, year)

        return await submit(
            request,
            form,
            lambda cleaned: service.save_template(
                user_of(request), year, cleaned["version"] or 0, cleaned
            ),
            then=f"/cooperation?year={year}",
            done=_("协议书模板已保存；此后拟定的协议书按新模板生成。"),
            again=again,
        )

    @get("/agreements/{agreement_id:int}")
    async def show(self, request: Request, agreement_id: FromPath[int]) -> Template:
        user = user_of(request)
        agreement = found(await service.get_agreement(user, agreement_id))
        items = [
            (f"{code}:{n}", f"{text(label)} {n}. {item}")
            for code, label in rules.LISTS
            for n, item in enumerate(agreement[f"{code}_items"], start=1)
        ]
        return Template(
            "cooperation/agreement.html",
            context={
                "agreement": agreement,
                "lists": rules.LISTS,
                "notes": await service.notes(agreement_id),
                "may_edit": user.role in EDITORS,
                # Once signed, only the street corrects the date.
                "may_sign": user.role in STREET
                or (user.role in EDITORS and agreement["signed_on"] is None),
                "item_choices": items,
                "sign_form": formlib.empty(
                    forms.SIGN,
                    {"signed_on": agreement["signed_on"], "version": agreement["version"]},
                ),
                "note_form": formlib.empty(forms.NOTE, {"noted_on": local_today()}),
                "g1": rules.signed_in_h1(
                    agreement["signed_on"], agreement["year"], dt.date(agreement["year"], 12, 31)
                ),
            },
        )

    async def _edit_page(self, form: formlib.Form, agreement: dict) -> Template:
        return Template(
            "cooperation/agreement_form.html", context={"form": form, "agreement": agreement}
        )

    @get("/agreements/{agreement_id:int}/edit", opt=allow(*EDITORS))
    async def edit(self, request: Request, agreement_id: FromPath[int]) -> Template:
        agreement = found(await service.get_agreement(user_of(request), agreement_id))
        return await self._edit_page(formlib.empty(forms.AGREEMENT, agreement), agreement)

    @post("/agreements/{agreement_id:int}/edit", opt=allow(*EDITORS))
    async def update(self, request: Request, agreement_id: FromPath[int]) -> Template | Redirect:
        user = user_of(request)
        agreement = found(await service.get_agreement(user, agreement_id))
        form = formlib.bind(forms.AGREEMENT, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.update_agreement(
                user, agreement_id, cleaned["version"] or 0, cleaned
            ),
            then=f"/cooperation/agreements/{agreement_id}",
            done=_("协议书已保存。"),
            again=lambda form: self._edit_page(form, agreement),
        )

    @post("/agreements/{agreement_id:int}/sign", opt=takes_files(allow(*EDITORS)))
    async def sign(self, request: Request, agreement_id: FromPath[int]) -> Redirect:
        settings = settings_of(request)
        form = formlib.bind(forms.SIGN, await form_data(request))
        scan = await uploaded_file(request, "scan")
        return await submit(
            request,
            form,
            lambda cleaned: service.sign(
                user_of(request),
                agreement_id,
                cleaned["version"] or 0,
                cleaned["signed_on"],
                scan,
                settings.uploads_dir,
                settings.max_upload_bytes,
            ),
            then=f"/cooperation/agreements/{agreement_id}",
            done=_("已登记签订日期和盖章扫描件。"),
        )

    @post("/agreements/{agreement_id:int}/notes", opt=allow(*EDITORS))
    async def add_note(self, request: Request, agreement_id: FromPath[int]) -> Redirect:
        form = formlib.bind(forms.NOTE, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.add_note(user_of(request), agreement_id, cleaned),
            then=f"/cooperation/agreements/{agreement_id}#notes",
            done=_("落实情况已记录。"),
        )

    @get("/targets")
    async def targets(self, request: Request) -> Template:
        """G1 and G2 of each community in the user's scope, for a year as of a date."""
        user = user_of(request)
        today = local_today()
        year = plan_year(request.query_params.get("year"), today.year)
        as_of = as_of_date(request.query_params.get("as_of"), year, today)
        query = service.AGREEMENTS.read({"page_size": "200"})
        page, _totals = await service.agreements_of_year(user, year, {}, query.page, query.sort)
        rows = [
            {
                **row,
                "g1": await metrics.g1(row["id"], year, as_of),
                "g2": await metrics.g2(row["id"], year, as_of),
            }
            for row in page.items
        ]
        return Template(
            "cooperation/targets.html", context={"rows": rows, "year": year, "as_of": as_of}
        )


class EvaluationController(Controller):
    path = "/cooperation/evaluations"
    opt = allow(*READERS)

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        query = service.EVALUATIONS.read(request.query_params)
        page = await service.list_evaluations(user, query.filters, query.page, query.sort)
        return Template(
            "cooperation/evaluations.html",
            context={
                "page": page,
                "filters": query.filters,
                "sort": query.sort,
                "params": query.params,
                "communities": await community_options() if user.street_wide else [],
                "may_open": user.role in STREET,
                "form": formlib.empty(forms.EVALUATION, {"evaluated_on": local_today()}),
            },
        )

    @get("/export.xlsx")
    async def export(self, request: Request) -> Response:
        """The evaluations as the sheet 双向评估 (of a year when one is given)."""
        year = plan_year(request.query_params.get("year"), 0) or None
        rows = await importer.evaluation_rows(user_of(request), year)
        return xlsx_response(exports.evaluations_xlsx(rows), text(rules.EVALUATION_SHEET.title))

    @post("/", opt=allow(*STREET))
    async def create(self, request: Request) -> Redirect:
        form = formlib.bind(forms.EVALUATION, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.create_evaluation(user_of(request), cleaned),
            then=lambda evaluation_id: f"/cooperation/evaluations/{evaluation_id}",
            done=_("已开启一次双向评估：街道与社区各填一张评分表。"),
        )

    @get("/{evaluation_id:int}")
    async def show(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        user = user_of(request)
        evaluation = found(await service.get_evaluation(user, evaluation_id))
        return Template(
            "cooperation/evaluation.html",
            context={"evaluation": evaluation, "side": service.side_of(user, evaluation)},
        )

    async def _sheet_page(
        self, request: Request, evaluation_id: int, side: str, status: int = 200, **extra: Any
    ) -> Template:
        page = await service.score_page(user_of(request), evaluation_id, side)
        return Template(
            "cooperation/scores.html",
            status_code=status,
            context={
                **page,
                "inputs": sheet_inputs(page["rubric"]),
                "errors": [],
                "entered": None,
                **extra,
            },
        )

    @get("/{evaluation_id:int}/{side:str}", opt=allow(*EDITORS))
    async def sheet(
        self, request: Request, evaluation_id: FromPath[int], side: FromPath[str]
    ) -> Template:
        return await self._sheet_page(request, evaluation_id, side)

    @post("/{evaluation_id:int}/{side:str}", opt=allow(*EDITORS))
    async def save_sheet(
        self, request: Request, evaluation_id: FromPath[int], side: FromPath[str]
    ) -> Template | Redirect:
        user = user_of(request)
        page = await service.score_page(user, evaluation_id, side)
        base = f"/cooperation/evaluations/{evaluation_id}"
        outcome = await save_posted_sheet(
            request,
            await form_data(request),
            page["rubric"],
            lambda version, points, comments, comment, final: service.save_scores(
                user, evaluation_id, side, version, points, comments, comment, final
            ),
            service.CooperationError,
            back=f"{base}/{side}",
            done=base,
        )
        if isinstance(outcome, Redirect):
            return outcome
        errors, entered = outcome
        return await self._sheet_page(
            request, evaluation_id, side, status=400, errors=errors, entered=entered
        )


class FundingController(Controller):
    path = "/cooperation/funding"
    opt = allow(*READERS)

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        year = plan_year(request.query_params.get("year"), local_today().year)
        rows, total = await service.funding_of_year(user, year)
        return Template(
            "cooperation/funding.html",
            context={
                "rows": rows,
                "total": total,
                "year": year,
                "pilots": await service.pilots(year),
                "areas": dict(rules.AREAS),
                "may_manage": user.role in STREET,
                "communities": await community_options() if user.street_wide else [],
                "funding_form": formlib.empty(forms.FUNDING, {"year": year}),
                "pilot_form": formlib.empty(forms.PILOT, {"year": year}),
            },
        )

    @post("/", opt=allow(*STREET))
    async def add(self, request: Request) -> Redirect:
        form = formlib.bind(forms.FUNDING, await form_data(request))
        year = form.cleaned.get("year") or local_today().year
        return await submit(
            request,
            form,
            lambda cleaned: service.add_funding(user_of(request), cleaned),
            then=f"/cooperation/funding?year={year}",
            done=_("经费拨付已登记。"),
        )

    @post("/pilots", opt=allow(*STREET))
    async def pilot(self, request: Request) -> Redirect:
        form = formlib.bind(forms.PILOT, await form_data(request))
        year = form.cleaned.get("year") or local_today().year
        return await submit(
            request,
            form,
            lambda cleaned: service.mark_pilot(user_of(request), cleaned),
            then=f"/cooperation/funding?year={year}#pilots",
            done=_("已标记亮点（试点）单位。"),
        )


# The street's register: evaluations are the street's to open and signings come with a scan on
# the agreement's page, so communities do not import these sheets.
ImportController = import_controller(
    importer.BOOK,
    path="/cooperation/import",
    roles=allow(*STREET),
    back=("/cooperation", N_("政社互动")),
    title=N_("导入协议书与双向评估"),
    template_name=N_("政社互动导入模板"),
)

ROUTES = [ImportController, EvaluationController, FundingController, AgreementController]
