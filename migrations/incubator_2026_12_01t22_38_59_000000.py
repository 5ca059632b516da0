from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T22:38:59:000000"
VERSION = "1.38.0"
DESCRIPTION = "cooperation: one agreement per community and year, one evaluation a day, one pilot"

# By hand: Piccolo declares no composite unique indexes. Two officers drafting the same
# agreement at once make one.
STATEMENTS = (
    "CREATE UNIQUE INDEX cooperation_agreement_one ON cooperation_agreement (community, year)",
    "CREATE UNIQUE INDEX two_way_evaluation_one ON two_way_evaluation (community, evaluated_on)",
    "CREATE UNIQUE INDEX pilot_unit_one ON pilot_unit (community, area, year)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
