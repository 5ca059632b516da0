"""The two shapes of a form post, so every handler reads the same way:

- `act`: a button or a small form on a page: call the service, flash what happened (or the
  refusal), go back to the page (POST-redirect-GET).
- `submit`: a form of its own: when the form is valid, call the service with the cleaned values;
  on success flash and redirect; otherwise show the form again (400) with the input kept and each
  refusal next to its field. A form inside another page may pass no `again`: its errors are then
  flashed and the user goes back to the page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response
from litestar.response import Redirect

from incubator.core.errors import ServiceError
from incubator.core.flash import flash
from incubator.core.forms import Form
from incubator.core.http import see_other

Done = str | Callable[[Any], str] | None


async def act(request: Request, call: Awaitable[Any], *, then: str, done: Done = None) -> Redirect:
    """`done` is the message on success, or a function of what the call returned."""
    try:
        result = await call
    except ServiceError as exc:
        flash(request, exc.summary(), "error")
    else:
        _flash_done(request, done, result)
    return see_other(then)


def _flash_done(request: Request, done: Done, result: Any) -> None:
    message = done(result) if callable(done) else done
    if message:
        flash(request, message)


async def submit(
    request: Request,
    form: Form,
    call: Callable[[dict[str, Any]], Awaitable[Any]],
    *,
    then: str | Callable[[Any], str],
    done: Done = None,
    again: Callable[[Form], Awaitable[Response]] | None = None,
    field: str | None = None,
) -> Response:
    """`then` is the path to go to, or a function of what the call returned (a new record's
    id); `field` is where a refusal not tied to a field is shown (default: the first field)."""
    if form.ok:
        try:
            result = await call(form.cleaned)
        except ServiceError as exc:
            form.errors.update(exc.errors)
            if not exc.errors or exc.details:
                where = field or form.fields[0].name
                form.add_error(where, "；".join([exc.message, *exc.details]))
        else:
            _flash_done(request, done, result)
            return see_other(then(result) if callable(then) else then)
    if again is not None:
        page = await again(form)
        page.status_code = 400
        return page
    flash(request, "；".join(form.errors.values()), "error")
    return see_other(then if isinstance(then, str) else "/")
