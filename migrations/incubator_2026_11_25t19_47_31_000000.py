from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T19:47:31:000000"
VERSION = "1.38.0"
DESCRIPTION = "evaluations: indexes by organization"

# By hand: composite indexes the register and the eligibility rules read by.
STATEMENTS = (
    'CREATE INDEX IF NOT EXISTS evaluation_organization ON "evaluation" ("organization")',
    "CREATE INDEX IF NOT EXISTS compliance_record_organization "
    'ON "compliance_record" ("organization", "kind")',
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
