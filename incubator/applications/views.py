"""The application pages (applicant online, or staff for a walk-in) and public registration."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.accounts import service as accounts
from incubator.accounts.views import sign_in
from incubator.applications import forms, rounds, rules, service
from incubator.applications.service import ApplicationError, NotYours, RegistrationThrottled
from incubator.core import forms as formlib
from incubator.core.flash import flash
from incubator.core.http import form_data, form_list, is_upload, see_other, settings_of, user_of
from incubator.core.i18n import N_, _, text
from incubator.core.locking import StaleVersionError
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, APPLICANT, PUBLIC_ROUTE, STAFF, allow
from incubator.core.web import client_ip, takes_files
from incubator.organizations import rules as organization_rules
from incubator.regions import service as regions

NAV = (NavItem(N_("招募批次"), "/rounds", frozenset({ADMIN, STAFF}), order=92),)
APPLICANTS = (ADMIN, STAFF, APPLICANT)


class ApplicationController(Controller):
    path = "/organizations/{organization_id:int}/application"
    opt = allow(*APPLICANTS)

    async def _state(self, request: Request, organization_id: int) -> dict:
        try:
            return await service.current(user_of(request), organization_id)
        except NotYours:
            raise NotFoundException() from None

    async def _page(
        self, request: Request, organization_id: int, form=None, status: int = 200, errors=()
    ) -> Template:
        state = await self._state(request, organization_id)
        return Template(
            "applications/form.html",
            context={
                **state,
                "form": form or formlib.empty(forms.DRAFT, state["application"]),
                "document_labels": dict(rules.DOCUMENTS),
                "errors": list(errors),
                "max_upload_mb": settings_of(request).max_upload_mb,
            },
            status_code=status,
        )

    @get("/")
    async def show(self, request: Request, organization_id: FromPath[int]) -> Template | Redirect:
        state = await self._state(request, organization_id)
        if state["application"]["status"] == "submitted":
            return see_other(f"/organizations/{organization_id}/application/receipt")
        return await self._page(request, organization_id)

    @post("/")
    async def save(self, request: Request, organization_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        form = formlib.bind(forms.DRAFT, data)
        if form.ok:
            try:
                await service.save_draft(
                    user_of(request), organization_id, form.cleaned["version"], form.cleaned
                )
            except NotYours:
                raise NotFoundException() from None
            except ApplicationError as exc:
                flash(request, exc.message, "error")
            except StaleVersionError as exc:
                flash(request, text(exc.message), "error")
            else:
                if data.get("action") == "preview":
                    return see_other(f"/organizations/{organization_id}/application/preview")
                flash(request, _("草稿已保存，可以随时回来继续填写。"))
            return see_other(f"/organizations/{organization_id}/application")
        return await self._page(request, organization_id, form=form, status=400)

    @post("/files", opt=takes_files())
    async def upload(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        upload, document = data.get("file"), data.get("document")
        settings = settings_of(request)
        if not is_upload(upload) or not upload.filename:
            flash(request, _("请选择要上传的文件。"), "error")
        else:
            try:
                await service.attach(
                    user_of(request),
                    organization_id,
                    str(document),
                    await upload.read(),
                    upload.filename,
                    settings.uploads_dir,
                    settings.max_upload_bytes,
                    settings.applicant_upload_quota_bytes,
                )
            except NotYours:
                raise NotFoundException() from None
            except ApplicationError as exc:
                flash(request, exc.message, "error")
            else:
                flash(request, _("材料已上传。"))
        return see_other(f"/organizations/{organization_id}/application")

    @get("/preview")
    async def preview(self, request: Request, organization_id: FromPath[int]) -> Template:
        state = await self._state(request, organization_id)
        return Template(
            "applications/preview.html",
            context={
                **state,
                "document_labels": dict(rules.DOCUMENTS),
                "checklist": rules.CHECKLIST,
            },
        )

    @post("/submit")
    async def submit(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        try:
            number = await service.submit(
                user_of(request), organization_id, int(str(data.get("version") or 0))
            )
        except NotYours:
            raise NotFoundException() from None
        except ApplicationError as exc:
            flash(request, exc.summary(), "error")
            return see_other(f"/organizations/{organization_id}/application/preview")
        except (StaleVersionError, ValueError):
            flash(request, _("表单已过期，请刷新页面后重试"), "error")
            return see_other(f"/organizations/{organization_id}/application/preview")
        flash(request, _("申请已提交，回执编号 {n}。").format(n=number))
        return see_other(f"/organizations/{organization_id}/application/receipt")

    @get("/receipt")
    async def receipt(self, request: Request, organization_id: FromPath[int]) -> Template:
        data = await service.receipt(user_of(request), organization_id)
        if data is None:
            raise NotFoundException()
        return Template(
            "applications/receipt.html",
            context={**data, "document_labels": dict(rules.DOCUMENTS)},
        )


class RegisterController(Controller):
    path = "/register"
    opt = PUBLIC_ROUTE

    async def _page(
        self, form: formlib.Form, status: int = 200, refusal: str | None = None
    ) -> Template:
        communities = [(str(c["id"]), c["name"]) for c in await regions.community_choices()]
        return Template(
            "applications/register.html",
            context={"form": form, "communities": communities, "refusal": refusal},
            status_code=status,
        )

    @get("/")
    async def show(self) -> Template:
        return await self._page(
            formlib.empty(forms.REGISTER, {"registration_status": "unregistered"})
        )

    @post("/")
    async def register(self, request: Request) -> Template | Redirect:
        form = formlib.bind(forms.REGISTER, await form_data(request))
        refusal, status = None, 400
        if form.ok:
            settings = settings_of(request)
            try:
                user_id = await service.register_applicant(
                    form.cleaned, client_ip(request.scope), settings.register_max_per_address
                )
            except RegistrationThrottled as exc:
                refusal, status = exc.message, 429
            except ApplicationError as exc:
                form.errors.update(exc.errors)
                if not exc.errors:
                    refusal = exc.message
            else:
                user = await accounts.session_user(user_id)
                flash(request, _("注册成功，请填写入壳申请。"))
                return await sign_in(
                    request, user, f"/organizations/{user.organization_id}/application"
                )
        return await self._page(form, status=status, refusal=refusal)


class RoundController(Controller):
    path = "/rounds"
    opt = allow(ADMIN, STAFF)

    async def _form(self, form: formlib.Form, round_row: dict | None, chosen, status=200):
        return Template(
            "applications/round_form.html",
            context={
                "form": form,
                "round": round_row,
                "fields": organization_rules.SERVICE_FIELDS,
                "chosen": set(chosen),
            },
            status_code=status,
        )

    @get("/")
    async def index(self) -> Template:
        return Template(
            "applications/rounds.html",
            context={
                "rounds": await rounds.list_rounds(),
                "field_labels": dict(organization_rules.SERVICE_FIELDS),
            },
        )

    @get("/new")
    async def new(self) -> Template:
        return await self._form(formlib.empty(forms.ROUND), None, [])

    @get("/{round_id:int}")
    async def edit(self, round_id: FromPath[int]) -> Template:
        row = await rounds.get_round(round_id)
        if row is None:
            raise NotFoundException()
        chosen = [f for f in row["target_fields"].split(",") if f]
        return await self._form(formlib.empty(forms.ROUND, row), row, chosen)

    @post("/new")
    async def create(self, request: Request) -> Template | Redirect:
        return await self._save(request, None)

    @post("/{round_id:int}")
    async def update(self, request: Request, round_id: FromPath[int]) -> Template | Redirect:
        return await self._save(request, round_id)

    async def _save(self, request: Request, round_id: int | None) -> Template | Redirect:
        form = formlib.bind(forms.ROUND, await form_data(request))
        valid_fields = dict(organization_rules.SERVICE_FIELDS)
        chosen = [f for f in await form_list(request, "target_fields") if f in valid_fields]
        row = await rounds.get_round(round_id) if round_id is not None else None
        if round_id is not None and row is None:
            raise NotFoundException()
        if form.ok:
            try:
                await rounds.save_round(
                    user_of(request),
                    {**form.cleaned, "target_fields": chosen},
                    round_id,
                    form.cleaned["version"],
                )
            except rounds.RoundError as exc:
                form.errors.update(exc.errors)
            except StaleVersionError as exc:
                flash(request, text(exc.message), "error")
                return see_other(f"/rounds/{round_id}")
            else:
                flash(request, _("招募批次已保存。"))
                return see_other("/rounds")
        return await self._form(form, row, chosen, status=400)


ROUTES = [ApplicationController, RegisterController, RoundController]
