"""社区阵地建设 pages: facility projects (list, form, one project with its course, progress notes
and photos), meal-aid points, the three-stations checklist, the area's targets, the import."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.core import forms as formlib
from incubator.core.actions import act, submit
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
from incubator.core.scoping import int_or_none
from incubator.core.web import takes_files
from incubator.facilities import exports, forms, importer, metrics, rules, service
from incubator.regions.service import community_options
from incubator.sheets.views import import_controller
from incubator.workitems import rules as workitem_rules

READERS = (ADMIN, STAFF, ASSESSOR, COMMUNITY)
EDITORS = (ADMIN, STAFF, COMMUNITY)
NAV = (NavItem(N_("社区阵地建设"), "/facilities", frozenset(READERS), order=210),)


class ProjectController(Controller):
    path = "/facilities"
    opt = allow(*READERS)

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        query = service.PROJECTS.read(request.query_params)
        page, totals = await service.list_projects(user, query.filters, query.page, query.sort)
        return Template(
            "facilities/index.html",
            context={
                "page": page,
                "totals": totals,
                "filters": query.filters,
                "sort": query.sort,
                "params": query.params,
                "kinds": rules.KINDS,
                "statuses": rules.PROJECT.statuses,
                "communities": await community_options() if user.street_wide else [],
                "may_edit": user.role in EDITORS,
                "today": local_today(),
            },
        )

    @get("/export.xlsx")
    async def export(self, request: Request) -> Response:
        """The filtered projects as the sheet 阵地项目: it imports again unchanged."""
        user = user_of(request)
        query = service.PROJECTS.read(request.query_params)
        clauses = service.project_filters(query.filters, local_today())
        rows = await importer.project_rows(user, clauses)
        return xlsx_response(exports.projects_xlsx(rows), text(rules.PROJECT_SHEET.title))

    async def _form_page(
        self, request: Request, form: formlib.Form, project: dict | None
    ) -> Template:
        user = user_of(request)
        return Template(
            "facilities/project_form.html",
            context={
                "form": form,
                "project": project,
                "role": user.role,
                "communities": await community_options() if user.street_wide else [],
            },
        )

    @get("/new", opt=allow(*EDITORS))
    async def new(self, request: Request) -> Template:
        user = user_of(request)
        initial = {
            "year": local_today().year,
            "community_id": user.community_id,
            "lead_unit": text(rules.LEAD_UNIT),
            "partner_units": text(rules.PARTNER_UNIT),
        }
        return await self._form_page(request, formlib.empty(forms.PROJECT_NEW, initial), None)

    @post("/new", opt=allow(*EDITORS))
    async def create(self, request: Request) -> Template | Redirect:
        form = formlib.bind(forms.PROJECT_NEW, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.create_project(user_of(request), cleaned),
            then=lambda project_id: f"/facilities/{project_id}",
            done=_("项目已立项，进入方案编制。"),
            again=lambda form: self._form_page(request, form, None),
        )

    @get("/{project_id:int}")
    async def show(self, request: Request, project_id: FromPath[int]) -> Template:
        user = user_of(request)
        project = found(await service.get_project(user, project_id))
        kind = rules.PROJECT
        steps = [
            (code, kind.label_of(code))
            for code in kind.statuses_from(project["status"])
            if kind.may_move_into(code, user.role)
        ]
        return Template(
            "facilities/project.html",
            context={
                "project": project,
                "kind": kind,
                "kinds": dict(rules.KINDS),
                "steps": steps,
                "step_dates": rules.STEP_DATES,
                "date_labels": rules.DATE_LABELS,
                "date_order": rules.DATE_ORDER,
                "needs_reason": rules.NEEDS_REASON,
                "events": await service.project_timeline(project),
                "due_class": workitem_rules.due_class(project["due_date"], local_today())
                if project["is_open"]
                else None,
                "may_edit": user.role in EDITORS,
                "today": local_today(),
                "step_form": formlib.empty(forms.STEP, {"version": project["version"]}),
                "progress_form": formlib.empty(forms.PROGRESS),
            },
        )

    @get("/{project_id:int}/edit", opt=allow(*EDITORS))
    async def edit(self, request: Request, project_id: FromPath[int]) -> Template:
        project = found(await service.get_project(user_of(request), project_id))
        return await self._form_page(request, formlib.empty(forms.PROJECT, project), project)

    @post("/{project_id:int}/edit", opt=allow(*EDITORS))
    async def update(self, request: Request, project_id: FromPath[int]) -> Template | Redirect:
        user = user_of(request)
        project = found(await service.get_project(user, project_id))
        form = formlib.bind(forms.PROJECT, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.update_project(
                user, project_id, cleaned["version"] or 0, cleaned
            ),
            then=f"/facilities/{project_id}",
            done=_("项目已保存。"),
            again=lambda form: self._form_page(request, form, project),
        )

    @post("/{project_id:int}/step", opt=allow(*EDITORS))
    async def step(self, request: Request, project_id: FromPath[int]) -> Template | Redirect:
        form = formlib.bind(forms.STEP, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.move_project(
                user_of(request),
                project_id,
                cleaned["version"] or 0,
                cleaned["target"],
                cleaned["when"],
                cleaned["note"] or "",
            ),
            then=f"/facilities/{project_id}",
            done=lambda status: _("项目进度：{status}。").format(
                status=text(rules.PROJECT.label_of(status))
            ),
        )

    @post("/{project_id:int}/progress", opt=takes_files(allow(*EDITORS)))
    async def progress(self, request: Request, project_id: FromPath[int]) -> Redirect:
        settings = settings_of(request)
        form = formlib.bind(forms.PROGRESS, await form_data(request))
        photo = await uploaded_file(request, "photo")
        return await submit(
            request,
            form,
            lambda cleaned: service.add_progress(
                user_of(request),
                project_id,
                cleaned["note"] or "",
                photo,
                settings.uploads_dir,
                settings.max_upload_bytes,
            ),
            then=f"/facilities/{project_id}#timeline",
            done=_("进展已记录。"),
        )

    @post("/{project_id:int}/archive", opt=allow(ADMIN, STAFF))
    async def archive(self, request: Request, project_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        return await act(
            request,
            service.archive_project(
                user_of(request), project_id, int_or_none(data.get("version")) or 0
            ),
            then="/facilities",
            done=_("项目已归档。"),
        )

    @get("/targets")
    async def targets(self, request: Request) -> Template:
        """F1 and F2 of each community in the user's scope, for a year as of a date."""
        user = user_of(request)
        today = local_today()
        year = plan_year(request.query_params.get("year"), today.year)
        as_of = as_of_date(request.query_params.get("as_of"), year, today)
        rows = []
        for community in await service.checklist_overview(user, year):
            rows.append(
                {
                    **community,
                    "f1": await metrics.f1(community["id"], year, as_of),
                    "f2": await metrics.f2(community["id"], year, as_of),
                }
            )
        return Template(
            "facilities/targets.html",
            context={"rows": rows, "year": year, "as_of": as_of},
        )


class MealPointController(Controller):
    path = "/facilities/meal-points"
    opt = allow(*READERS)

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        query = service.MEAL_POINTS.read(request.query_params)
        page, totals = await service.list_meal_points(user, query.filters, query.page, query.sort)
        return Template(
            "facilities/meal_points.html",
            context={
                "page": page,
                "totals": totals,
                "filters": query.filters,
                "sort": query.sort,
                "params": query.params,
                "communities": await community_options() if user.street_wide else [],
                "may_edit": user.role in EDITORS,
            },
        )

    @get("/export.xlsx")
    async def export(self, request: Request) -> Response:
        query = service.MEAL_POINTS.read(request.query_params)
        rows = await service.export_meal_points(user_of(request), query.filters, query.sort)
        return exports.meal_points_download(rows)

    async def _form_page(
        self, request: Request, form: formlib.Form, point: dict | None
    ) -> Template:
        user = user_of(request)
        return Template(
            "facilities/meal_point_form.html",
            context={
                "form": form,
                "point": point,
                "role": user.role,
                "communities": await community_options() if user.street_wide else [],
            },
        )

    @get("/new", opt=allow(*EDITORS))
    async def new(self, request: Request) -> Template:
        initial = {"community_id": user_of(request).community_id}
        return await self._form_page(request, formlib.empty(forms.MEAL_POINT, initial), None)

    @post("/new", opt=allow(*EDITORS))
    async def create(self, request: Request) -> Template | Redirect:
        form = formlib.bind(forms.MEAL_POINT, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.create_meal_point(user_of(request), cleaned),
            then="/facilities/meal-points",
            done=_("助餐点已登记。"),
            again=lambda form: self._form_page(request, form, None),
        )

    @get("/{point_id:int}/edit", opt=allow(*EDITORS))
    async def edit(self, request: Request, point_id: FromPath[int]) -> Template:
        point = found(await service.get_meal_point(user_of(request), point_id))
        initial = {**point, "community_id": point["community"]}
        return await self._form_page(request, formlib.empty(forms.MEAL_POINT, initial), point)

    @post("/{point_id:int}/edit", opt=allow(*EDITORS))
    async def update(self, request: Request, point_id: FromPath[int]) -> Template | Redirect:
        user = user_of(request)
        point = found(await service.get_meal_point(user, point_id))
        form = formlib.bind(forms.MEAL_POINT, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.update_meal_point(
                user, point_id, cleaned["version"] or 0, cleaned
            ),
            then="/facilities/meal-points",
            done=_("助餐点已保存。"),
            again=lambda form: self._form_page(request, form, point),
        )

    @post("/{point_id:int}/archive", opt=allow(*EDITORS))
    async def archive(self, request: Request, point_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        return await act(
            request,
            service.archive_meal_point(
                user_of(request), point_id, int_or_none(data.get("version")) or 0
            ),
            then="/facilities/meal-points",
            done=_("助餐点已归档。"),
        )


class StationController(Controller):
    path = "/facilities/stations"
    opt = allow(*READERS)

    @get("/")
    async def index(self, request: Request) -> Template:
        year = plan_year(request.query_params.get("year"), local_today().year)
        return Template(
            "facilities/stations.html",
            context={
                "year": year,
                "rows": await service.checklist_overview(user_of(request), year),
                "items": len(rules.STATION_ITEMS),
            },
        )

    @get("/export.xlsx")
    async def export(self, request: Request) -> Response:
        """The checklists as the sheet 三大站核查 (of a year when one is given)."""
        raw = request.query_params.get("year")
        year = plan_year(raw, 0) or None
        rows = await importer.checklist_rows(user_of(request), year)
        return xlsx_response(exports.checklists_xlsx(rows), text(rules.CHECKLIST_SHEET.title))

    @get("/{community_id:int}/{year:int}")
    async def show(
        self, request: Request, community_id: FromPath[int], year: FromPath[int]
    ) -> Template:
        user = user_of(request)
        if not 2000 <= year <= 2100:
            found(None)
        checklist = await service.checklist(user, community_id, year)
        return Template(
            "facilities/checklist.html",
            context={
                "checklist": checklist,
                "may_edit": user.role in EDITORS,
                "today": local_today(),
                "forms": {
                    item["item"]: formlib.empty(
                        forms.CHECK,
                        {
                            **item,
                            "done": "1" if item["done"] else "",
                            "checked_on": item["checked_on"] or local_today(),
                            "checker": item["checker"] or user.name,
                        },
                    )
                    for item in checklist["items"]
                },
            },
        )

    @post("/{community_id:int}/{year:int}/{item:str}", opt=takes_files(allow(*EDITORS)))
    async def check(
        self,
        request: Request,
        community_id: FromPath[int],
        year: FromPath[int],
        item: FromPath[str],
    ) -> Redirect:
        settings = settings_of(request)
        form = formlib.bind(forms.CHECK, await form_data(request))
        photo = await uploaded_file(request, "photo")
        back = f"/facilities/stations/{community_id}/{year}"
        return await submit(
            request,
            form,
            lambda cleaned: service.save_check(
                user_of(request),
                community_id,
                year,
                item,
                cleaned["version"] or 0,
                cleaned,
                photo,
                settings.uploads_dir,
                settings.max_upload_bytes,
            ),
            then=back,
            done=_("核查结果已保存。"),
        )


ImportController = import_controller(
    importer.BOOK,
    path="/facilities/import",
    roles=allow(*EDITORS),
    back=("/facilities", N_("社区阵地建设")),
    title=N_("导入阵地项目与三大站核查"),
    template_name=N_("社区阵地建设导入模板"),
)

ROUTES = [ImportController, MealPointController, StationController, ProjectController]
