"""Demo grades for the registered demo organizations, with their 年检 history, entered through
the real services: one grade from the 2017 plan year, one that is valid now, one expiring soon."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from incubator.core.dates import add_months
from incubator.core.i18n import local_today
from incubator.core.roles import ASSESSOR, STAFF
from incubator.demo_pipeline import person
from incubator.evaluations import service as evaluations
from incubator.evaluations.tables import Evaluation
from incubator.organizations import service as organizations

# (organization, [(evaluated_on, grade, score, certificate no.)]); dates relative to today are
# callables so the demo stays current.
GRADES = (
    (
        "龙虎塘街道夕阳红助老服务中心",
        (
            (lambda today: dt.date(2017, 11, 20), "4A", "912", "CZ-PG-2017-031"),
            (lambda today: add_months(today, -57), "5A", "958", "CZ-PG-R-0112"),
        ),
    ),
    (
        "常州市新北区阳光助残服务社",
        (
            (lambda today: dt.date(2017, 6, 15), "3A", "845", "CZ-PG-2017-018"),
            (lambda today: add_months(today, -14), "4A", "903", "CZ-PG-R-0207"),
        ),
    ),
)


async def seed_evaluations_demo() -> int:
    if await Evaluation.count():
        return 0
    staff = await person("staff", STAFF)
    assessors = [await person(u, ASSESSOR) for u in ("assessor", "assessor2")]
    today = local_today()
    added = 0
    for name, grades in GRADES:
        organization_id = await organizations.organization_id_by_name(name)
        if organization_id is None:
            continue
        organization = await organizations.get_organization(staff, organization_id)
        assert organization is not None
        first_year = organization["registration_date"].year + 1
        for year in range(first_year, today.year):
            await evaluations.add_compliance(
                staff,
                organization_id,
                {"kind": "inspection", "year": year, "result": "basic" if year == 2016 else "pass"},
            )
        for when, grade, score, certificate in grades:
            evaluation_id = await evaluations.record(
                staff,
                organization_id,
                {
                    "evaluated_on": when(today),
                    "grade": grade,
                    "total_score": Decimal(score),
                    "body": "常州市社会组织评估委员会",
                    "certificate_no": certificate,
                },
            )
            added += 1
        # Only assigned assessors score an evaluation: the demo assessors have the newest one.
        await evaluations.assign_assessors(
            staff, evaluation_id, [a.id for a in assessors], today + dt.timedelta(days=30)
        )
    return added
