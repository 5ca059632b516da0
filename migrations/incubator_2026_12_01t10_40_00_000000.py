from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T10:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reviews: blank the totals that submitted reviews wrote into their timeline notes"

# By hand: a submitted review used to note its total ("评分总分 90", or in English "Total score
# 90") on the work item's timeline, which others could read. Totals live on score sheets only.
STATEMENTS = (
    "UPDATE work_item_event SET note = '' "
    "WHERE to_status = 'submitted' "
    "AND (note LIKE '评分总分 %' OR note LIKE 'Total score %') "
    "AND item IN (SELECT id FROM work_item WHERE kind IN "
    "('screening_review', 'diagnosis_review', 'midterm_review', 'graduation_review'))",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def blank_totals():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(blank_totals)
    return manager
