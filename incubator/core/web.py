"""The HTTP edge: request middleware, security headers, templates and error pages."""

from __future__ import annotations

import datetime as dt
import json
import logging
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from litestar import MediaType, Request, Response
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.enums import ScopeType
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.middleware import ASGIMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from incubator.core import flash, i18n, signing
from incubator.core.auth import CurrentUser, TokenExpired, UserLookup
from incubator.core.i18n import N_
from incubator.core.nav import visible_nav
from incubator.core.pagination import query_string
from incubator.core.roles import ROLE_LABELS
from incubator.core.scoping import MAX_ID, NotVisible
from incubator.core.templating import jinja_environment
from incubator.settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
SESSION_COOKIE = "incubator_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: S112 - a malformed cookie header is ignored, not fatal
                continue
    return {k: m.value for k, m in jar.items()}


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def set_session_cookie(response: Any, key: str, secure: bool) -> Any:
    response.set_cookie(SESSION_COOKIE, key, path="/", httponly=True, samesite="lax", secure=secure)
    return response


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None = None) -> bytes:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode("latin-1")


async def send_json(send: Send, status: int, payload: dict) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _has_impossible_id(path: str) -> bool:
    return any(p.isascii() and p.isdigit() and int(p) > MAX_ID for p in path.split("/"))


class RequestContextMiddleware(ASGIMiddleware):
    """Sets the language and the current user on every request, and carries flash messages.

    Static files and the health check are excluded: they touch no session or database row.
    """

    scopes = (ScopeType.HTTP,)

    def should_bypass_for_scope(self, scope: Scope) -> bool:
        path = scope["path"]
        return path.startswith("/static/") or path == "/healthz"

    def __init__(self, settings: Settings, users: UserLookup) -> None:
        self.settings = settings
        self.users = users
        self.idle = dt.timedelta(minutes=settings.session_idle_minutes)

    async def _user(self, scope: Scope, cookies: dict[str, str]) -> CurrentUser | None:
        authorization = _header(scope, b"authorization")
        # Tokens are for the API only: elsewhere the header is ignored, so a leaked token
        # never opens the pages (and the pages keep their CSRF protection).
        if scope["path"].startswith("/api/") and authorization.lower().startswith("bearer "):
            return await self.users.for_token(authorization[7:].strip())
        key = cookies.get(SESSION_COOKIE)
        return await self.users.for_session(key, self.idle) if key else None

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        cookies = _cookies(scope)
        i18n.set_language(i18n.pick_language(cookies.get(i18n.LANG_COOKIE), self.settings.lang))
        try:
            user = await self._user(scope, cookies)
        except TokenExpired:
            message = i18n._("个人访问令牌已过期，请在个人设置中创建新令牌")
            await send_json(send, 401, {"message": message, "status_code": 401})
            return
        scope["user"] = user
        if not scope["path"].startswith("/api/") and _has_impossible_id(scope["path"]):
            # No row has an id beyond MAX_ID; the database driver would fail on it (the API
            # answers 400 from its parameter bounds instead).
            raise NotFoundException()
        state: Any = scope
        incoming = cookies.get(flash.FLASH_COOKIE)
        state[flash.IN_KEY] = (
            signing.unsign(self.settings.secret_key, flash.PURPOSE, incoming) if incoming else None
        )
        if (
            scope["path"].startswith("/api/")
            and scope.get("method") in UNSAFE_METHODS
            and (user is None or user.via != "token")
        ):
            # The API is exempt from the CSRF cookie check, so its writes need a token.
            message = i18n._("API 写操作需要个人访问令牌 (Authorization: Bearer)")
            await send_json(send, 403, {"message": message, "status_code": 403})
            return

        async def send_with_flash(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                outgoing = state.get(flash.OUT_KEY)
                secure = self.settings.production
                if outgoing:
                    value = signing.sign(self.settings.secret_key, flash.PURPOSE, outgoing)
                    headers.append((b"set-cookie", cookie_header("flash", value, secure=secure)))
                elif incoming and state.get(flash.CONSUMED_KEY):
                    headers.append(
                        (b"set-cookie", cookie_header("flash", "", secure=secure, max_age=0))
                    )
                message["headers"] = headers
            await send(message)

        await next_app(scope, receive, send_with_flash)


# Handler opt: this route takes uploaded files, so its body may be as large as an upload.
TAKES_FILES = "takes_files"
# Every other body (forms, API JSON): far more than any form needs, far less than an upload.
FORM_MAX_BYTES = 1024 * 1024


def takes_files(opt: dict[str, Any] | None = None) -> dict[str, Any]:
    """`opt` of a handler that reads uploaded files: `@post(..., opt=takes_files())`, or
    `opt=takes_files(allow(...))` (handler opt adds to its controller's)."""
    return {**(opt or {}), TAKES_FILES: True}


class BodySizeMiddleware(ASGIMiddleware):
    """Refuses a request body over its route's limit before anything parses it (the CSRF check
    parses forms first): by its Content-Length, and by the bytes actually received. Routes that
    take files may receive an upload and a little form around it; others FORM_MAX_BYTES."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, upload_limit: int, form_limit: int = FORM_MAX_BYTES) -> None:
        self.upload_limit = upload_limit
        self.form_limit = form_limit

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        handler = scope.get("route_handler")
        files = handler is not None and handler.opt.get(TAKES_FILES, False)
        limit = self.upload_limit if files else self.form_limit
        length = _header(scope, b"content-length")
        if length.isdigit() and int(length) > limit:
            raise HTTPException(status_code=413)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # chunked, or a Content-Length that lied
                    raise HTTPException(status_code=413)
            return message

        await next_app(scope, limited_receive, send)


def _has_port(host: str) -> bool:
    return "]:" in host if host.startswith("[") else ":" in host


def allowed_hosts(settings: Settings) -> AllowedHostsConfig:
    """Litestar's Host header check, fed by INCUBATOR_ALLOWED_HOSTS.

    Litestar 2.22-2.25 matches the whole header, port included (litestar#4869), so each host is
    also allowed with the port the app listens on; a Host that carries any other port (a proxy
    that forwards `host:port`) must be listed as `host:port` in INCUBATOR_ALLOWED_HOSTS.
    """
    hosts = [h.lower() for h in settings.allowed_hosts]
    with_port = [f"{h}:{settings.port}" for h in hosts if h != "*" and not _has_port(h)]
    # No www. redirect: a host is allowed as listed, or refused with 400.
    return AllowedHostsConfig(allowed_hosts=[*hosts, *with_port], www_redirect=False)


class SecurityHeadersMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, settings: Settings) -> None:
        headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if settings.production:
            headers.append((b"strict-transport-security", b"max-age=31536000"))
        self.headers = headers

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _v in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
                if not scope["path"].startswith("/static/") and b"cache-control" not in present:
                    # Pages carry personal data: never kept in shared or browser caches.
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        await next_app(scope, receive, send_with_headers)


# --- templates -----------------------------------------------------------------------------


def template_engine(reload_templates: bool = False) -> JinjaTemplateEngine:
    env = jinja_environment(TEMPLATES_DIR, reload_templates)
    env.globals.update(
        role_labels=ROLE_LABELS,
        query_string=query_string,
    )
    engine = JinjaTemplateEngine.from_environment(env)
    engine.register_template_callable("current_user", lambda ctx: ctx["request"].scope.get("user"))
    engine.register_template_callable(
        "flashed_messages", lambda ctx: flash.flashed_messages(ctx["request"])
    )
    engine.register_template_callable(
        "nav_items", lambda ctx: visible_nav(ctx["request"].scope.get("user"))
    )
    return engine


# --- errors --------------------------------------------------------------------------------

ERROR_TITLES = {
    400: N_("请求有误"),
    401: N_("请先登录"),
    403: N_("没有权限"),
    404: N_("页面不存在"),
    405: N_("不支持的请求方式"),
    413: N_("提交的内容过大"),
    429: N_("请求过于频繁"),
    500: N_("服务器内部错误"),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/schema")


log = logging.getLogger("incubator")


def error_response(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status >= 500:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    title = i18n._(ERROR_TITLES.get(status, i18n.N_("请求失败")))
    # 405 names the methods the path has (Allow); other headers an exception carries go along too.
    headers = (exc.headers or {}) if isinstance(exc, HTTPException) and status < 500 else {}
    if _wants_json(request):
        detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else ""
        generic = (ERROR_TITLES.get(status), HTTPStatus(status).phrase)
        message = title if not detail or detail in generic else detail
        if isinstance(exc, ValidationException):
            message = i18n._("参数无效：{names}").format(names=", ".join(_invalid_names(exc)))
        return Response(
            {"message": message, "status_code": status}, status_code=status, headers=headers
        )
    if isinstance(exc, NotAuthorizedException) or status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path="/login" + query_string({"next": target}), status_code=303)
    return Template(
        template_name="errors/error.html",
        context={"status": status, "title": title},
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )


def _invalid_names(exc: ValidationException) -> list[str]:
    """The parameters Litestar refused (its own messages are English and name internals)."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    names = [str(e["key"]) for e in extra if isinstance(e, dict) and e.get("key")]
    return sorted(set(names)) or ["?"]


def not_visible_response(request: Request, exc: Exception) -> Response:
    return error_response(request, NotFoundException())


def exception_handlers() -> dict:
    return {
        NotVisible: not_visible_response,
        HTTPException: error_response,
        PermissionDeniedException: error_response,
        Exception: error_response,
    }
