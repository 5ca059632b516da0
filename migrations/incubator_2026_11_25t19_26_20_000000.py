from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T19:26:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "center: one holder per desk, one tick per checklist item"

# By hand: partial and composite unique indexes, which SQLite cannot add as constraints.
STATEMENTS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS desk_allocation_one_holder "
    'ON "desk_allocation" ("desk") WHERE "released_on" IS NULL',
    "CREATE INDEX IF NOT EXISTS desk_allocation_agreement "
    'ON "desk_allocation" ("agreement")',
    "CREATE UNIQUE INDEX IF NOT EXISTS graduation_check_item "
    'ON "graduation_check" ("organization", "item")',
    "CREATE INDEX IF NOT EXISTS entry_agreement_organization "
    'ON "entry_agreement" ("organization")',
    "CREATE INDEX IF NOT EXISTS support_record_organization "
    'ON "support_record" ("organization", "held_on")',
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
