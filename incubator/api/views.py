"""JSON API v1. Personal API tokens or the browser session; lists follow core.pagination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Self

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, PathParameter, QueryParameter

from incubator.activities import service as activities
from incubator.cooperation import rules as cooperation_rules
from incubator.cooperation import service as cooperation
from incubator.core.http import user_of
from incubator.core.i18n import local_today
from incubator.core.pagination import MAX_PAGE_SIZE, page_request
from incubator.core.pagination import Page as ListPage
from incubator.core.personal import mask_phone
from incubator.core.roles import ADMIN, ASSESSOR, COMMUNITY, STAFF, allow, allow_signed_in
from incubator.core.scoping import MAX_ID
from incubator.evaluations import service as evaluations
from incubator.facilities import service as facilities
from incubator.organizations import forms as organization_forms
from incubator.organizations import pipeline_service as pipeline
from incubator.organizations import service as organizations
from incubator.regions import service as regions

# Bounded parameters: a value out of range is answered with 400, never passed to the database.
Page = Annotated[int, QueryParameter(ge=1, le=10**6, description="page number, from 1")]
PageSize = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="rows per page")]
IdFilter = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="a record id")]
Year = Annotated[int | None, QueryParameter(ge=2000, le=2100, description="calendar year")]
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="a record id")]


@dataclass
class ApiError:
    """Every error answer of the API (see core.web.error_response)."""

    message: str
    status_code: int


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ApiError, description=description, generate_examples=False)


ERRORS = {
    400: _error("a parameter is malformed or out of range"),
    401: _error("not signed in: no valid token or session"),
    403: _error("the caller's role may not use this operation"),
}
ERRORS_WITH_404 = {**ERRORS, 404: _error("no such record in the caller's scope")}


@dataclass
class ApiPage:
    """Every list of the API: one page of items, and where it stands in the whole. Each list
    names its own subclass that declares the type of its items (the OpenAPI schema shows it)."""

    items: list[Any]
    total: int
    page: int
    page_size: int

    @classmethod
    def of(cls, page: ListPage, item: Callable[[Any], Any], **more: Any) -> Self:
        return cls(
            items=[item(r) for r in page.items],
            total=page.total,
            page=page.page,
            page_size=page.page_size,
            **more,
        )


@dataclass
class Me:
    id: int
    username: str
    display_name: str
    role: str
    community_id: int | None
    organization_id: int | None


@dataclass
class CommunityItem:
    id: int
    name: str
    code: str
    street: str
    occupied_households: int
    grid_count: int


@dataclass
class CommunityList(ApiPage):
    items: list[CommunityItem]


@dataclass
class OrganizationItem:
    id: int
    name: str
    credit_code: str | None
    org_type: str
    registration_status: str
    registration_date: dt.date | None
    service_field: str
    community_id: int | None
    community: str | None
    volunteers_count: int
    stage: str | None
    stage_since: dt.datetime | None


@dataclass
class OrganizationList(ApiPage):
    items: list[OrganizationItem]


@dataclass
class TimelineEvent:
    at: dt.datetime
    actor: str
    action: str
    from_stage: str | None
    to_stage: str | None
    reason: str


@dataclass
class OrganizationDetail(OrganizationItem):
    name_approval_date: dt.date | None
    legal_representative: str
    contact_name: str
    contact_phone: str
    members_count: int
    staff_count: int
    party_org_form: str
    party_members: int
    version: int
    timeline: list[TimelineEvent]


def _organization_item(row: dict) -> dict:
    return {
        "id": row["id"],
        "name": row["name"],
        "credit_code": row["credit_code"],
        "org_type": row["org_type"],
        "registration_status": row["registration_status"],
        "registration_date": row["registration_date"],
        "service_field": row["service_field"],
        "community_id": row["community"],
        "community": row["community_name"],
        "volunteers_count": row["volunteers_count"],
        "stage": row["stage"],
        "stage_since": row["stage_since"],
    }


@dataclass
class ActivityItem:
    id: int
    ledger_no: str
    title: str
    category: str
    held_on: dt.date
    organization_id: int | None
    organization: str | None
    community_id: int | None
    community: str | None
    place: str
    hours: str
    participants: int
    beneficiaries: int
    volunteers: int
    served_groups: list[str]
    status: str
    is_highlight: bool


@dataclass
class ActivityTotals:
    count: int
    hours: str
    participants: int
    beneficiaries: int
    volunteers: int


@dataclass
class ActivityList(ApiPage):
    items: list[ActivityItem]
    totals: ActivityTotals


def _activity_item(row: dict) -> ActivityItem:
    return ActivityItem(
        id=row["id"],
        ledger_no=row["ledger_no"],
        title=row["title"],
        category=row["category"],
        held_on=row["held_on"],
        organization_id=row["organization"],
        organization=row["organization_name"],
        community_id=row["community"],
        community=row["community_name"],
        place=row["place"],
        hours=str(row["hours"]),
        participants=row["participants"],
        beneficiaries=row["beneficiaries"],
        volunteers=row["volunteers"],
        served_groups=[g for g in row["served_groups"].split(",") if g],
        status=row["status"],
        is_highlight=row["is_highlight"],
    )


@dataclass
class EvaluationItem:
    id: int
    organization_id: int
    organization: str
    community_id: int | None
    grade: str
    total_score: str | None
    evaluated_on: dt.date
    valid_until: dt.date
    status: str
    body: str
    certificate_no: str
    downgraded_on: dt.date | None
    downgraded_to: str


@dataclass
class EvaluationList(ApiPage):
    items: list[EvaluationItem]


class ApiV1Controller(Controller):
    path = "/api/v1"
    tags = ["v1"]

    @get("/me", opt=allow_signed_in(), responses=ERRORS)
    async def me(self, request: Request) -> Me:
        user = user_of(request)
        return Me(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            community_id=user.community_id,
            organization_id=user.organization_id,
        )

    @get("/communities", opt=allow(ADMIN, STAFF, ASSESSOR, COMMUNITY), responses=ERRORS)
    async def communities(
        self,
        request: Request,
        page: Page = 1,
        page_size: PageSize = 20,
    ) -> CommunityList:
        query = regions.COMMUNITIES.read({"page": page, "page_size": page_size})
        result = await regions.list_communities(user_of(request), query.page)
        return CommunityList.of(
            result,
            lambda r: CommunityItem(
                id=r["id"],
                name=r["name"],
                code=r["code"],
                street=r["street_name"],
                occupied_households=r["occupied_households"],
                grid_count=r["grid_count"],
            ),
        )


class OrganizationApiController(Controller):
    path = "/api/v1/organizations"
    tags = ["v1"]
    opt = allow_signed_in()

    @get("/", responses=ERRORS)
    async def index(
        self,
        request: Request,
        page: Page = 1,
        page_size: PageSize = 20,
        community: IdFilter = None,
        org_type: FromQuery[str | None] = None,
        registration_status: FromQuery[str | None] = None,
        service_field: FromQuery[str | None] = None,
        stage: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> OrganizationList:
        """Organizations in the caller's scope, filtered like the registry page."""
        filters = {
            "community": str(community) if community is not None else "",
            "org_type": org_type or "",
            "registration_status": registration_status or "",
            "service_field": service_field or "",
            "stage": stage or "",
            "q": q or "",
        }
        query = organization_forms.REGISTRY.read({**filters, "page": page, "page_size": page_size})
        result = await organizations.list_organizations(
            user_of(request), query.filters, query.page, query.sort
        )
        return OrganizationList.of(result, lambda r: OrganizationItem(**_organization_item(r)))

    @get("/{organization_id:int}", responses=ERRORS_WITH_404)
    async def show(self, request: Request, organization_id: PathId) -> OrganizationDetail:
        user = user_of(request)
        row = await organizations.get_organization(user, organization_id)
        if row is None:
            raise NotFoundException()
        phone = row["contact_phone"]
        if not (user.role in (ADMIN, STAFF) or user.organization_id == organization_id):
            phone = mask_phone(phone)
        return OrganizationDetail(
            **_organization_item(row),
            name_approval_date=row["name_approval_date"],
            legal_representative=row["legal_representative"],
            contact_name=row["contact_name"],
            contact_phone=phone,
            members_count=row["members_count"],
            staff_count=row["staff_count"],
            party_org_form=row["party_org_form"],
            party_members=row["party_members"],
            version=row["version"],
            timeline=[
                TimelineEvent(
                    at=e["at"],
                    actor=e["actor_name"],
                    action=e["action"],
                    from_stage=e["from_stage"],
                    to_stage=e["to_stage"],
                    reason=e["reason"],
                )
                for e in await pipeline.timeline(organization_id)
            ],
        )


NAV = ()


class ActivityApiController(Controller):
    path = "/api/v1/activities"
    tags = ["v1"]
    opt = allow_signed_in()

    @get("/", responses=ERRORS)
    async def index(
        self,
        request: Request,
        page: Page = 1,
        page_size: PageSize = 20,
        organization: IdFilter = None,
        community: IdFilter = None,
        category: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        date_from: FromQuery[dt.date | None] = None,
        date_to: FromQuery[dt.date | None] = None,
    ) -> ActivityList:
        """The activity ledger in the caller's scope, newest first, with the filtered totals."""
        filters = {
            "organization": str(organization) if organization is not None else "",
            "community": str(community) if community is not None else "",
            "category": category or "",
            "status": status or "",
            "date_from": date_from.isoformat() if date_from else "",
            "date_to": date_to.isoformat() if date_to else "",
        }
        query = activities.LEDGER.read({**filters, "page": page, "page_size": page_size})
        result, totals = await activities.ledger(
            user_of(request), query.filters, query.page, query.sort
        )
        return ActivityList.of(result, _activity_item, totals=ActivityTotals(**totals.as_api()))


class EvaluationApiController(Controller):
    path = "/api/v1/evaluations"
    tags = ["v1"]
    opt = allow(ADMIN, STAFF, ASSESSOR, COMMUNITY)

    @get("/", responses=ERRORS)
    async def index(
        self,
        request: Request,
        page: Page = 1,
        page_size: PageSize = 20,
        community: IdFilter = None,
        grade: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        year: Year = None,
    ) -> EvaluationList:
        """The grade register in the caller's scope, newest first (grade "none" is 未定级)."""
        filters = {
            "community": str(community) if community is not None else "",
            "grade": grade or "",
            "status": status or "",
            "year": str(year) if year is not None else "",
        }
        rows = await evaluations.register(user_of(request), filters)
        paging = page_request({"page": page, "page_size": page_size})
        chosen = rows[paging.offset : paging.offset + paging.page_size]
        return EvaluationList.of(
            ListPage(chosen, len(rows), paging.page, paging.page_size),
            lambda r: EvaluationItem(
                id=r["id"],
                organization_id=r["organization"],
                organization=r["organization_name"],
                community_id=r["community_id"],
                grade=r["grade"],
                total_score=None if r["total_score"] is None else str(r["total_score"]),
                evaluated_on=r["evaluated_on"],
                valid_until=r["valid_until"],
                status=r["status"],
                body=r["body"],
                certificate_no=r["certificate_no"],
                downgraded_on=r["downgraded_on"],
                downgraded_to=r["downgraded_to"],
            ),
        )


@dataclass
class FacilityItem:
    id: int
    number: str
    community_id: int
    community: str
    year: int
    name: str
    kind: str
    status: str
    due_date: dt.date | None
    overdue: bool
    budget: str
    spending: str
    lead_unit: str
    partner_units: str
    submitted_on: dt.date | None
    approved_on: dt.date | None
    completed_on: dt.date | None
    in_use_on: dt.date | None


@dataclass
class FacilityTotals:
    count: int
    budget: str
    spending: str


@dataclass
class FacilityList(ApiPage):
    items: list[FacilityItem]
    totals: FacilityTotals


class FacilityApiController(Controller):
    path = "/api/v1/facilities"
    tags = ["v1"]
    opt = allow(ADMIN, STAFF, ASSESSOR, COMMUNITY)

    @get("/", responses=ERRORS)
    async def index(
        self,
        request: Request,
        page: Page = 1,
        page_size: PageSize = 20,
        community: IdFilter = None,
        year: Year = None,
        kind: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        overdue: FromQuery[bool] = False,
    ) -> FacilityList:
        """社区阵地建设 projects in the caller's scope, by number, with the filtered totals;
        `status` is a step of the course (drafting, submitted, returned, implementing,
        completed, in_use, cancelled)."""
        filters = {
            "community": str(community) if community is not None else "",
            "year": str(year) if year is not None else "",
            "kind": kind or "",
            "status": status or "",
            "due": "overdue" if overdue else "",
        }
        query = facilities.PROJECTS.read({**filters, "page": page, "page_size": page_size})
        result, totals = await facilities.list_projects(
            user_of(request), query.filters, query.page, query.sort
        )
        today = local_today()
        return FacilityList.of(
            result,
            lambda r: FacilityItem(
                id=r["id"],
                number=r["number"],
                community_id=r["community"],
                community=r["community_name"],
                year=r["year"],
                name=r["name"],
                kind=r["kind"],
                status=r["status"],
                due_date=r["due_date"] if r["is_open"] else None,
                overdue=bool(r["is_open"] and r["due_date"] and r["due_date"] < today),
                budget=str(r["budget"]),
                spending=str(r["spending"]),
                lead_unit=r["lead_unit"],
                partner_units=r["partner_units"],
                submitted_on=r["submitted_on"],
                approved_on=r["approved_on"],
                completed_on=r["completed_on"],
                in_use_on=r["in_use_on"],
            ),
            totals=FacilityTotals(
                count=totals["count"],
                budget=str(totals["budget"]),
                spending=str(totals["spending"]),
            ),
        )


@dataclass
class CooperationAgreementItem:
    id: int
    community_id: int
    community: str
    community_code: str
    year: int
    title: str
    street_party: str
    community_party: str
    duties: list[str]
    assists: list[str]
    signed_on: dt.date | None
    signed_in_h1: bool
    has_scan: bool


@dataclass
class CooperationAgreementList(ApiPage):
    items: list[CooperationAgreementItem]


class CooperationApiController(Controller):
    path = "/api/v1/cooperation"
    tags = ["v1"]
    opt = allow(ADMIN, STAFF, ASSESSOR, COMMUNITY)

    @get("/agreements", responses=ERRORS)
    async def agreements(
        self,
        request: Request,
        page: Page = 1,
        page_size: PageSize = 20,
        community: IdFilter = None,
        year: Year = None,
        signed: FromQuery[bool | None] = None,
    ) -> CooperationAgreementList:
        """政社互动 agreements in the caller's scope, newest year first, with both item lists;
        `signed_in_h1` is target G1 for its community and year."""
        filters = {
            "community": str(community) if community is not None else "",
            "year": str(year) if year is not None else "",
            "signed": "" if signed is None else ("1" if signed else "0"),
        }
        query = cooperation.API_AGREEMENTS.read({**filters, "page": page, "page_size": page_size})
        result = await cooperation.list_agreements(user_of(request), query.filters, query.page)
        return CooperationAgreementList.of(
            result,
            lambda r: CooperationAgreementItem(
                id=r["id"],
                community_id=r["community"],
                community=r["community_name"],
                community_code=r["community_code"],
                year=r["year"],
                title=r["title"],
                street_party=r["street_party"],
                community_party=r["community_party"],
                duties=r["duties_items"],
                assists=r["assists_items"],
                signed_on=r["signed_on"],
                signed_in_h1=cooperation_rules.signed_in_h1(
                    r["signed_on"], r["year"], dt.date(r["year"], 12, 31)
                ),
                has_scan=r["scan"] is not None,
            ),
        )


ROUTES = [
    ApiV1Controller,
    CooperationApiController,
    OrganizationApiController,
    ActivityApiController,
    EvaluationApiController,
    FacilityApiController,
]
