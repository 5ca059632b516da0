from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T22:14:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log: index by table and id, for data versions"

# By hand: a report's data version is the newest audit id of each table it reads
# (core.audit.data_version), one backward index lookup per table.
STATEMENTS = (
    'CREATE INDEX IF NOT EXISTS audit_log_table_id ON "audit_log" ("table_name", "id")',
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
