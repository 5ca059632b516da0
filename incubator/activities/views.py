"""The ledger pages: filtered list with totals and subtotals, exports, one record, its form,
its workflow and its photos."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.activities import exports, forms, importer, rules, service
from incubator.activities.service import ActivityError
from incubator.core import forms as formlib
from incubator.core.actions import act, submit
from incubator.core.flash import flash
from incubator.core.http import (
    download_headers,
    form_data,
    form_list,
    found,
    is_upload,
    see_other,
    settings_of,
    user_of,
)
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, ALL_ROLES, APPLICANT, COMMUNITY, STAFF, allow
from incubator.core.scoping import int_or_none, row_id
from incubator.core.web import takes_files
from incubator.organizations.service import organization_choices
from incubator.regions.service import community_options, grid_options
from incubator.sheets.views import import_controller

NAV = (NavItem(N_("服务记录台账"), "/activities", frozenset(ALL_ROLES), order=110),)
RECORDERS = (ADMIN, STAFF, COMMUNITY, APPLICANT)
VIEWS = (
    ("list", N_("明细")),
    ("community", N_("按社区")),
    ("organization", N_("按社会组织")),
    ("category", N_("按类别")),
    ("month", N_("按月份")),
)


async def ledger_download(request: Request, fmt: str) -> Response:
    """The filtered ledger as XLSX or CSV (the page's exports and /reports/ledger.xlsx)."""
    query = service.LEDGER.read(request.query_params)
    rows = await service.export_rows(user_of(request), query.filters, query.sort)
    content, media_type, name = exports.ledger_file(rows, fmt)
    return Response(content=content, media_type=media_type, headers=download_headers(name))


async def _choices(user: Any) -> dict[str, Any]:
    community_id = user.community_id if user.role == COMMUNITY else None
    return {
        "categories": rules.CATEGORIES,
        "statuses": rules.STATUSES,
        "served_groups": rules.SERVED_GROUPS,
        "organizations": await organization_choices(community_id) if user.role != APPLICANT else [],
        "communities": await community_options() if user.role not in (APPLICANT,) else [],
        "grids": await grid_options(community_id),
    }


class ActivityController(Controller):
    path = "/activities"
    opt = allow(*ALL_ROLES)

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        query = service.LEDGER.read(request.query_params)
        filters, sort = query.filters, query.sort
        view = request.query_params.get("view", "list")
        view = view if view in dict(VIEWS) else "list"
        page, totals = await service.ledger(user, filters, query.page, sort)
        return Template(
            "activities/index.html",
            context={
                "page": page,
                "totals": totals,
                "filters": filters,
                "sort": sort,
                "view": view,
                "views": VIEWS,
                "groups": await service.summary(user, filters, view) if view != "list" else [],
                "params": {**query.params, "view": view},
                "may_record": user.role in RECORDERS,
                "may_import": user.role in (ADMIN, STAFF, COMMUNITY),
                "current_year": local_today().year,
                "label": rules.label,
                **await _choices(user),
            },
        )

    @get("/export.xlsx")
    async def export_xlsx(self, request: Request) -> Response:
        return await ledger_download(request, "xlsx")

    @get("/export.csv")
    async def export_csv(self, request: Request) -> Response:
        return await ledger_download(request, "csv")

    async def _form_page(
        self,
        request: Request,
        form: formlib.Form,
        activity: dict | None,
        groups: set[str],
        status: int = 200,
    ) -> Template:
        user = user_of(request)
        return Template(
            "activities/form.html",
            status_code=status,
            context={
                "form": form,
                "activity": activity,
                "chosen_groups": groups,
                "role": user.role,
                **await _choices(user),
            },
        )

    @get("/new", opt=allow(*RECORDERS))
    async def new(self, request: Request) -> Template:
        user = user_of(request)
        initial = {"held_on": local_today(), "community_id": user.community_id}
        if (organization := row_id(request.query_params.get("organization"))) is not None:
            initial["organization_id"] = organization
        return await self._form_page(request, formlib.empty(forms.ACTIVITY, initial), None, set())

    @post("/new", opt=allow(*RECORDERS))
    async def create(self, request: Request) -> Template | Redirect:
        form = formlib.bind(forms.ACTIVITY, await form_data(request))
        groups = await _served_groups(request, form)
        return await submit(
            request,
            form,
            lambda cleaned: service.create_activity(
                user_of(request), cleaned | {"served_groups": ",".join(groups)}
            ),
            then=lambda activity_id: f"/activities/{activity_id}",
            done=_("记录已保存为草稿，可继续上传照片和签到表，然后提交核实。"),
            again=lambda form: self._form_page(request, form, None, set(groups)),
        )

    @get("/{activity_id:int}")
    async def show(self, request: Request, activity_id: FromPath[int]) -> Template:
        user = user_of(request)
        activity = found(await service.get_activity(user, activity_id))
        return Template(
            "activities/show.html",
            context={
                "activity": activity,
                "files": await service.activity_files(activity_id),
                "moves": [
                    m
                    for m in rules.MOVES
                    if activity["status"] in m.sources and user.role in m.roles
                ],
                "may_edit": user.role in RECORDERS
                and (
                    activity["status"] in rules.EDITABLE
                    or (user.role in rules.STAFF_ROLES and activity["status"] == "submitted")
                ),
                "may_highlight": user.role in rules.STAFF_ROLES,
                "label": rules.label,
                "categories": rules.CATEGORIES,
                "statuses": rules.STATUSES,
                "served_groups": dict(rules.SERVED_GROUPS),
            },
        )

    @get("/{activity_id:int}/edit", opt=allow(*RECORDERS))
    async def edit(self, request: Request, activity_id: FromPath[int]) -> Template:
        activity = found(await service.get_activity(user_of(request), activity_id))
        initial = {
            **activity,
            "organization_id": activity["organization"],
            "community_id": activity["community"],
            "grid_id": activity["grid"],
            "start_time": activity["start_time"].strftime("%H:%M")
            if activity["start_time"]
            else "",
            "end_time": activity["end_time"].strftime("%H:%M") if activity["end_time"] else "",
        }
        groups = set(filter(None, activity["served_groups"].split(",")))
        return await self._form_page(
            request, formlib.empty(forms.ACTIVITY, initial), activity, groups
        )

    @post("/{activity_id:int}/edit", opt=allow(*RECORDERS))
    async def update(self, request: Request, activity_id: FromPath[int]) -> Template | Redirect:
        user = user_of(request)
        activity = found(await service.get_activity(user, activity_id))
        form = formlib.bind(forms.ACTIVITY, await form_data(request))
        groups = await _served_groups(request, form)
        return await submit(
            request,
            form,
            lambda cleaned: service.update_activity(
                user,
                activity_id,
                cleaned["version"] or 0,
                cleaned | {"served_groups": ",".join(groups)},
            ),
            then=f"/activities/{activity_id}",
            done=_("记录已保存。"),
            again=lambda form: self._form_page(request, form, activity, set(groups)),
        )

    @post("/{activity_id:int}/move", opt=allow(*RECORDERS))
    async def move(self, request: Request, activity_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
        return await act(
            request,
            service.move(
                user_of(request),
                activity_id,
                int_or_none(data.get("version")) or 0,
                str(data.get("code") or ""),
                reason,
            ),
            then=f"/activities/{activity_id}",
            done=lambda status: _("记录状态：{status}。").format(
                status=text(rules.label(rules.STATUSES, status))
            ),
        )

    @post("/{activity_id:int}/highlight", opt=allow(ADMIN, STAFF))
    async def highlight(self, request: Request, activity_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        return await act(
            request,
            service.set_highlight(
                user_of(request),
                activity_id,
                int_or_none(data.get("version")) or 0,
                data.get("on") == "1",
            ),
            then=f"/activities/{activity_id}",
            done=_("亮点标记已更新。"),
        )

    @post("/{activity_id:int}/files", opt=takes_files(allow(*RECORDERS)))
    async def upload(self, request: Request, activity_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        settings = settings_of(request)
        uploads = [
            u for u in (await request.form()).getall("file", []) if is_upload(u) and u.filename
        ]
        if not uploads:
            flash(request, _("请选择要上传的文件"), "error")
            return see_other(f"/activities/{activity_id}")
        try:
            for upload in uploads:
                await service.attach(
                    user_of(request),
                    activity_id,
                    str(data.get("kind") or ""),
                    await upload.read(),
                    upload.filename,
                    settings.uploads_dir,
                    settings.max_upload_bytes,
                    settings.applicant_upload_quota_bytes,
                )
        except ActivityError as exc:
            flash(request, exc.message, "error")
        else:
            flash(request, _("已上传 {n} 个文件。").format(n=len(uploads)))
        return see_other(f"/activities/{activity_id}#files")


async def _served_groups(request: Request, form: formlib.Form) -> list[str]:
    chosen = list(dict.fromkeys(await form_list(request, "served_groups")))
    if set(chosen) - dict(rules.SERVED_GROUPS).keys():
        form.add_error("served_groups", _("请选择有效的服务对象"))
    return chosen


ImportController = import_controller(
    importer.BOOK,
    path="/activities/import",
    roles=allow(ADMIN, STAFF, COMMUNITY),
    back=("/activities", N_("服务记录台账")),
    title=N_("导入服务记录台账"),
    template_name=N_("服务记录台账导入模板"),
)


ROUTES = [ImportController, ActivityController]
