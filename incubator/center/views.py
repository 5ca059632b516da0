"""Pages of the center: the space and its occupancy, entry agreements, support records."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.center import forms, rules, service
from incubator.core import forms as formlib
from incubator.core.actions import act, submit
from incubator.core.http import form_data, form_list, found, user_of
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, ALL_ROLES, ASSESSOR, STAFF, allow
from incubator.core.scoping import row_id
from incubator.organizations import rules as organization_rules
from incubator.organizations.service import get_organization

NAV = (NavItem(N_("场地与工位"), "/center/space", frozenset({ADMIN, STAFF, ASSESSOR}), order=95),)


def _labels() -> dict:
    return {
        "zone_names": dict(rules.ZONES),
        "services": rules.SERVICES,
        "service_labels": dict(rules.SERVICES),
        "statuses": dict(rules.AGREEMENT_STATUSES),
        "support_kinds": dict(rules.SUPPORT_KINDS),
        "ending_soon_days": rules.ENDING_SOON_DAYS,
    }


class SpaceController(Controller):
    """The occupancy view (who sits where until when) and the rooms and desks behind it."""

    path = "/center"
    opt = allow(ADMIN, STAFF)

    async def _page(self, request: Request, room_form=None, status: int = 200) -> Template:
        user = user_of(request)
        return Template(
            "center/space.html",
            status_code=status,
            context={
                **await service.occupancy(),
                **_labels(),
                "today": local_today(),
                "may_manage": user.role in (ADMIN, STAFF),
                "room_form": room_form or formlib.empty(forms.ROOM, {"zone": "office"}),
            },
        )

    @get("/space", opt=allow(ADMIN, STAFF, ASSESSOR))
    async def space(self, request: Request) -> Template:
        return await self._page(request)

    @post("/rooms")
    async def create_room(self, request: Request) -> Template | Redirect:
        form = formlib.bind(forms.ROOM, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.create_room(user_of(request), cleaned),
            then="/center/space",
            done=_("房间已添加。"),
            again=lambda form: self._page(request, form),
            field="name",
        )

    @post("/rooms/{room_id:int}/desks")
    async def add_desk(self, request: Request, room_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        code = data.get("code") if isinstance(data.get("code"), str) else ""
        return await act(
            request,
            service.add_desk(user_of(request), room_id, code),
            then=f"/center/space#room-{room_id}",
            done=_("工位已添加。"),
        )

    @post("/desks/{desk_id:int}/archive")
    async def archive_desk(self, request: Request, desk_id: FromPath[int]) -> Redirect:
        return await act(
            request,
            service.archive_desk(user_of(request), desk_id),
            then="/center/space",
            done=_("工位已停用。"),
        )


class AgreementController(Controller):
    """入驻协议: staff draft and amend it; the organization reads its own."""

    path = "/organizations/{organization_id:int}"
    opt = allow(ADMIN, STAFF)

    async def _page(
        self, request: Request, organization_id: int, form=None, chosen=None, status: int = 200
    ) -> Template:
        user = user_of(request)
        organization = found(await get_organization(user, organization_id))
        agreement = await service.current_agreement(organization_id)
        if form is None:
            if agreement and agreement["status"] != "ended":
                form = formlib.empty(forms.AGREEMENT, agreement)
                chosen = {
                    "services": set(agreement["service_codes"]),
                    "desks": {d["desk"] for d in agreement["desks"]},
                }
            else:
                start, end = rules.default_period(organization["incubation_track"], local_today())
                form = formlib.empty(
                    forms.AGREEMENT,
                    {
                        "period_start": start,
                        "period_end": end,
                        "obligations": text(rules.DEFAULT_OBLIGATIONS),
                        "commitment": text(rules.DEFAULT_COMMITMENT),
                        "version": 0,
                    },
                )
                package = rules.service_codes(organization["service_package"])
                chosen = {"services": set(package), "desks": set()}
        return Template(
            "center/agreement.html",
            status_code=status,
            context={
                "organization": organization,
                "agreement": agreement,
                "form": form,
                "chosen": chosen,
                "may_edit": user.role in (ADMIN, STAFF)
                and organization["stage"] in ("entry", "incubation"),
                "desk_choices": await service.desks_for_form(
                    agreement["id"] if agreement else None
                ),
                "track_label": organization_rules.label(
                    organization_rules.TRACKS, organization["incubation_track"]
                ),
                **_labels(),
            },
        )

    @get("/agreement", opt=allow(*ALL_ROLES))
    async def agreement(self, request: Request, organization_id: FromPath[int]) -> Template:
        return await self._page(request, organization_id)

    @post("/agreement")
    async def save_agreement(
        self, request: Request, organization_id: FromPath[int]
    ) -> Template | Redirect:
        form = formlib.bind(forms.AGREEMENT, await form_data(request))
        services = await form_list(request, "services")
        desks = [d for v in await form_list(request, "desks") if (d := row_id(v)) is not None]
        chosen = {"services": set(services), "desks": set(desks)}
        return await submit(
            request,
            form,
            lambda cleaned: service.save_agreement(
                user_of(request), organization_id, cleaned["version"] or 0, cleaned, services, desks
            ),
            then=f"/organizations/{organization_id}#agreement",
            done=_("入驻协议已保存。"),
            again=lambda form: self._page(request, organization_id, form, chosen),
            field="period_start",
        )

    @post("/support")
    async def add_support(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        form = formlib.bind(forms.SUPPORT, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.add_support(user_of(request), organization_id, cleaned),
            then=f"/organizations/{organization_id}#support",
            done=_("孵化支持记录已添加。"),
        )


ROUTES = [SpaceController, AgreementController]
