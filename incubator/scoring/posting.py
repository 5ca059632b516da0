"""Saving a posted score sheet: the handler shape that review tasks and evaluations share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar import Request
from litestar.response import Redirect

from incubator.core.flash import flash
from incubator.core.http import see_other
from incubator.core.i18n import _, text
from incubator.core.locking import StaleVersionError
from incubator.core.scoping import int_or_none
from incubator.scoring.forms import sheet_inputs, sheet_points

# (sheet version, points, comments, overall comment, submit) -> the sheet's total
SaveSheet = Callable[[int, dict[str, float | None], dict[str, str], str, bool], Awaitable[float]]


async def save_posted_sheet(
    request: Request,
    data: Mapping[str, Any],
    rubric: dict,
    save: SaveSheet,
    refused: type[Exception],
    back: str,
    done: str,
) -> Redirect | tuple[list[str], dict[str, dict]]:
    """Saves the posted sheet and redirects to `done` with the total, or to `back` when the
    sheet changed meanwhile; otherwise gives the problems and what was entered, for the form
    to show again. `refused` is the service's error, carrying `message` and `errors`."""
    codes = [row["code"] for row in sheet_inputs(rubric)]
    points, comments, errors = sheet_points(data, codes)
    submit = data.get("action") == "submit"
    version = int_or_none(data.get("sheet_version"))
    if not errors and version is not None:
        try:
            total = await save(
                version, points, comments, str(data.get("comment") or "")[:2000], submit
            )
        except refused as exc:
            errors = exc.details or [exc.message]  # type: ignore[attr-defined]
        except StaleVersionError as exc:
            flash(request, text(exc.message), "error")
            return see_other(back)
        else:
            message = _("评分已提交，总分 {total}。") if submit else _("已暂存，当前总分 {total}。")
            flash(request, message.format(total=f"{total:g}"))
            return see_other(done)
    return errors, {"points": points, "comments": comments}
