"""Work-item pages: the list with what is overdue and due soon, one item with its timeline."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.core import forms as formlib
from incubator.core.actions import submit
from incubator.core.flash import flash
from incubator.core.http import form_data, found, see_other, user_of
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.locking import StaleVersionError
from incubator.core.nav import NavItem
from incubator.core.roles import (
    ADMIN,
    APPLICANT,
    ASSESSOR,
    COMMUNITY,
    STAFF,
    allow,
    allow_signed_in,
)
from incubator.regions import service as regions
from incubator.workitems import forms, rules, service
from incubator.workitems.service import WorkItemError

# Per kind and status the service decides (workitems.rules.Kind.movers).
MOVERS = (ADMIN, STAFF, COMMUNITY, APPLICANT)
MANAGERS = (ADMIN, STAFF)
NAV = (
    NavItem(
        N_("待办事项"),
        "/work",
        frozenset({ADMIN, STAFF, COMMUNITY, ASSESSOR, APPLICANT}),
        order=150,
    ),
)


class WorkItemController(Controller):
    path = "/work"
    opt = allow_signed_in()

    @get("/")
    async def index(self, request: Request) -> Template:
        user = user_of(request)
        query = forms.ITEMS.read(request.query_params)
        filters = {**query.filters, "state": query.filters["state"] or "open"}
        page = await service.list_items(user, filters, query.page)
        return Template(
            "workitems/index.html",
            context={
                "page": page,
                "filters": filters,
                "due": await service.due_lists(user, local_today()),
                "kinds": {k.code: k for k in rules.kinds()},
                "kind_choices": forms.KIND_CHOICES,
                "today": local_today(),
                "due_class": rules.due_class,
            },
        )

    async def _new_page(self, form: formlib.Form, status: int = 200) -> Template:
        communities = await regions.community_options()
        return Template(
            "workitems/new.html",
            context={
                "form": form,
                "owners": await service.assignable_users(),
                "communities": communities,
            },
            status_code=status,
        )

    @get("/new", opt=allow(*MANAGERS))
    async def new(self) -> Template:
        return await self._new_page(formlib.empty(forms.CREATE))

    @post("/new", opt=allow(*MANAGERS))
    async def create(self, request: Request) -> Template | Redirect:
        form = formlib.bind(forms.CREATE, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.create_item(
                user_of(request),
                kind=cleaned["kind"],
                title=cleaned["title"],
                due_date=cleaned["due_date"],
                owner_id=cleaned["owner_id"],
                community_id=cleaned["community_id"],
                note=cleaned["note"] or "",
            ),
            then=lambda item_id: f"/work/{item_id}",
            done=_("事项已创建。"),
            again=lambda form: self._new_page(form),
            field="title",
        )

    async def _item_page(
        self, request: Request, item_id: int, status: int = 200, **forms_in: formlib.Form
    ) -> Template:
        user = user_of(request)
        item = found(await service.get_item(user, item_id))
        kind = rules.kind(item["kind"])
        return Template(
            "workitems/item.html",
            context={
                "item": item,
                "kind": kind,
                "events": await service.timeline(item_id),
                "moves": [
                    (s, kind.label_of(s))
                    for s in kind.statuses_from(item["status"])
                    if kind.may_move_into(s, user.role)
                ],
                "may_move": user.role in MOVERS,
                "may_reassign": user.role in MANAGERS,
                "owners": await service.assignable_users() if user.role in MANAGERS else [],
                "move_form": forms_in.get("move_form")
                or formlib.empty(forms.MOVE, {"version": item["version"]}),
                "reassign_form": forms_in.get("reassign_form")
                or formlib.empty(
                    forms.REASSIGN,
                    {
                        "owner_id": item["owner"],
                        "due_date": item["due_date"],
                        "version": item["version"],
                    },
                ),
                "due_class": rules.due_class(item["due_date"], local_today())
                if item["is_open"]
                else None,
            },
            status_code=status,
        )

    @get("/{item_id:int}")
    async def show(self, request: Request, item_id: FromPath[int]) -> Template:
        return await self._item_page(request, item_id)

    @post("/{item_id:int}/move", opt=allow(*MOVERS))
    async def move(self, request: Request, item_id: FromPath[int]) -> Template | Redirect:
        form = formlib.bind(forms.MOVE, await form_data(request))
        if form.ok:
            try:
                await service.move(
                    user_of(request),
                    item_id,
                    form.cleaned["version"],
                    form.cleaned["to_status"],
                    note=form.cleaned["note"] or "",
                )
            except WorkItemError as exc:
                form.add_error("to_status", exc.message)
            except StaleVersionError as exc:
                flash(request, text(exc.message), "error")
                return see_other(f"/work/{item_id}")
            else:
                flash(request, _("状态已更新。"))
                return see_other(f"/work/{item_id}")
        return await self._item_page(request, item_id, status=400, move_form=form)

    @post("/{item_id:int}/reassign", opt=allow(*MANAGERS))
    async def reassign(self, request: Request, item_id: FromPath[int]) -> Template | Redirect:
        form = formlib.bind(forms.REASSIGN, await form_data(request))
        if form.ok:
            try:
                await service.reassign(
                    user_of(request),
                    item_id,
                    form.cleaned["version"],
                    form.cleaned["owner_id"],
                    form.cleaned["due_date"],
                )
            except WorkItemError as exc:
                form.add_error("owner_id", exc.message)
            except StaleVersionError as exc:
                flash(request, text(exc.message), "error")
                return see_other(f"/work/{item_id}")
            else:
                flash(request, _("负责人和期限已更新。"))
                return see_other(f"/work/{item_id}")
        return await self._item_page(request, item_id, status=400, reassign_form=form)


ROUTES = [WorkItemController]
