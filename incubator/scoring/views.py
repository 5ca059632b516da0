"""Rubric administration: list, view a version, save an edited rubric as a new version."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.core import forms as formlib
from incubator.core.flash import flash
from incubator.core.http import form_data, found, see_other, user_of
from incubator.core.i18n import N_, _
from incubator.core.nav import NavItem
from incubator.core.roles import ADMIN, ASSESSOR, STAFF, allow
from incubator.scoring import forms, rules, service
from incubator.scoring.service import ScoringError

NAV = (NavItem(N_("评分表"), "/rubrics", frozenset({ADMIN, STAFF, ASSESSOR}), order=800),)


class RubricController(Controller):
    path = "/rubrics"
    opt = allow(ADMIN, STAFF, ASSESSOR)

    @get("/")
    async def index(self) -> Template:
        return Template("scoring/rubrics.html", context={"rubrics": await service.list_rubrics()})

    @get("/{rubric_id:int}")
    async def show(self, rubric_id: FromPath[int]) -> Template:
        rubric = found(await service.get_rubric(rubric_id))
        return Template(
            "scoring/rubric.html",
            context={"rubric": rubric, "versions": await service.versions(rubric["code"])},
        )

    async def _editor(self, rubric: dict, form: formlib.Form, status: int = 200, errors=()):
        return Template(
            "scoring/rubric_edit.html",
            context={"rubric": rubric, "form": form, "errors": list(errors)},
            status_code=status,
        )

    @get("/{rubric_id:int}/edit", opt=allow(ADMIN))
    async def edit(self, rubric_id: FromPath[int]) -> Template:
        rubric = found(await service.get_rubric(rubric_id))
        initial = {
            "name": rubric["name"],
            "description": "",
            "indicators": rules.format_indicators(rubric["specs"]),
            "bands": rules.format_bands(rubric["bands"]),
        }
        return await self._editor(rubric, formlib.empty(forms.VERSION, initial))

    @post("/{rubric_id:int}/edit", opt=allow(ADMIN))
    async def save(self, request: Request, rubric_id: FromPath[int]) -> Template | Redirect:
        rubric = found(await service.get_rubric(rubric_id))
        form = formlib.bind(forms.VERSION, await form_data(request))
        errors: list[str] = []
        if form.ok:
            indicators, errors = rules.parse_indicators(form.cleaned["indicators"])
            bands, band_errors = rules.parse_bands(form.cleaned["bands"])
            errors += band_errors
            if not errors:
                try:
                    new_id = await service.save_version(
                        user_of(request),
                        rubric["code"],
                        form.cleaned["name"],
                        form.cleaned["description"] or "",
                        indicators,
                        bands,
                        based_on=rubric_id,
                    )
                except ScoringError as exc:
                    errors = exc.details or [exc.message]
                else:
                    flash(request, _("已保存为新版本；已有的评分仍按原版本计算。"))
                    return see_other(f"/rubrics/{new_id}")
        return await self._editor(rubric, form, status=400, errors=errors)


ROUTES = [RubricController]
