from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T17:34:28:000000"
VERSION = "1.38.0"
DESCRIPTION = "organization registry: unique credit code"

# By hand, as an index: both SQLite and PostgreSQL let several rows have no code (NULL).
STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS organization_credit_code ON "organization" ("credit_code")',
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
