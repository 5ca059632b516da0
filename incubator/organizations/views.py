"""The registry pages: list with search and filters, export, profile, create and edit."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from incubator.applications import rounds
from incubator.center import forms as forms_center
from incubator.center import rules as center_rules
from incubator.center import service as center
from incubator.core import audit
from incubator.core import forms as formlib
from incubator.core.actions import act, submit
from incubator.core.flash import flash
from incubator.core.http import (
    form_data,
    form_list,
    found,
    is_upload,
    see_other,
    settings_of,
    user_of,
    xlsx_download,
)
from incubator.core.i18n import N_, _, local_today, text
from incubator.core.locking import StaleVersionError
from incubator.core.nav import NavItem
from incubator.core.personal import mask_id_number, mask_phone
from incubator.core.roles import (
    ADMIN,
    ALL_ROLES,
    APPLICANT,
    ASSESSOR,
    COMMUNITY,
    STAFF,
    allow,
)
from incubator.core.scoping import int_or_none
from incubator.core.web import takes_files
from incubator.evaluations import forms as evaluation_forms
from incubator.evaluations import rules as evaluation_rules
from incubator.evaluations import service as evaluations
from incubator.organizations import board_export, exports, forms, rules, service
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations.service import OrganizationError
from incubator.regions import service as regions
from incubator.reporting import showcase
from incubator.reviews import service as reviews
from incubator.workitems import rules as workitem_rules
from incubator.workitems import service as workitems

EDITORS = (ADMIN, STAFF, COMMUNITY)
NAV = (
    NavItem(N_("孵化流程"), "/pipeline", frozenset({ADMIN, STAFF, ASSESSOR, COMMUNITY}), order=90),
    NavItem(N_("社会组织"), "/organizations", frozenset(ALL_ROLES), order=100),
)

audit.label_actions(
    {t.code: t.label for t in rules.TRANSITIONS}
    | {"note": N_("添加记录"), "checklist": N_("出壳清单")}
)
# Timeline entries: stage changes, notes, support records and agreement changes.
ACTION_LABELS = (
    {t.code: t.label for t in rules.TRANSITIONS}
    | dict(rules.NOTE_KINDS)
    | dict(center_rules.SUPPORT_KINDS)
    | {"agreement": N_("入驻协议")}
)

CHOICES = {
    "org_types": rules.ORG_TYPES,
    "statuses": rules.REGISTRATION_STATUSES,
    "fields": rules.SERVICE_FIELDS,
    "party_forms": rules.PARTY_ORG_FORMS,
    "stages": rules.ALL_STATES,
}


def _board_filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in board_export.FILTERS}


class PipelineController(Controller):
    path = "/pipeline"
    opt = allow(ADMIN, STAFF, ASSESSOR, COMMUNITY)

    @get("/")
    async def board(self, request: Request) -> Template:
        filters = _board_filters(request)
        columns = await pipeline.board(user_of(request), filters)
        communities = await regions.community_options()
        this_year = local_today().year
        return Template(
            "organizations/board.html",
            context={
                "columns": columns,
                "filters": filters,
                "communities": communities,
                "fields": rules.SERVICE_FIELDS,
                "years": [(str(y), str(y)) for y in range(this_year, this_year - 6, -1)],
                "rounds": [(str(r["id"]), r["name"]) for r in await rounds.list_rounds()],
                "stage_codes": rules.STAGE_CODES,
            },
        )

    @get("/export.xlsx")
    async def export(self, request: Request) -> Response:
        """Every organization the board counts (not only the cards it shows), same filters."""
        rows = await board_export.board_rows(user_of(request), _board_filters(request))
        return xlsx_download(text(board_export.TITLE), board_export.COLUMNS, rows)


class OrganizationController(Controller):
    path = "/organizations"
    opt = allow(*ALL_ROLES)

    @get("/")
    async def index(self, request: Request) -> Template:
        query = forms.REGISTRY.read(request.query_params)
        filters, sort = query.filters, query.sort
        page = await service.list_organizations(user_of(request), filters, query.page, sort)
        for row in page.items:
            row["contact_phone"] = mask_phone(row["contact_phone"])
        communities = await regions.community_options()
        return Template(
            "organizations/index.html",
            context={
                "page": page,
                "filters": filters,
                "sort": sort,
                "params": query.params,
                "communities": communities,
                "label": rules.label,
                **CHOICES,
            },
        )

    @get("/export.xlsx")
    async def export(self, request: Request) -> Response:
        query = forms.REGISTRY.read(request.query_params)
        rows = await service.export_rows(user_of(request), query.filters, query.sort)
        return xlsx_download(text(exports.TITLE), exports.COLUMNS, rows)

    async def _form_page(
        self, form: formlib.Form, organization: dict | None, status: int = 200
    ) -> Template:
        communities = await regions.community_options()
        return Template(
            "organizations/form.html",
            context={"form": form, "organization": organization, "communities": communities},
            status_code=status,
        )

    @get("/new", opt=allow(*EDITORS))
    async def new(self, request: Request) -> Template:
        user = user_of(request)
        initial = {"org_type": "community_org", "registration_status": "unregistered"}
        if user.role == COMMUNITY:
            initial["community_id"] = user.community_id
        return await self._form_page(formlib.empty(forms.PROFILE, initial), None)

    @post("/new", opt=allow(*EDITORS))
    async def create(self, request: Request) -> Template | Redirect:
        form = formlib.bind(forms.PROFILE, await form_data(request))
        for name, message in (await service.check(user_of(request), form.cleaned, None)).items():
            form.add_error(name, message)
        return await submit(
            request,
            form,
            lambda cleaned: service.create_organization(user_of(request), dict(cleaned)),
            then=lambda organization_id: f"/organizations/{organization_id}",
            done=_("社会组织已登记。"),
            again=lambda form: self._form_page(form, None),
        )

    @get("/{organization_id:int}")
    async def show(self, request: Request, organization_id: FromPath[int]) -> Template:
        user = user_of(request)
        organization = found(await service.get_organization(user, organization_id))
        sees_contacts = user.role in (ADMIN, STAFF) or user.organization_id == organization_id
        if not sees_contacts:
            organization["contact_phone"] = mask_phone(organization["contact_phone"])
        organization["legal_rep_id_number"] = mask_id_number(organization["legal_rep_id_number"])
        support = await center.support_records(organization_id)
        verified = {"organization": str(organization_id), "status": "verified"}
        return Template(
            "organizations/show.html",
            context={
                "organization": organization,
                "label": rules.label,
                "may_edit": user.role in EDITORS,
                "may_apply": user.role in (ADMIN, STAFF, APPLICANT),
                "stage_label": rules.stage_label,
                "stage_choices": rules.STAGES,
                "tracks": rules.TRACKS,
                "stage_guide": rules.STAGE_GUIDE,
                "action_labels": ACTION_LABELS,
                "note_kinds": rules.NOTE_KINDS,
                "may_note": user.role in (ADMIN, STAFF, ASSESSOR, COMMUNITY),
                "plan_form": formlib.empty(forms.PLAN_ITEM, {"kind": "milestone"}),
                "may_plan": user.role in (ADMIN, STAFF),
                "outcomes": await pipeline.outcomes(organization_id),
                "outcome_form": formlib.empty(
                    forms.OUTCOME, {"registration_status": organization["registration_status"]}
                ),
                "transitions": rules.available(organization["stage"], user.role),
                "timeline": await pipeline.timeline(organization_id),
                "work_items": [
                    i
                    for i in await workitems.items_for_subject(
                        user, "organization", organization_id
                    )
                    if i["kind"] not in reviews.REVIEW_KINDS
                ],
                "reviews": await reviews.reviews_for(user, organization_id),
                "score_history": await reviews.score_history(user, organization_id),
                "may_assign": user.role in (ADMIN, STAFF)
                and organization["stage"] in reviews.STAGE_REVIEWS,
                "assessors": await reviews.assessors(),
                "kinds": {k.code: k for k in workitem_rules.kinds()},
                "facts": await pipeline.gather_facts(organization),
                "agreement": await center.current_agreement(organization_id),
                "documents": await pipeline.documents(organization_id),
                "activity_chart": await showcase.monthly_chart(
                    user, verified, await showcase.latest_year(user, verified)
                ),
                "evaluations": await evaluations.evaluations_of(organization_id),
                "eligibility": await evaluations.eligibility_of(
                    organization_id, local_today().year
                ),
                "compliance": await evaluations.compliance_of(organization_id)
                if user.role in (ADMIN, STAFF, ASSESSOR)
                else [],
                "evaluation_form": formlib.empty(
                    evaluation_forms.EVALUATION, {"evaluated_on": local_today()}
                ),
                "compliance_form": formlib.empty(
                    evaluation_forms.COMPLIANCE,
                    {"kind": "inspection", "year": local_today().year - 1},
                ),
                "gradable": organization["org_type"] in evaluation_rules.GRADABLE_TYPES,
                "evaluation_labels": {
                    "statuses": dict(evaluation_rules.STATUSES),
                    "results": dict(evaluation_rules.INSPECTION_RESULTS),
                    "kinds": dict(evaluation_rules.COMPLIANCE_KINDS),
                },
                "support": support,
                "support_totals": center_rules.support_totals(support),
                "support_form": formlib.empty(forms_center.SUPPORT, {"kind": "coaching"}),
                "support_kinds": dict(center_rules.SUPPORT_KINDS),
                "services": center_rules.SERVICES,
                "service_labels": dict(center_rules.SERVICES),
                "zones": dict(center_rules.ZONES),
                "agreement_statuses": dict(center_rules.AGREEMENT_STATUSES),
                "checklist": await pipeline.checklist(organization)
                if organization["stage"] in rules.CHECKLIST_STAGES + ("follow_up",)
                else [],
                "may_check": user.role in (ADMIN, STAFF)
                and organization["stage"] in rules.CHECKLIST_STAGES,
                **CHOICES,
            },
        )

    @post("/{organization_id:int}/transition", opt=takes_files())
    async def transition(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        """One pipeline step; refused steps come back as a message saying what is missing."""
        user = user_of(request)
        data = await form_data(request)
        version, code = int_or_none(data.get("version")), data.get("code")
        reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
        upload = data.get("attachment")
        back = f"/organizations/{organization_id}"
        if version is None or not isinstance(code, str):
            flash(request, _("表单已过期，请刷新页面后重试"), "error")
            return see_other(back)
        attachment = None
        if is_upload(upload) and upload.filename:
            settings = settings_of(request)
            attachment = pipeline.Attachment(
                data=await upload.read(),
                name=upload.filename,
                uploads_dir=settings.uploads_dir,
                max_bytes=settings.max_upload_bytes,
                quota_bytes=settings.applicant_upload_quota_bytes,
            )
        track = data.get("track") if isinstance(data.get("track"), str) else None
        services = tuple(await form_list(request, "services"))
        return await act(
            request,
            pipeline.transition(
                user, organization_id, version, code, reason, attachment, track, services
            ),
            then=back,
            done=lambda stage: _("已进入“{stage}”阶段。").format(
                stage=text(rules.stage_label(stage))
            ),
        )

    @post("/{organization_id:int}/notes", opt=allow(ADMIN, STAFF, ASSESSOR, COMMUNITY))
    async def add_note(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        return await act(
            request,
            pipeline.add_note(user_of(request), organization_id, str(data.get("kind") or ""), text),
            then=f"/organizations/{organization_id}#timeline",
            done=_("记录已添加到时间线。"),
        )

    @post("/{organization_id:int}/items", opt=allow(ADMIN, STAFF))
    async def plan_item(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        """A milestone of the incubation plan, a report, registration help or a visit."""
        form = formlib.bind(forms.PLAN_ITEM, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: pipeline.plan_item(
                user_of(request),
                organization_id,
                cleaned["kind"],
                cleaned["title"],
                cleaned["due_date"],
            ),
            then=f"/organizations/{organization_id}",
            done=_("事项已创建。"),
        )

    @post("/{organization_id:int}/checklist", opt=allow(ADMIN, STAFF))
    async def checklist(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        """Ticks or unticks one item of the graduation checklist."""
        data = await form_data(request)
        item = data.get("item") if isinstance(data.get("item"), str) else ""
        note = data.get("note") if isinstance(data.get("note"), str) else ""
        return await act(
            request,
            pipeline.set_check(
                user_of(request), organization_id, item, data.get("done") == "1", note
            ),
            then=f"/organizations/{organization_id}#checklist",
            done=_("出壳清单已更新。"),
        )

    @post("/{organization_id:int}/outcomes", opt=allow(ADMIN, STAFF))
    async def record_outcome(self, request: Request, organization_id: FromPath[int]) -> Redirect:
        form = formlib.bind(forms.OUTCOME, await form_data(request))
        return await submit(
            request,
            form,
            lambda cleaned: pipeline.record_outcome(user_of(request), organization_id, cleaned),
            then=f"/organizations/{organization_id}#outcomes",
            done=_("发展情况已记录。"),
        )

    @get("/{organization_id:int}/edit", opt=allow(*EDITORS))
    async def edit(self, request: Request, organization_id: FromPath[int]) -> Template:
        organization = found(await service.get_organization(user_of(request), organization_id))
        initial = {**organization, "community_id": organization["community"]}
        return await self._form_page(formlib.empty(forms.PROFILE, initial), organization)

    @post("/{organization_id:int}/edit", opt=allow(*EDITORS))
    async def update(self, request: Request, organization_id: FromPath[int]) -> Template | Redirect:
        user = user_of(request)
        organization = found(await service.get_organization(user, organization_id))
        form = formlib.bind(forms.PROFILE, await form_data(request))
        for name, message in (await service.check(user, form.cleaned, organization_id)).items():
            form.add_error(name, message)
        if form.ok and form.cleaned["version"] is None:
            form.add_error("name", _("表单已过期，请刷新页面后重新填写"))
        if form.ok:
            try:
                await service.update_organization(
                    user, organization_id, form.cleaned["version"], dict(form.cleaned)
                )
            except OrganizationError as exc:
                form.errors.update(exc.errors)
            except StaleVersionError as exc:
                flash(request, text(exc.message), "error")
                return see_other(f"/organizations/{organization_id}/edit")
            else:
                flash(request, _("社会组织信息已保存。"))
                return see_other(f"/organizations/{organization_id}")
        return await self._form_page(form, organization, status=400)


ROUTES = [PipelineController, OrganizationController]
