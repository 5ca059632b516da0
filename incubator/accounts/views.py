"""Sign-in and sign-out, the user's own profile (password, API tokens), admin user pages."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.accounts import forms, service
from incubator.accounts.service import AccountError, LoginPolicy
from incubator.core import files
from incubator.core import forms as formlib
from incubator.core.actions import act, submit
from incubator.core.auth import CurrentUser
from incubator.core.flash import flash
from incubator.core.http import form_data, found, safe_next, see_other, settings_of, user_of
from incubator.core.i18n import N_, _, text
from incubator.core.locking import StaleVersionError
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, PUBLIC_ROUTE, allow, allow_signed_in
from incubator.core.web import SESSION_COOKIE, client_ip, set_session_cookie

NAV = (NavItem(N_("用户管理"), "/admin/users", frozenset({ADMIN}), order=900),)


def _policy(request: Request) -> LoginPolicy:
    s = settings_of(request)
    return LoginPolicy(
        max_failures=s.login_max_failures,
        max_failures_per_address=s.login_max_failures_per_address,
        window=dt.timedelta(minutes=s.login_window_minutes),
    )


async def sign_in(request: Request, user: CurrentUser, then: str) -> Redirect:
    """A fresh server-side session for this browser (never the old id), and where to go next."""
    settings = settings_of(request)
    key = await service.start_session(
        user,
        client_ip(request.scope),
        request.headers.get("user-agent", ""),
        dt.timedelta(minutes=settings.session_idle_minutes),
        old_key=request.cookies.get(SESSION_COOKIE),
    )
    return set_session_cookie(see_other(then), key, secure=settings.production)


class SessionController(Controller):
    opt = PUBLIC_ROUTE

    @get("/login")
    async def login_page(self, request: Request) -> Template | Redirect:
        if request.scope.get("user"):
            return see_other(safe_next(request.query_params.get("next")))
        form = formlib.empty(forms.LOGIN)
        return Template(
            "accounts/login.html",
            context={"form": form, "error": None, "next": request.query_params.get("next", "")},
        )

    @post("/login")
    async def login(self, request: Request) -> Template | Redirect:
        data = await form_data(request)
        form = formlib.bind(forms.LOGIN, data)
        next_path = safe_next(data.get("next") if isinstance(data.get("next"), str) else None)
        error = None
        if form.ok:
            try:
                user = await service.authenticate(
                    form.cleaned["username"],
                    form.cleaned["password"],
                    client_ip(request.scope),
                    _policy(request),
                )
            except AccountError as exc:
                error = exc.message
            else:
                return await sign_in(request, user, next_path)
        return Template(
            "accounts/login.html",
            context={"form": form, "error": error, "next": next_path},
            status_code=400,
        )

    @post("/logout", opt=allow_signed_in())
    async def logout(self, request: Request) -> Redirect:
        key = request.cookies.get(SESSION_COOKIE)
        if key:
            await service.end_session(key, request.scope.get("user"))
        response = see_other("/login")
        response.delete_cookie(SESSION_COOKIE, path="/")
        flash(request, _("您已安全退出。"), "info")
        return response


class ProfileController(Controller):
    path = "/profile"
    opt = allow_signed_in()

    async def _page(self, request: Request, status: int = 200, **extra) -> Template:
        user = user_of(request)
        context = {
            "account": await service.get_user(user.id),
            "tokens": await service.list_tokens(user),
            "uploads": await files.list_uploads_of(user.id),
            "password_form": formlib.empty(forms.PASSWORD_CHANGE),
            "token_form": formlib.empty(
                forms.TOKEN_CREATE, {"days": settings_of(request).token_days}
            ),
            "new_token": None,
            "max_upload_mb": settings_of(request).max_upload_mb,
            "upload_error": None,
        }
        context.update(extra)
        return Template("accounts/profile.html", context=context, status_code=status)

    @get("/")
    async def show(self, request: Request) -> Template:
        return await self._page(request)

    @post("/password")
    async def change_password(self, request: Request) -> Template | Redirect:
        user = user_of(request)
        form = formlib.bind(forms.PASSWORD_CHANGE, await form_data(request))
        if form.ok and form.cleaned["password"] != form.cleaned["password_again"]:
            form.add_error("password_again", _("两次输入的新密码不一致"))
        if form.ok:
            try:
                await service.set_password(
                    user,
                    user.id,
                    form.cleaned["password"],
                    form.cleaned["current_password"],
                    client_ip=client_ip(request.scope),
                    policy=_policy(request),
                )
            except AccountError as exc:
                form.errors.update(exc.errors)
            else:
                # Every session and API token ended with the change; this browser gets a fresh
                # session.
                flash(request, _("密码已修改，其他设备上的登录和个人访问令牌已失效。"))
                return await sign_in(request, user, "/profile")
        return await self._page(request, status=400, password_form=form)

    @post("/tokens")
    async def create_token(self, request: Request) -> Template:
        user = user_of(request)
        form = formlib.bind(forms.TOKEN_CREATE, await form_data(request))
        if form.ok:
            try:
                max_days = settings_of(request).token_days
                token = await service.create_token(
                    user, form.cleaned["name"], form.cleaned["days"] or max_days, max_days
                )
            except AccountError as exc:
                form.errors.update(exc.errors)
            else:
                # Shown once, on this response only; never stored in clear.
                return await self._page(request, new_token=token)
        return await self._page(request, status=400, token_form=form)

    @post("/tokens/{token_id:int}/revoke")
    async def revoke_token(self, request: Request, token_id: FromPath[int]) -> Redirect:
        return await act(
            request,
            service.revoke_token(user_of(request), token_id),
            then="/profile",
            done=_("令牌已撤销。"),
        )


class UserAdminController(Controller):
    path = "/admin/users"
    opt = allow(ADMIN)

    async def _form_page(
        self, template: str, form: formlib.Form, status: int = 200, **extra
    ) -> Template:
        communities, organizations = await service.scope_choices()
        context = {
            "form": form,
            "role_choices": forms.ROLE_CHOICES,
            "communities": communities,
            "organizations": organizations,
            **extra,
        }
        return Template(template, context=context, status_code=status)

    @get("/")
    async def index(self, request: Request) -> Template:
        query = service.USERS.read(request.query_params)
        params, sort = query.filters, query.sort
        page = await service.list_users(params, query.page, sort)
        return Template(
            "accounts/users.html",
            context={
                "page": page,
                "filters": params,
                "sort": sort,
                "params": query.params,
                "role_choices": forms.ROLE_CHOICES,
            },
        )

    @get("/new")
    async def new(self) -> Template:
        return await self._form_page("accounts/user_new.html", formlib.empty(forms.USER_CREATE))

    @post("/new")
    async def create(self, request: Request) -> Template | Redirect:
        form = formlib.bind(forms.USER_CREATE, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.create_user(user_of(request), cleaned),
            then=lambda user_id: f"/admin/users/{user_id}",
            done=_("用户已创建。"),
            again=lambda form: self._form_page("accounts/user_new.html", form),
        )

    async def _edit_page(
        self,
        row: dict,
        edit_form: formlib.Form | None = None,
        reset_form: formlib.Form | None = None,
        status: int = 200,
    ) -> Template:
        """The edit page; whichever of its two forms was submitted comes back with its errors."""
        initial = {
            **row,
            "community_id": row["community"],
            "organization_id": row["organization"],
            "is_active": "1" if row["is_active"] else "",
        }
        return await self._form_page(
            "accounts/user_edit.html",
            edit_form or formlib.empty(forms.USER_EDIT, initial),
            status=status,
            account=row,
            reset_form=reset_form or formlib.empty(forms.PASSWORD_RESET),
        )

    @get("/{user_id:int}")
    async def edit(self, user_id: FromPath[int]) -> Template:
        return await self._edit_page(found(await service.get_user(user_id)))

    @post("/{user_id:int}")
    async def update(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        row = found(await service.get_user(user_id))
        form = formlib.bind(forms.USER_EDIT, await form_data(request))
        if form.ok:
            try:
                await service.update_user(
                    user_of(request), user_id, form.cleaned["version"], form.cleaned
                )
            except AccountError as exc:
                form.errors.update(exc.errors)
            except StaleVersionError as exc:
                flash(request, text(exc.message), "error")
                return see_other(f"/admin/users/{user_id}")
            else:
                flash(request, _("用户信息已保存。"))
                return see_other(f"/admin/users/{user_id}")
        return await self._edit_page(row, edit_form=form, status=400)

    @post("/{user_id:int}/password")
    async def reset_password(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        row = found(await service.get_user(user_id))
        form = formlib.bind(forms.PASSWORD_RESET, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: service.set_password(user_of(request), user_id, cleaned["password"]),
            then=f"/admin/users/{user_id}",
            done=_("密码已重置，该用户的所有登录已失效。"),
            again=lambda form: self._edit_page(row, reset_form=form),
        )


ROUTES = [SessionController, ProfileController, UserAdminController]
