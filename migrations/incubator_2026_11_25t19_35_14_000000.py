from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T19:35:14:000000"
VERSION = "1.38.0"
DESCRIPTION = "activity ledger: indexes for the ledger page's filters and sort"

# By hand: composite indexes. The ledger is read by community or organization, newest first,
# and summed over the same filters (the bench page: one community among 100,000 activities).
STATEMENTS = (
    'CREATE INDEX IF NOT EXISTS activity_community_held_on ON "activity" ("community", "held_on")',
    "CREATE INDEX IF NOT EXISTS activity_organization_held_on "
    'ON "activity" ("organization", "held_on")',
    'CREATE INDEX IF NOT EXISTS activity_held_on ON "activity" ("held_on", "id")',
    'CREATE INDEX IF NOT EXISTS activity_category ON "activity" ("category", "held_on")',
    'CREATE INDEX IF NOT EXISTS activity_status ON "activity" ("status")',
    'CREATE INDEX IF NOT EXISTS activity_file_activity ON "activity_file" ("activity")',
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
