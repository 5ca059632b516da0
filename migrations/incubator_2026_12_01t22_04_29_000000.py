from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T22:04:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "facilities: one checklist item per community, year and item"

# By hand: Piccolo declares no composite unique indexes. Two officers ticking the same item at
# once make one row.
STATEMENTS = (
    "CREATE UNIQUE INDEX station_check_item ON station_check (community, year, item)",
    "CREATE INDEX facility_project_community_year ON facility_project (community, year)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
